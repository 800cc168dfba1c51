// Splitting one load level over K client processes without changing its meaning: concurrency and
// request counts into integer shares that sum exactly, a rate into K independent gamma streams of
// R/K each (seeded by the run seed and the share), a ramp's ends likewise, a trace's lines dealt
// out in turn, and disjoint request indexes. Pure.
import { BenchError } from '../../errors.js';
import type { LoadPattern } from './schedule.js';

/** `total` as `parts` integers that differ by at most one and sum to `total` (the first ones get the extra). */
export function splitInteger(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/** A share's own seed: the run seed and the share index mixed (splitmix32), so streams are independent and reproducible. */
export function shareSeed(seed: number, index: number): number {
  if (index === 0) return seed;
  let z = (Math.imul(seed | 0, 0x9e3779b9) + Math.imul(index + 1, 0x85ebca6b)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export interface Share {
  index: number;
  count: number;
  /** This share's load; undefined when it has nothing to send (a count smaller than the shares). */
  load: LoadPattern;
  numRequests?: number;
  warmup: number;
  seed: number;
}

/** Share `index` of `count` of one load level; request indexes are offset + i * count + index. */
export function shareOf(load: LoadPattern, stop: { num_requests?: number }, warmup: number, seed: number, index: number, count: number): Share {
  const at = (total: number): number => splitInteger(total, count)[index] as number;
  const numRequests = stop.num_requests === undefined ? undefined : at(stop.num_requests);
  const common = { index, count, warmup: at(warmup), seed: shareSeed(seed, index), ...(numRequests === undefined ? {} : { numRequests }) };
  return { ...common, load: shareLoad(load, index, count) };
}

/**
 * One share's part of a load: concurrency and caps as integer shares; a rate, or each end of a ramp,
 * divided by the shares (independent gamma streams whose sum has the whole rate at every instant);
 * a trace keeps its times (each share replays every count-th line); a batch cannot be split.
 */
function shareLoad(load: LoadPattern, index: number, count: number): LoadPattern {
  const at = (total: number): number => splitInteger(total, count)[index] as number;
  const cap = 'max_concurrency' in load && load.max_concurrency !== undefined ? { max_concurrency: at(load.max_concurrency) } : {};
  switch (load.kind) {
    case 'concurrency':
      return { kind: 'concurrency', concurrency: at(load.concurrency) };
    case 'rate':
      return { kind: 'rate', rate: load.rate === 'inf' ? 'inf' : load.rate / count, burstiness: load.burstiness, ...cap };
    case 'ramp':
      return { ...load, start_rate: load.start_rate / count, end_rate: load.end_rate / count, ...cap };
    case 'trace':
      return { ...load, ...cap };
    case 'batch':
      if (count > 1) throw new BenchError('A batch is one job: it cannot be split over client processes (use workers 1 and client_tasks 1)');
      return load;
  }
}
