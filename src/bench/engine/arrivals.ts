// Seeded arrival process of rate mode: gamma-distributed gaps (burstiness 1 = exponential = Poisson),
// as vLLM's benchmark does, plus the readable label used in reports.
import { UsageError } from '../../errors.js';
import { createRng } from '../../common/rng.js';

export { createRng };

export interface GammaGapsOptions {
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

export type ArrivalPattern =
  | { kind: 'concurrency'; concurrency: number }
  | { kind: 'rate'; rate: number; burstiness: number; maxConcurrency?: number };

/** Readable label: `concurrency@64`, `poisson@2.00`, `gamma(b=0.5)@2.00`, `poisson@inf`, `poisson@2.00/max64`. */
export function arrivalLabel(pattern: ArrivalPattern): string {
  if (pattern.kind === 'concurrency') return `concurrency@${pattern.concurrency}`;
  const shape = pattern.burstiness === 1 ? 'poisson' : `gamma(b=${pattern.burstiness})`;
  const rate = Number.isFinite(pattern.rate) ? pattern.rate.toFixed(2) : 'inf';
  const cap = pattern.maxConcurrency === undefined ? '' : `/max${pattern.maxConcurrency}`;
  return `${shape}@${rate}${cap}`;
}
