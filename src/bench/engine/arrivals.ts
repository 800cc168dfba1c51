// Seeded arrival process of rate mode: gamma-distributed gaps (burstiness 1 = exponential = Poisson),
// as vLLM's benchmark does, plus the readable label used in reports.
import { UsageError } from '../../errors.js';
import { createRng } from '../../common/rng.js';
import type { LoadPattern } from '../spec/bench-spec.js';

export { createRng };

interface GammaGapsOptions {
  /** Requests per second; Infinity sends everything at once. */
  rate: number;
  /** Gamma shape: 1 is Poisson, < 1 burstier, > 1 more regular. */
  burstiness: number;
  seed: number;
}

// Uniform in (0, 1]: safe for log and for u^(1/shape).
function uniformOpen(random: () => number): number {
  return 1 - random();
}

function standardNormal(random: () => number): number {
  // Box-Muller; one of the pair is enough here.
  return Math.sqrt(-2 * Math.log(uniformOpen(random))) * Math.cos(2 * Math.PI * random());
}

/** One Gamma(shape, 1) sample: Marsaglia-Tsang for shape >= 1, boosted by U^(1/shape) below 1. */
export function sampleGamma(shape: number, random: () => number): number {
  if (shape < 1) return sampleGamma(shape + 1, random) * Math.pow(uniformOpen(random), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = standardNormal(random);
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = uniformOpen(random);
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Endless inter-arrival gaps in ms from Gamma(shape=burstiness, scale=1/(rate*burstiness)); mean 1000/rate. */
export function* gammaGaps(opts: GammaGapsOptions): Generator<number, never, undefined> {
  if (!(opts.rate > 0)) throw new UsageError(`rate: expected requests per second > 0 (or inf), got ${opts.rate}`);
  if (!(opts.burstiness > 0 && Number.isFinite(opts.burstiness))) {
    throw new UsageError(`burstiness: expected a number > 0 (1 = Poisson), got ${opts.burstiness}`);
  }
  if (opts.rate === Number.POSITIVE_INFINITY) for (;;) yield 0;
  const random = createRng(opts.seed);
  const scaleMs = 1000 / (opts.rate * opts.burstiness);
  for (;;) yield sampleGamma(opts.burstiness, random) * scaleMs;
}

/** The instantaneous rate (req/s) of a ramp at progress p in [0, 1]: linear, or exponential (geometric). */
export function rampRate(shape: 'linear' | 'exponential', start: number, end: number, p: number): number {
  const at = Math.min(1, Math.max(0, p));
  return shape === 'linear' ? start + (end - start) * at : start * Math.pow(end / start, at);
}

interface RampOptions {
  shape: 'linear' | 'exponential';
  startRate: number;
  endRate: number;
  burstiness: number;
  seed: number;
  /** The ramp spans this many seconds (exact time rescaling) ... */
  durationS?: number;
  /** ... or, without a duration, this many requests (the rate follows the request index). */
  numRequests?: number;
}

// Seconds at which the integrated rate (expected arrivals so far) of a ramp over durationS reaches lambda.
function rampTime(o: RampOptions & { durationS: number }, lambda: number): number {
  const { startRate: r0, endRate: r1, durationS: d } = o;
  if (o.shape === 'linear') {
    const a = (r1 - r0) / (2 * d);
    const disc = r0 * r0 + 4 * a * lambda;
    return disc < 0 ? Number.POSITIVE_INFINITY : (2 * lambda) / (r0 + Math.sqrt(disc));
  }
  const k = Math.log(r1 / r0);
  if (Math.abs(k) < 1e-12) return lambda / r0;
  const arg = 1 + (lambda * k) / (r0 * d);
  return arg <= 0 ? Number.POSITIVE_INFINITY : (d / k) * Math.log(arg);
}

/**
 * Endless send offsets (ms after the phase start) of a ramp, gamma-distributed around the
 * instantaneous rate and seeded. Over a duration it is exact: unit-mean gamma steps in "expected
 * arrivals" are mapped through the inverse of the integrated rate (time rescaling); over a count the
 * rate follows the request index. Infinity once a falling ramp has no arrival left in its span.
 */
export function* rampOffsets(o: RampOptions): Generator<number, never, undefined> {
  const random = createRng(o.seed);
  const step = (): number => sampleGamma(o.burstiness, random) / o.burstiness;
  if (o.durationS !== undefined) {
    const timed = { ...o, durationS: o.durationS };
    let lambda = 0;
    for (;;) {
      yield rampTime(timed, lambda) * 1000;
      lambda += step();
    }
  }
  const n = Math.max(1, o.numRequests ?? 1);
  let t = 0;
  for (let i = 0; ; i++) {
    yield t;
    t += (step() / rampRate(o.shape, o.startRate, o.endRate, i / n)) * 1000;
  }
}

/**
 * Endless send offsets (ms after the phase start) of an open-loop pattern: a rate's cumulative
 * gamma gaps (all 0 for inf), or a ramp's over the stop's duration (else its request count).
 */
export function* arrivalOffsets(pattern: LoadPattern, seed: number, stop: { durationS?: number; numRequests?: number }): Generator<number, never, undefined> {
  if (pattern.kind === 'ramp') {
    yield* rampOffsets({
      shape: pattern.shape, startRate: pattern.start_rate, endRate: pattern.end_rate, burstiness: pattern.burstiness, seed,
      ...(stop.durationS !== undefined ? { durationS: stop.durationS } : { numRequests: stop.numRequests }),
    });
  }
  if (pattern.kind !== 'rate') throw new UsageError(`expected a rate or a ramp for an open loop, got ${pattern.kind}`);
  const gaps = pattern.rate === 'inf' ? undefined : gammaGaps({ rate: pattern.rate, burstiness: pattern.burstiness, seed });
  let t = 0;
  for (;;) {
    yield t;
    t += gaps === undefined ? 0 : (gaps.next().value as number);
  }
}

type ArrivalPattern =
  | { kind: 'concurrency'; concurrency: number }
  | { kind: 'rate'; rate: number; burstiness: number; maxConcurrency?: number }
  | { kind: 'ramp'; shape: 'linear' | 'exponential'; startRate: number; endRate: number; burstiness: number; maxConcurrency?: number }
  | { kind: 'trace'; timeScale: number; maxConcurrency?: number }
  | { kind: 'batch' };

/**
 * Readable label: `concurrency@64`, `poisson@2.00`, `gamma(b=0.5)@2.00`, `poisson@inf`, `poisson@2.00/max64`,
 * `poisson@linear-ramp(1.00..8.00)`, `trace(x0.5)`, `batch`.
 */
export function arrivalLabel(pattern: ArrivalPattern): string {
  if (pattern.kind === 'concurrency') return `concurrency@${pattern.concurrency}`;
  if (pattern.kind === 'batch') return 'batch';
  const cap = pattern.maxConcurrency === undefined ? '' : `/max${pattern.maxConcurrency}`;
  if (pattern.kind === 'trace') return `trace(x${pattern.timeScale})${cap}`;
  const shape = pattern.burstiness === 1 ? 'poisson' : `gamma(b=${pattern.burstiness})`;
  if (pattern.kind === 'ramp') return `${shape}@${pattern.shape}-ramp(${pattern.startRate.toFixed(2)}..${pattern.endRate.toFixed(2)})${cap}`;
  const rate = Number.isFinite(pattern.rate) ? pattern.rate.toFixed(2) : 'inf';
  return `${shape}@${rate}${cap}`;
}
