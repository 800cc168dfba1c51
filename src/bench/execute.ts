// The one core call of `bench run`: resolve the target (embedded simulator when none is given),
// run the plan, stop what it started.
import { startEmbeddedSim } from '../sim/embedded.js';
import type { BenchProfile } from './profile.js';
import { runBench, type BenchHooks, type BenchOutcome, type BenchPlan } from './runner.js';

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
  const server = await startEmbeddedSim(options.sim);
  hooks.onInfo?.(`no target given: benchmarking the embedded simulator at ${server.url}`);
  try {
    return { ...(await runBench({ ...options.plan, url: server.url }, hooks)), embedded: true };
  } finally {
    await server.close();
  }
}
