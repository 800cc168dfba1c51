// Per-request samples of a detailed result (--save-detailed), selected exactly as the metrics are
// computed (bench/metrics.ts): measured, not cut, successful requests. Cached per document, since
// the report, compare and history all ask for them.
import type { LatencyMetric } from '../bench/results/result-fields.js';
import type { ResultDocument } from '../bench/results/result-schema.js';
import { sampleSet, type SampleSet } from './bootstrap.js';

export type RunSamples = Record<LatencyMetric, SampleSet>;

const cache = new WeakMap<ResultDocument, RunSamples | null>();

/** The measured, successful requests of a detailed result, in index order; undefined without detail. */
function measuredRequests(run: ResultDocument): NonNullable<ResultDocument['requests']> | undefined {
  if (run.requests === undefined) return undefined;
  return run.requests.filter((r) => !r.warmup && !r.cut && r.success);
}

/** Each latency's values of a run's measured requests, unsorted and new on every call (the caller may reorder them), and how many requests have an ITL gap; undefined without detail. */
export function latencyValues(run: ResultDocument): { values: Record<LatencyMetric, Float64Array>; withGaps: number } | undefined {
  const requests = measuredRequests(run);
  if (requests === undefined) return undefined;
  const ttft: number[] = [];
  const tpot: number[] = [];
  const e2el: number[] = [];
  let gaps = 0;
  let withGaps = 0;
  for (const r of requests) {
    if (r.ttft_ms !== undefined) ttft.push(r.ttft_ms);
    if (r.tpot_ms !== undefined) tpot.push(r.tpot_ms);
    e2el.push(r.e2el_ms);
    gaps += r.itl_ms.length;
    if (r.itl_ms.length > 0) withGaps++;
  }
  const itl = new Float64Array(gaps);
  let at = 0;
  for (const r of requests) for (const gap of r.itl_ms) itl[at++] = gap;
  return { values: { ttft: Float64Array.from(ttft), tpot: Float64Array.from(tpot), itl, e2el: Float64Array.from(e2el) }, withGaps };
}

/**
 * TTFT, TPOT, ITL and E2EL samples of a run (sorted), or undefined without per-request detail.
 * ITL pools every gap (vLLM's definition) but counts as many independent draws as requests with a
 * gap: gaps of one request move together, so treating each as independent would overstate certainty.
 */
export function runSamples(run: ResultDocument): RunSamples | undefined {
  const hit = cache.get(run);
  if (hit !== undefined) return hit ?? undefined;
  const latencies = latencyValues(run);
  if (latencies === undefined) {
    cache.set(run, null);
    return undefined;
  }
  const { values, withGaps } = latencies;
  const samples: RunSamples = { ttft: sampleSet(values.ttft), tpot: sampleSet(values.tpot), itl: sampleSet(values.itl, withGaps), e2el: sampleSet(values.e2el) };
  cache.set(run, samples);
  return samples;
}

/** Pool the samples of several repetitions into one set per metric (draws add up). */
export function poolSamples(sets: readonly RunSamples[]): RunSamples | undefined {
  if (sets.length === 0) return undefined;
  if (sets.length === 1) return sets[0];
  const pool = (metric: LatencyMetric): SampleSet => {
    const parts = sets.map((s) => s[metric]);
    const all = new Float64Array(parts.reduce((n, s) => n + s.sorted.length, 0));
    let at = 0;
    for (const s of parts) {
      all.set(s.sorted, at);
      at += s.sorted.length;
    }
    return sampleSet(all, parts.reduce((n, s) => n + s.draws, 0));
  };
  return { ttft: pool('ttft'), tpot: pool('tpot'), itl: pool('itl'), e2el: pool('e2el') };
}
