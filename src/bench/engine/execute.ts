// A spec's target made concrete: a service's endpoint the caller opened, the spec's URL, or the
// embedded simulator started (and stopped) here. The one entry point of a benchmark.
import type { BenchSpec } from '../spec/bench-spec.js';
import { runWithWorkers } from '../scale/local-workers.js';
import { withRunWindowTruth } from '../truth/run-window.js';
import { runSearch, type MeasureRun } from '../search/run-search.js';
import { runBenchmark, type BenchHooks, type BenchOutcome, type Endpoint } from './runner.js';

interface TargetOptions {
  /** A service's endpoint the caller opened (and closes). */
  endpoint?: Endpoint;
  /** The key for the spec's URL (from a 0600 file or the environment). */
  apiKey?: string;
}

/** Run the spec against an endpoint: in this process, or split over `client.workers` local processes, then the run window's Prometheus truth; a search runs each step so. */
export function runLocal(spec: BenchSpec, endpoint: Endpoint, hooks: BenchHooks = {}): Promise<BenchOutcome> {
  const once: MeasureRun = async (s, h) => withRunWindowTruth(s, s.client.workers > 1 ? await runWithWorkers(s, endpoint, h) : await runBenchmark(s, endpoint, h));
  return spec.search === undefined ? once(spec, hooks) : runSearch(spec, once, hooks);
}

/** Run the spec against its target; `embedded` says whether the simulator was started for it. */
export async function executeBenchmark(spec: BenchSpec, target: TargetOptions = {}, hooks: BenchHooks = {}): Promise<BenchOutcome & { embedded: boolean }> {
  if (target.endpoint !== undefined) return { ...(await runLocal(spec, target.endpoint, hooks)), embedded: false };
  if (spec.target.url !== undefined) {
    return { ...(await runLocal(spec, { url: spec.target.url, ...(target.apiKey ? { apiKey: target.apiKey } : {}) }, hooks)), embedded: false };
  }
  // Loaded only here: the simulator's tokenizer is not what a run against a URL should pay for at start.
  const { startEmbeddedSim } = await import('../../sim/embedded.js');
  const server = await startEmbeddedSim(spec.sim);
  hooks.onInfo?.(`no target given: benchmarking the embedded simulator at ${server.url}`);
  try {
    return { ...(await runLocal(spec, { url: server.url }, hooks)), embedded: true };
  } finally {
    await server.close();
  }
}
