// One line of a trace, in each format aibench replays, as a pure parser with line-numbered errors:
//  - mooncake (https://github.com/kvcache-ai/Mooncake, FAST'25 traces): JSONL
//    {"timestamp": ms since the first request, "input_length", "output_length", "hash_ids": [...]}
//    where equal hash ids are equal blocks of (by default) 512 prompt tokens;
//  - azure (https://github.com/Azure/AzurePublicDataset, AzureLLMInferenceTrace 2023/2024): CSV
//    `TIMESTAMP,ContextTokens,GeneratedTokens` with wall-clock timestamps like 2023-11-16 18:15:46.6805900;
//  - jsonl (aibench's own): {"timestamp_ms", "input_len" and/or "prompt", "output_len"}.
import { UsageError } from '../../errors.js';

export type TraceFormat = 'mooncake' | 'azure' | 'jsonl';

/** One request of a trace: when it arrived (ms, absolute in the trace's own clock) and its lengths. */
export interface TraceItem {
  atMs: number;
  inputLen: number;
  outputLen: number;
  hashIds?: number[];
  /** The prompt itself (jsonl traces may carry it); its tokens are counted. */
  prompt?: string;
}

const AZURE_HEADER = /^\s*TIMESTAMP\s*,\s*ContextTokens\s*,\s*GeneratedTokens\s*$/i;
const AZURE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/;

/** Parse one line; undefined for a blank line or the CSV header. Throws `FILE line N: why`. */
export function parseTraceLine(format: TraceFormat, text: string, n: number, path: string): TraceItem | undefined {
  if (text.trim() === '') return undefined;
  const fail = (why: string): never => {
    throw new UsageError(`${path} line ${n}: ${why}`);
  };
  if (format === 'azure') return parseAzure(text, fail);
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return fail(`expected a JSON object, got ${JSON.stringify(text.slice(0, 40))}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('expected a JSON object');
  const count = (key: string, min: number): number => {
    const v = value[key];
    return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : fail(`${key}: expected an integer >= ${min}, got ${JSON.stringify(v) ?? 'nothing'}`);
  };
  const time = (key: string): number => {
    const v = value[key];
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(`${key}: expected milliseconds >= 0, got ${JSON.stringify(v) ?? 'nothing'}`);
  };
  if (format === 'mooncake') {
    const ids = value.hash_ids;
    if (ids !== undefined && (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id) && id >= 0))) fail('hash_ids: expected a list of integers >= 0');
    return { atMs: time('timestamp'), inputLen: count('input_length', 1), outputLen: count('output_length', 1), ...(ids === undefined ? {} : { hashIds: ids as number[] }) };
  }
  const prompt = value.prompt;
  if (prompt !== undefined && (typeof prompt !== 'string' || prompt === '')) fail('prompt: expected a non-empty string');
  // A prompt's tokens are counted unless input_len gives them (counting a long prompt costs ~1 µs per token).
  const known = value.input_len !== undefined || typeof prompt !== 'string';
  return { atMs: time('timestamp_ms'), outputLen: count('output_len', 1), inputLen: known ? count('input_len', 1) : 0, ...(typeof prompt === 'string' ? { prompt } : {}) };
}

function parseAzure(text: string, fail: (why: string) => never): TraceItem | undefined {
  if (AZURE_HEADER.test(text)) return undefined;
  const cells = text.split(',').map((c) => c.trim());
  if (cells.length !== 3) return fail(`expected 3 columns TIMESTAMP,ContextTokens,GeneratedTokens, got ${cells.length}`);
  const [stamp, context, generated] = cells as [string, string, string];
  const atMs = azureTimeMs(stamp);
  if (atMs === undefined) return fail(`TIMESTAMP: expected a time like 2023-11-16 18:15:46.6805900, got ${JSON.stringify(stamp)}`);
  const int = (cell: string, name: string, min: number): number => (/^\d+$/.test(cell) && Number(cell) >= min ? Number(cell) : fail(`${name}: expected an integer >= ${min}, got ${JSON.stringify(cell)}`));
  return { atMs, inputLen: int(context, 'ContextTokens', 1), outputLen: int(generated, 'GeneratedTokens', 1) };
}

/** Epoch ms of an Azure trace timestamp, keeping the sub-millisecond digits (7 in the published files). */
export function azureTimeMs(stamp: string): number | undefined {
  const m = AZURE_TIME.exec(stamp);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as [string, string, string, string, string, string, string, string | undefined, string | undefined];
  const parts = [Number(mo), Number(d), Number(h), Number(mi), Number(s)];
  if (parts[0]! < 1 || parts[0]! > 12 || parts[1]! < 1 || parts[1]! > 31 || parts[2]! > 23 || parts[3]! > 59 || parts[4]! > 60) return undefined;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (frac !== undefined) ms += Number(`0.${frac}`) * 1000;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}
