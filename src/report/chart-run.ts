// The charts of one detailed run: latency distributions (histogram and CDF, with the run's own
// percentile fields as markers) and timelines over the run (in flight, output tokens/s, TTFT of each
// request at its send time).
import { LATENCY_METRICS, type LatencyMetric } from '../bench/results/result-fields.js';
import type { ResultDocument } from '../bench/results/result-schema.js';
import { cdfPoints, cdfRanks, histogram, histogramRanks, type Histogram, inFlightPerBucket, minMaxDownsample, rateBuckets } from './chart-data.js';
import type { ChartSpec, MarkerSpec } from './chart-spec.js';
import { metricValue } from './repetitions.js';
import { fmtNumber } from './table.js';
import { selectedSample } from './order-stats.js';
import { latencyValues } from './run-samples.js';
import { requestTimes, type RequestTimes } from './timeline-source.js';

export const METRIC_NAMES: Record<LatencyMetric, string> = { ttft: 'TTFT', tpot: 'TPOT', itl: 'ITL', e2el: 'E2EL' };

/** Markers at the median, p90 and p99 the result itself reports (so they equal the tables). */
function percentileMarkers(run: ResultDocument, metric: LatencyMetric): MarkerSpec[] {
  const fields: Array<[string, string]> = [['median', `median_${metric}_ms`], ['p90', `p90_${metric}_ms`], ['p99', `p99_${metric}_ms`]];
  return fields.flatMap(([label, field]) => {
    const x = metricValue(run as unknown as Record<string, unknown>, field);
    return x === undefined ? [] : [{ x, label: `${label} ${fmtNumber(x)}` }];
  });
}

/** Histogram and CDF of each latency with samples; none without --save-detailed. */
export function distributionCharts(run: ResultDocument, id: string): ChartSpec[] {
  const latencies = latencyValues(run);
  if (latencies === undefined) return [];
  return LATENCY_METRICS.flatMap((metric): ChartSpec[] => {
    // Only the ranks the charts read are selected; the millions of ITL gaps are never sorted.
    const values = latencies.values[metric];
    const sample = selectedSample(values, [...histogramRanks(values.length), ...cdfRanks(values.length)]);
    const hist = histogram(sample);
    if (hist === undefined) return [];
    const name = METRIC_NAMES[metric];
    const markers = percentileMarkers(run, metric);
    const cdf = cdfPoints(sample);
    const n = values.length.toLocaleString('en-US');
    return [
      {
        id: `${id}-${metric}-hist`, title: `${name} histogram`, xLabel: `${name} (ms)`, yLabel: 'requests', yMin: 0,
        series: [{ label: name, style: 'bars', color: 0 }], data: [hist.centers, hist.counts], markers, xRange: histogramRange(hist),
        note: `${n} samples in ${hist.counts.length} bins${hist.above > 0 ? `; ${hist.above.toLocaleString('en-US')} above ${hist.clipAt.toFixed(2)} ms (past p99.9) shown in the CDF only` : ''}`,
      },
      {
        id: `${id}-${metric}-cdf`, title: `${name} CDF`, xLabel: `${name} (ms)`, yLabel: 'fraction ≤ x', yMin: 0,
        series: [{ label: name, style: 'line', color: 0 }], data: [cdf.x, cdf.y], markers,
        note: `${cdf.x.length} points of the exact empirical CDF of ${n} samples`,
      },
    ];
  });
}

// The outer bin edges (with room for a marker past the clip), so the end bars are drawn whole.
function histogramRange(hist: Histogram): [number, number] {
  const half = hist.centers.length > 1 ? ((hist.centers[1] as number) - (hist.centers[0] as number)) / 2 : 0.5;
  return [(hist.centers[0] as number) - half, (hist.centers[hist.centers.length - 1] as number) + half];
}

/** In flight, output tokens/s and TTFT at send time over the run; none without --save-detailed. */
export function timelineCharts(run: ResultDocument, id: string): ChartSpec[] {
  const times = requestTimes(run);
  if (times === undefined || times.requests.length === 0) return [];
  const { requests, startMs } = times;
  const ends = Float64Array.from(requests, (r, i) => (startMs[i] as number) + r.e2el_ms);
  const endMs = ends.reduce((a, b) => Math.max(a, b), run.duration_s * 1000);
  const inFlight = inFlightPerBucket(startMs, ends, endMs);
  const rate = tokenRate(requests, startMs, endMs);
  const order = [...startMs.keys()].filter((i) => requests[i]?.ttft_ms !== undefined && requests[i]?.success).sort((a, b) => (startMs[a] as number) - (startMs[b] as number));
  const ttft = minMaxDownsample(order.map((i) => (startMs[i] as number) / 1000), order.map((i) => requests[i]?.ttft_ms as number));
  const bucketNote = `${times.note}; mean per ${(endMs / 1000 / inFlight.t.length).toFixed(2)} s step`;
  return [
    { id: `${id}-inflight`, title: 'Requests in flight', xLabel: 'seconds since start', yLabel: 'requests', yMin: 0, series: [{ label: 'in flight', style: 'step', color: 1 }], data: [inFlight.t, inFlight.v], note: bucketNote },
    { id: `${id}-tokens`, title: 'Output tokens per second', xLabel: 'seconds since start', yLabel: 'tok/s', yMin: 0, series: [{ label: 'output tok/s', style: 'line', color: 2 }], data: [rate.t, rate.v], note: bucketNote },
    {
      id: `${id}-ttft-time`, title: 'TTFT of each request at its send time', xLabel: 'send time (s since start)', yLabel: 'TTFT (ms)', yMin: 0,
      series: [{ label: 'TTFT', style: 'points', color: 0 }], data: [ttft.x, ttft.y],
      note: `${times.note}; ${ttft.x.length < order.length ? `${ttft.x.length} of ${order.length} points: the lowest and highest TTFT of each 1/1000 of the run` : `all ${order.length} requests`}`,
    },
  ];
}

// Output tokens per second over time: each content chunk at send + TTFT + the ITL gaps so far, carrying an even share of the request's tokens.
function tokenRate(requests: RequestTimes['requests'], startMs: Float64Array, endMs: number): { t: number[]; v: number[] } {
  const rate = rateBuckets(endMs);
  requests.forEach((r, i) => {
    if (!r.success || r.ttft_ms === undefined) return;
    const share = r.output_tokens / (r.itl_ms.length + 1);
    let t = (startMs[i] as number) + r.ttft_ms;
    rate.add(t, share);
    for (const gap of r.itl_ms) rate.add((t += gap), share);
  });
  return rate.rates();
}
