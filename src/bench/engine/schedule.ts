// Pure pieces of a run's shape: the load pattern, its label, the stop condition and the absolute
// send times of rate mode. No I/O, no clocks: times are passed in.

import { arrivalLabel } from './arrivals.js';
import type { LoadPattern } from '../spec/bench-spec.js';

/** Closed loop at a concurrency, or a rate (req/s or 'inf') with gamma gaps and an optional cap. */
export type { LoadPattern };

export interface StopCondition {
  /** Stop starting requests this many seconds after the measured phase began. */
  durationS?: number;
  /** Stop after this many measured requests have been started. */
  numRequests?: number;
}

export type OnDeadline = 'finish' | 'cut';

/** Readable label (arrivals.ts's scheme): `concurrency@8`, `poisson@2.00`, `gamma(b=0.5)@2.00/max64`, `poisson@linear-ramp(1.00..8.00)`, `trace(x1)`. */
export function loadLabel(pattern: LoadPattern): string {
  switch (pattern.kind) {
    case 'concurrency':
    case 'batch':
      return arrivalLabel(pattern);
    case 'trace':
      return arrivalLabel({ kind: 'trace', timeScale: pattern.time_scale, maxConcurrency: pattern.max_concurrency });
    case 'ramp':
      return arrivalLabel({ kind: 'ramp', shape: pattern.shape, startRate: pattern.start_rate, endRate: pattern.end_rate, burstiness: pattern.burstiness, maxConcurrency: pattern.max_concurrency });
    case 'rate': {
      const rate = pattern.rate === 'inf' ? Number.POSITIVE_INFINITY : pattern.rate;
      return arrivalLabel({ kind: 'rate', rate, burstiness: pattern.burstiness, maxConcurrency: pattern.max_concurrency });
    }
  }
}

/** The cap on requests in flight a pattern sets: its concurrency, or the cap of an open loop. */
export function inFlightCap(pattern: LoadPattern): number | undefined {
  if (pattern.kind === 'concurrency') return pattern.concurrency;
  return 'max_concurrency' in pattern ? pattern.max_concurrency : undefined;
}

/** The highest rate (req/s) an open-loop pattern reaches, 'inf', or undefined for other patterns. */
function peakRate(pattern: LoadPattern): number | 'inf' | undefined {
  if (pattern.kind === 'rate') return pattern.rate;
  if (pattern.kind === 'ramp') return Math.max(pattern.start_rate, pattern.end_rate);
  return undefined;
}

/** Sockets a pattern needs: the concurrency, or the cap (else a bound from the peak rate x 60 s, at most 1024; a trace or batch: 1024). */
export function connectionsFor(pattern: LoadPattern): number {
  const cap = inFlightCap(pattern);
  if (cap !== undefined) return cap;
  if (pattern.kind === 'batch') return 1;
  const peak = peakRate(pattern);
  return Math.min(1024, Math.max(16, peak === undefined || peak === 'inf' ? 1024 : Math.ceil(peak * 60)));
}

/** May another measured request start, given how many started and how long the phase has run? */
export function canStart(stop: StopCondition, started: number, elapsedMs: number): boolean {
  if (stop.numRequests !== undefined && started >= stop.numRequests) return false;
  if (stop.durationS !== undefined && elapsedMs >= stop.durationS * 1000) return false;
  return true;
}

/** Absolute scheduled send times (ms after the phase start) from a sequence of gaps, up to a count. */
export function scheduleTimes(gaps: Iterable<number>, count: number): number[] {
  const times: number[] = [];
  let t = 0;
  for (const gap of gaps) {
    if (times.length >= count) break;
    times.push(t);
    t += gap;
  }
  return times;
}
