// Splitting one load level over K client processes without changing its meaning: concurrency and
// request counts into integer shares that sum exactly, a rate into K independent gamma streams of
// R/K each (seeded by the run seed and the share), and disjoint request indexes. Pure.
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
  if (load.kind === 'concurrency') return { ...common, load: { kind: 'concurrency', concurrency: at(load.concurrency) } };
  const rate = load.rate === 'inf' ? ('inf' as const) : load.rate / count;
  const cap = load.max_concurrency === undefined ? {} : { max_concurrency: at(load.max_concurrency) };
  return { ...common, load: { kind: 'rate', rate, burstiness: load.burstiness, ...cap } };
}
