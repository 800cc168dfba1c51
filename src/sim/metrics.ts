// The simulator's /metrics: vLLM's metric names (from the metric catalogue) and bucket boundaries
// (taken from vLLM v1 vllm/v1/metrics/loggers.py), labelled model_name, in its own prom-client Registry.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { VLLM_METRICS } from '../common/metric-catalog.js';

const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
const REQUEST_LATENCY_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];

/** Live scheduler numbers, read at scrape time. */
interface SchedulerGauges {
  running(): number;
  waiting(): number;
  maxRunning: number;
}

/** Bound (label-resolved) metric children, so the per-token path skips label lookups. */
export interface SimMetrics {
  registry: Registry;
  promptTokens: { inc(n: number): void };
  generationTokens: { inc(n: number): void };
  success(finish: string): void;
  ttft: { observe(seconds: number): void };
  itl: { observe(seconds: number): void };
  e2e: { observe(seconds: number): void };
  queue: { observe(seconds: number): void };
  /** Admission to first token; first token to last; admission to last (vLLM's PREFILL, DECODE, RUNNING phases). */
  prefill: { observe(seconds: number): void };
  decode: { observe(seconds: number): void };
  inference: { observe(seconds: number): void };
  /** Prefix cache: prompt tokens looked up, and those found cached. */
  prefixQueries: { inc(n: number): void };
  prefixHits: { inc(n: number): void };
}

/** Create the registry and every metric for one served model. */
export function createSimMetrics(modelName: string, gauges: SchedulerGauges): SimMetrics {
  const registry = new Registry();
  const labelNames = ['model_name'] as const;
  const labels = { model_name: modelName };
  const registers = [registry];
  new Gauge({
    name: VLLM_METRICS.running, help: 'Number of requests in model execution batches.', labelNames, registers,
    collect() { this.set(labels, gauges.running()); },
  });
  new Gauge({
    name: VLLM_METRICS.waiting, help: 'Number of requests waiting to be processed.', labelNames, registers,
    collect() { this.set(labels, gauges.waiting()); },
  });
  // Stand-in: the simulator has no KV cache, so usage is running / max-num-seqs (0..1 like vLLM's).
  new Gauge({
    name: VLLM_METRICS.kvCacheUsage, help: 'KV-cache usage. 1 means 100 percent usage (simulated: running / max-num-seqs).', labelNames, registers,
    collect() { this.set(labels, gauges.running() / gauges.maxRunning); },
  });
  // prom-client exposes a counter under exactly the declared name in the Prometheus text format
  // (it only appends _total for OpenMetrics), so the names carry _total themselves.
  const counter = (name: string, help: string, extra: string[] = []) => new Counter({ name, help, labelNames: [...labelNames, ...extra], registers });
  // Every series exists from the start at 0, as vLLM's do, so a scrape before the first request is a baseline.
  const prompt = counter(VLLM_METRICS.promptTokens, 'Number of prefill tokens processed.').labels(labels);
  const generation = counter(VLLM_METRICS.generationTokens, 'Number of generation tokens processed.').labels(labels);
  prompt.inc(0);
  generation.inc(0);
  const success = counter(VLLM_METRICS.requestSuccess, 'Count of successfully processed requests.', ['finished_reason']);
  for (const finished_reason of ['stop', 'length']) success.inc({ ...labels, finished_reason }, 0);
  // The simulator never preempts (exported at its true value, 0); the prefix cache counts only with
  // --enable-prefix-caching, as vLLM's do.
  counter(VLLM_METRICS.preemptions, 'Cumulative number of preemption from the engine.').labels(labels).inc(0);
  const prefixQueries = counter(VLLM_METRICS.prefixCacheQueries, 'Prefix cache queries, in terms of number of queried tokens.').labels(labels);
  const prefixHits = counter(VLLM_METRICS.prefixCacheHits, 'Prefix cache hits, in terms of number of cached tokens.').labels(labels);
  prefixQueries.inc(0);
  prefixHits.inc(0);
  const histogram = (name: string, help: string, buckets: number[]) => {
    const h = new Histogram({ name, help, buckets, labelNames, registers });
    h.zero(labels);
    return h.labels(labels);
  };
  return {
    registry,
    promptTokens: prompt,
    generationTokens: generation,
    success: (finish) => success.inc({ ...labels, finished_reason: finish }),
    ttft: histogram(VLLM_METRICS.ttft, 'Histogram of time to first token in seconds.', TTFT_BUCKETS),
    itl: histogram(VLLM_METRICS.itl, 'Histogram of inter-token latency in seconds.', ITL_BUCKETS),
    e2e: histogram(VLLM_METRICS.e2e, 'Histogram of e2e request latency in seconds.', REQUEST_LATENCY_BUCKETS),
    queue: histogram(VLLM_METRICS.queueTime, 'Histogram of time spent in WAITING phase for request.', REQUEST_LATENCY_BUCKETS),
    prefill: histogram(VLLM_METRICS.prefillTime, 'Histogram of time spent in PREFILL phase for request.', REQUEST_LATENCY_BUCKETS),
    decode: histogram(VLLM_METRICS.decodeTime, 'Histogram of time spent in DECODE phase for request.', REQUEST_LATENCY_BUCKETS),
    inference: histogram(VLLM_METRICS.inferenceTime, 'Histogram of time spent in RUNNING phase for request.', REQUEST_LATENCY_BUCKETS),
    prefixQueries,
    prefixHits,
  };
}
