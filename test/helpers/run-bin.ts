// Run the BUILT bin (bin/aibench.js -> dist/) as a user would, with a throwaway HOME so no
// personal config leaks in, no colour, and the exit code, stdout and stderr captured.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(REPO_ROOT, 'bin/aibench.js');

export interface BinResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A fresh HOME with XDG dirs under it. */
export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'aibench-home-'));
}

/** The clean environment the bin runs with: HOME and XDG dirs under `home`, no colour, no personal config. */
export function binEnv(home: string, env: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.local/state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    AIBENCH_CONFIG: undefined,
    ...env,
  };
}

/** Run `aibench ...args` (this checkout's bin, or `bin`: an installed one); never throws on a non-zero exit. */
export async function runBin(
  args: string[],
  options: { env?: Record<string, string | undefined>; home?: string; timeoutMs?: number; input?: string; bin?: string; cwd?: string } = {},
): Promise<BinResult> {
  const home = options.home ?? tempHome();
  const result = await execa(process.execPath, [options.bin ?? BIN, ...args], {
    reject: false,
    cwd: options.cwd ?? REPO_ROOT,
    input: options.input,
    timeout: options.timeoutMs ?? 120_000,
    env: binEnv(home, options.env),
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
