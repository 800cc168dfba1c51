// A spec's target made concrete: a service's endpoint the caller opened, the spec's URL, or the
// embedded simulator started (and stopped) here. The one entry point of a benchmark.
import { parseSimArgs } from '../../sim/options.js';
import { startSimServer } from '../../sim/server.js';
import type { BenchSpec } from '../spec/bench-spec.js';
import type { SimProfile } from '../spec/sim-settings.js';
import { runWithWorkers } from '../scale/local-workers.js';
import { runBenchmark, type BenchHooks, type BenchOutcome, type Endpoint } from './runner.js';

/** Embedded simulator defaults when the profile gives none: latencies of a small model on one GPU. */
export const EMBEDDED_SIM_DEFAULTS = { itl_ms: 15, prefill_ms_per_token: 0.05, prefill_overhead_ms: 10, max_num_seqs: 256 } as const;

/** `sim:` profile settings -> `aibench sim` argv (port 0 on loopback), validated by the simulator's own parser. */
export function simArgv(sim: SimProfile = {}): string[] {
  const merged: Record<string, string | number> = { ...EMBEDDED_SIM_DEFAULTS, ...sim };
  const argv = ['--host', '127.0.0.1', '--port', '0'];
  for (const [key, value] of Object.entries(merged)) {
    if (value !== undefined) argv.push(`--${key.replace(/_/g, '-')}`, String(value));
  }
  return argv;
}

export interface TargetOptions {
  /** A service's endpoint the caller opened (and closes). */
  endpoint?: Endpoint;
  /** The key for the spec's URL (from a 0600 file or the environment). */
  apiKey?: string;
}

/** Run the spec against an endpoint: in this process, or split over `client.workers` local processes. */
export function runLocal(spec: BenchSpec, endpoint: Endpoint, hooks: BenchHooks = {}): Promise<BenchOutcome> {
  return spec.client.workers > 1 ? runWithWorkers(spec, endpoint, hooks) : runBenchmark(spec, endpoint, hooks);
}

/** Run the spec against its target; `embedded` says whether the simulator was started for it. */
export async function executeBenchmark(spec: BenchSpec, target: TargetOptions = {}, hooks: BenchHooks = {}): Promise<BenchOutcome & { embedded: boolean }> {
  if (target.endpoint !== undefined) return { ...(await runLocal(spec, target.endpoint, hooks)), embedded: false };
  if (spec.target.url !== undefined) {
    return { ...(await runLocal(spec, { url: spec.target.url, ...(target.apiKey ? { apiKey: target.apiKey } : {}) }, hooks)), embedded: false };
  }
  const server = await startSimServer(parseSimArgs(simArgv(spec.sim)).options);
  hooks.onInfo?.(`no target given: benchmarking the embedded simulator at ${server.url}`);
  try {
    return { ...(await runLocal(spec, { url: server.url }, hooks)), embedded: true };
  } finally {
    await server.close();
  }
}
