// A secret a job reads at start (the HF token, a --secret-env value, a service's API key) lives in
// a file on the cluster. Before anything is submitted the file must exist, hold something, and be
// readable by its owner only (0600 or 0400); the job reads it, so the value never enters a script,
// argv or log. Checked through the executor, on the cluster side, without reading the content.
import { UsageError } from '../errors.js';
import { shellQuote } from './quote.js';
import type { Executor } from './types.js';

interface SecretFileVerdict {
  /** Set when the file cannot serve as a secret file: what is wrong with it. */
  problem?: string;
  /** The fix a person can run. */
  hint?: string;
  /** Its octal mode, e.g. `600`, when stat could read it. */
  mode?: string;
}

/** A path a job can read: absolute, or `~/...` (the job's own home); no line breaks or NUL. */
function isSecretFilePath(file: string): boolean {
  return (file.startsWith('/') || file.startsWith('~/')) && !/[\n\r\0]/.test(file);
}

/** stat argv for the file; `~/x` is resolved by the remote shell as "$HOME"/x, the way the job will. */
function statArgv(file: string): string[] {
  if (file.startsWith('~/')) return ['sh', '-c', 'exec stat -L -c "%a %s" -- "$HOME/$1"', 'sh', file.slice(2)];
  return ['stat', '-L', '-c', '%a %s', '--', file];
}

/** What is wrong with `file` as a secret file on the cluster (nothing when it is fine). */
export async function inspectSecretFile(ex: Executor, file: string): Promise<SecretFileVerdict> {
  if (!isSecretFilePath(file)) return { problem: `expected an absolute path on the cluster (or ~/...), got ${JSON.stringify(file)}` };
  const res = await ex.run(statArgv(file), { timeoutMs: 30_000 });
  if (res.exitCode !== 0) {
    return { problem: `cannot read ${file} on ${ex.label}: ${res.stderr.trim() || 'stat failed'}`, hint: `Create it with the secret and \`chmod 600 ${shellQuote(file)}\`.` };
  }
  const [mode = '', size = '0'] = res.stdout.trim().split(' ');
  if ((parseInt(mode, 8) & 0o077) !== 0) {
    return { mode, problem: `expected mode 0600 (owner only), got ${mode.padStart(4, '0')} for ${file}`, hint: `chmod 600 ${shellQuote(file)}` };
  }
  if (Number(size) === 0) return { mode, problem: `expected a secret in ${file}, got an empty file` };
  return { mode };
}

/** Refuse (UsageError naming `what`, exit 2) a secret file that is missing, empty or readable by others. */
export async function checkSecretFile(ex: Executor, file: string, what: string): Promise<void> {
  const verdict = await inspectSecretFile(ex, file);
  if (verdict.problem !== undefined) throw new UsageError(`${what}: ${verdict.problem}`, verdict.hint !== undefined ? { hint: verdict.hint } : {});
}
