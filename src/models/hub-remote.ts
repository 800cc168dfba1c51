// The hub cache over an executor (this machine or the login node): one listing, then small files
// (config.json, checkpoint indexes) and safetensors headers, each kind in one round trip for any
// number of files. Every path travels as an argv word; the scripts are constants.
import type { Executor } from '../exec/types.js';
import { AibenchError } from '../errors.js';
import { HUB_LIST_SCRIPT, parseHubListing, type HubRepo } from './hub-listing.js';
import { MAX_HEADER_BYTES, parseSafetensorsPrefix, type TensorSummary } from './safetensors.js';

/** Small text files are read whole up to this size (a config or an index is a few KB to a few MB). */
const MAX_SMALL_FILE_BYTES = 8 * 1024 * 1024;

// One output line per argument, in order: `OK <base64>` or `ERR <reason>`.
const READ_SCRIPT = [
  'for f do',
  '  n=$(wc -c < "$f" 2>/dev/null) || { echo "ERR unreadable"; continue; }',
  `  if [ "$n" -gt ${MAX_SMALL_FILE_BYTES} ]; then echo "ERR too large ($n bytes)"; continue; fi`,
  '  printf "OK "; base64 -w0 < "$f"; echo',
  'done',
].join('\n');

// The first 8 + N bytes of each safetensors file (N from its first 8 bytes, little-endian).
const HEADER_SCRIPT = [
  'for f do',
  '  n=$(od -An -tu8 -N8 --endian=little -- "$f" 2>/dev/null | tr -d " \\n")',
  '  case $n in ""|*[!0-9]*) echo "ERR cannot read the header length"; continue;; esac',
  `  if [ "$n" -lt 2 ] || [ "$n" -gt ${MAX_HEADER_BYTES} ]; then echo "ERR header length $n out of range"; continue; fi`,
  '  printf "OK "; head -c $((8 + n)) -- "$f" | base64 -w0; echo',
  'done',
].join('\n');

type HubListing = { found: true; repos: HubRepo[] } | { found: false };

/** List the cache; `found: false` when the directory is not there. */
export async function listHub(ex: Executor, hubCache: string): Promise<HubListing> {
  const res = await ex.run(['sh', '-c', HUB_LIST_SCRIPT, 'sh', hubCache], { timeoutMs: 120_000 });
  if (res.exitCode === 3) return { found: false };
  if (res.exitCode !== 0) throw new AibenchError(`Could not list the HF cache ${hubCache} on ${ex.label}: ${res.stderr.trim() || `exit ${res.exitCode}`}`, { code: 'E_HF_CACHE' });
  return { found: true, repos: parseHubListing(res.stdout) };
}

async function perFile<T>(ex: Executor, script: string, paths: readonly string[], decode: (bytes: Uint8Array) => T): Promise<Map<string, T | Error>> {
  const out = new Map<string, T | Error>();
  if (paths.length === 0) return out;
  const res = await ex.run(['sh', '-c', script, 'sh', ...paths], { timeoutMs: 120_000 });
  const lines = res.stdout.split('\n');
  paths.forEach((path, i) => {
    const line = lines[i] ?? '';
    if (!line.startsWith('OK ')) {
      out.set(path, new Error(line.startsWith('ERR ') ? line.slice(4) : 'no answer'));
      return;
    }
    try {
      out.set(path, decode(Buffer.from(line.slice(3), 'base64')));
    } catch (error) {
      out.set(path, error as Error);
    }
  });
  return out;
}

/** Small text files, each read whole (an Error in place of one that could not be read). */
export function readSmallFiles(ex: Executor, paths: readonly string[]): Promise<Map<string, string | Error>> {
  return perFile(ex, READ_SCRIPT, paths, (bytes) => new TextDecoder().decode(bytes));
}

/** Each safetensors file's header, summarised; the weights are never read. */
export function readSafetensorsHeaders(ex: Executor, paths: readonly string[]): Promise<Map<string, TensorSummary | Error>> {
  return perFile(ex, HEADER_SCRIPT, paths, parseSafetensorsPrefix);
}
