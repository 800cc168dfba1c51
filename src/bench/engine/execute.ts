// The one core call of `bench run`: resolve the target (embedded simulator when none is given),
// run the plan, stop what it started.
import { parseSimArgs } from '../../sim/options.js';
import { startSimServer } from '../../sim/server.js';
import type { BenchProfile } from '../spec/profile.js';
import { runBench, type BenchHooks, type BenchOutcome, type BenchPlan } from './runner.js';

/** Embedded simulator defaults when the profile gives none: latencies of a small model on one GPU. */
export const EMBEDDED_SIM_DEFAULTS = { itl_ms: 15, prefill_ms_per_token: 0.05, prefill_overhead_ms: 10, max_num_seqs: 256 } as const;

/** `sim:` profile settings -> `aibench sim` argv (port 0 on loopback), validated by the simulator's own parser. */
export function simArgv(sim: BenchProfile['sim'] = {}): string[] {
  const merged: Record<string, string | number> = { ...EMBEDDED_SIM_DEFAULTS, ...sim };
  const argv = ['--host', '127.0.0.1', '--port', '0'];
  for (const [key, value] of Object.entries(merged)) {
    if (value !== undefined) argv.push(`--${key.replace(/_/g, '-')}`, String(value));
  }
  return argv;
}

export interface ExecuteOptions {
  /** The plan without a url runs against an embedded simulator started here. */
  plan: Omit<BenchPlan, 'url'> & { url?: string };
  sim?: BenchProfile['sim'];
}

/** Run the benchmark, starting and stopping the embedded simulator when there is no target. */
export async function executeBench(options: ExecuteOptions, hooks: BenchHooks = {}): Promise<BenchOutcome & { embedded: boolean }> {
  if (options.plan.url !== undefined) {
    return { ...(await runBench({ ...options.plan, url: options.plan.url }, hooks)), embedded: false };
  }
  const server = await startSimServer(parseSimArgs(simArgv(options.sim)).options);
  hooks.onInfo?.(`no target given: benchmarking the embedded simulator at ${server.url}`);
  try {
    return { ...(await runBench({ ...options.plan, url: server.url }, hooks)), embedded: true };
  } finally {
    await server.close();
  }
}
