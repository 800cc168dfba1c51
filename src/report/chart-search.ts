// The curve of a search (one chart per SLO): the SLO's metric at each measured level, the levels
// that met it and those that missed it as two point series, the bound as a dashed line, and a
// marker at the answer. And, for a ramp, how the send rate followed it and TTFT against the
// instantaneous rate.
import { rampRate } from '../bench/engine/arrivals.js';
import { parseFailOn } from '../bench/results/compare.js';
import type { ResultDocument, SearchDocument } from '../bench/results/result-schema.js';
import { ratePerBucket } from './chart-data.js';
import type { ChartSpec } from './chart-spec.js';
import { alignColumns } from './chart-sweep.js';
import { fmtLevel } from './search-table.js';

/** One chart per SLO of a search: value against level, met and missed apart, the bound, the answer. */
export function searchCharts(doc: SearchDocument, id: string): ChartSpec[] {
  const unit = doc.search.over === 'rate' ? 'request rate (req/s)' : 'concurrency';
  return doc.search.slo.map((text, i): ChartSpec => {
    const rule = parseFailOn(text);
    const at = (met: boolean) => doc.steps.flatMap((s) => {
      const check = s.slo[i];
      return check?.value === undefined || check.met !== met ? [] : [[s.value, check.value] as const];
    });
    const bound: Array<readonly [number, number]> = [[Math.min(doc.search.lo, ...doc.steps.map((s) => s.value)), rule.threshold], [Math.max(doc.search.hi, ...doc.steps.map((s) => s.value)), rule.threshold]];
    return {
      id: `${id}-slo${i}`, title: `${rule.metric} by ${doc.search.over}`, xLabel: unit, yLabel: rule.metric, yMin: 0,
      series: [{ label: 'meets', style: 'points', color: 2 }, { label: 'misses', style: 'points', color: 3 }, { label: `SLO ${rule.op} ${rule.threshold}`, style: 'line', color: 1, dash: true }],
      data: alignColumns([at(true), at(false), bound]),
      ...(doc.answer === undefined ? {} : { markers: [{ x: doc.answer, label: `answer ${fmtLevel(doc, doc.answer)}` }] }),
      note: `${doc.steps.length} measured steps (${doc.stop_reason}); every level's full run is below`,
    };
  });
}

/** A ramp's timelines (with --save-detailed): sends per second against the ramp, and TTFT against the instantaneous rate. */
export function rampCharts(run: ResultDocument, id: string): ChartSpec[] {
  const load = run.config.load;
  const requests = (run.requests ?? []).filter((r) => !r.warmup && r.start_ms !== undefined);
  if (load.kind !== 'ramp' || requests.length === 0) return [];
  const span = run.config.stop.duration_s !== undefined ? run.config.stop.duration_s * 1000 : Math.max(...requests.map((r) => r.start_ms as number));
  const starts = requests.map((r) => r.start_ms as number);
  const sent = ratePerBucket(starts, starts.map(() => 1), span, Math.max(4, Math.min(60, Math.round(span / 1000))));
  const target = sent.t.map((t) => rampRate(load.shape, load.start_rate, load.end_rate, (t * 1000) / span));
  const byIndex = run.config.stop.duration_s === undefined;
  const rateAt = (r: (typeof requests)[number], i: number) => rampRate(load.shape, load.start_rate, load.end_rate, byIndex ? i / requests.length : (r.start_ms as number) / span);
  const ttft = requests.flatMap((r, i) => (r.ttft_ms === undefined ? [] : [[rateAt(r, i), r.ttft_ms] as const])).sort((a, b) => a[0] - b[0]);
  return [
    {
      id: `${id}-ramp-rate`, title: 'Send rate against the ramp', xLabel: 'seconds since start', yLabel: 'req/s', yMin: 0,
      series: [{ label: 'sent', style: 'step', color: 0 }, { label: `${load.shape} ramp`, style: 'line', color: 1, dash: true }], data: [sent.t, sent.v, target],
      note: 'requests sent per time step, and the instantaneous rate the ramp asked for',
    },
    {
      id: `${id}-ramp-ttft`, title: 'TTFT against the instantaneous rate', xLabel: 'ramp rate at send time (req/s)', yLabel: 'TTFT (ms)', yMin: 0,
      series: [{ label: 'TTFT', style: 'points', color: 0 }], data: [ttft.map((p) => p[0]), ttft.map((p) => p[1])],
      note: `${ttft.length} requests`,
    },
  ];
}
