// Run the BUILT bin (bin/aibench.js -> dist/) as a user would: a throwaway HOME so no personal
// config leaks in, no colour, and a clean environment: only the variables in PASSED come from the
// test process (the machine's basics and the test cluster's), never a caller's HF_TOKEN, API keys,
// AIBENCH_CONFIG or SSH agent. The one runner for every test that starts the bin.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(REPO_ROOT, 'bin/aibench.js');

export interface BinResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface BinOptions {
  /** Added to the clean environment (undefined removes a variable). */
  env?: Record<string, string | undefined>;
  home?: string;
  timeoutMs?: number;
  input?: string;
  /** Another bin (an installed `aibench`). */
  bin?: string;
  cwd?: string;
}

/** What a child inherits from the test process: PATH, locale, temp dir, and the test cluster's variables. */
const PASSED = ['PATH', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SLURM_CONF', 'AIBENCH_TC_DIR', 'FAKE_NVIDIA_SMI_SCENARIO'] as const;

/** A fresh HOME with XDG dirs under it. */
export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'aibench-home-'));
}

/** The clean environment the bin runs with: HOME and XDG dirs under `home`, no colour, no personal config. */
export function binEnv(home: string, env: Record<string, string | undefined> = {}): Record<string, string> {
  const merged: Record<string, string | undefined> = {
    ...Object.fromEntries(PASSED.map((key) => [key, process.env[key]])),
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.local/state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    ...env,
  };
  return Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Start `aibench ...args` (for a test that signals it or reads its output as it comes); never rejects on a non-zero exit. */
export function startBin(args: string[], options: BinOptions = {}): ResultPromise<{ reject: false }> {
  return execa(process.execPath, [options.bin ?? BIN, ...args], {
    reject: false,
    cwd: options.cwd ?? REPO_ROOT,
    input: options.input,
    timeout: options.timeoutMs ?? 120_000,
    env: binEnv(options.home ?? tempHome(), options.env),
    extendEnv: false,
  });
}

/** Run `aibench ...args` to its end; never throws on a non-zero exit. */
export async function runBin(args: string[], options: BinOptions = {}): Promise<BinResult> {
  return binResult(await startBin(args, options));
}

/** The exit code and output of a finished child. */
export function binResult(result: { exitCode?: number | undefined; stdout: unknown; stderr: unknown }): BinResult {
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
