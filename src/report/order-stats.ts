// Order statistics of many samples without sorting them all. The report's histogram and CDF need a
// few hundred ranks of up to millions of values (every ITL gap of a 100k-request run: 3 million),
// and sorting those took 0.4 s of a 2 s report. Instead the values are counted into fine buckets of
// equal width (a bucket is a monotone function of the value, so every value of an earlier bucket
// is smaller), and only the buckets that hold a wanted rank are gathered and sorted.

/** What the distribution charts read of a sample: its size, the value at a rank (0-based, ascending), and how many values are at most x. */
export interface OrderedSample {
  readonly n: number;
  at(rank: number): number;
  /** Exact for any x when built from sorted values; for a selected sample, for the values it returned. */
  countAtMost(x: number): number;
  /** Every value, in any order. */
  readonly values: Float64Array;
}

function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A sample whose values are already sorted ascending. */
export function sortedSample(sorted: Float64Array): OrderedSample {
  return { n: sorted.length, at: (rank) => sorted[rank] as number, countAtMost: (x) => upperBound(sorted, x), values: sorted };
}

const BUCKETS = 1 << 16;
const SAMPLE = 1 << 14;

/**
 * A sample that answers `at` for the given ranks only, and `countAtMost` for the values at those
 * ranks. The buckets span the minimum to about the 99.9th percentile (from a strided sample of the
 * values), plus one for everything above; a small sample is simply sorted.
 */
export function selectedSample(values: Float64Array, ranks: readonly number[]): OrderedSample {
  const n = values.length;
  if (n <= SAMPLE) return sortedSample(values.sort());
  const stride = Math.floor(n / SAMPLE);
  const probe = new Float64Array(SAMPLE);
  for (let i = 0; i < SAMPLE; i++) probe[i] = values[i * stride] as number;
  probe.sort();
  let min = Infinity;
  for (let i = 0; i < n; i++) if ((values[i] as number) < min) min = values[i] as number;
  const top = probe[Math.floor(SAMPLE * 0.999)] as number;
  if (!(top > min)) return sortedSample(values.sort());
  const scale = BUCKETS / (top - min);
  // Bucket of a value: monotone in the value (a subtraction and a product, each correctly rounded).
  const bucketOf = (v: number): number => (v > top ? BUCKETS : Math.min(BUCKETS - 1, Math.floor((v - min) * scale)));
  const start = new Float64Array(BUCKETS + 2); // start[b]: values in buckets before b
  for (let i = 0; i < n; i++) {
    const b = bucketOf(values[i] as number) + 1;
    start[b] = (start[b] as number) + 1;
  }
  for (let b = 1; b <= BUCKETS + 1; b++) start[b] = (start[b] as number) + (start[b - 1] as number);
  // The last bucket that starts at or before the rank (start[0] = 0 <= rank < n = start[BUCKETS + 1]).
  const bucketOfRank = (rank: number): number => upperBound(start, rank) - 1;
  // Gather the values of the wanted ranks' buckets, bucket by bucket, and sort each bucket.
  const needed = new Int32Array(BUCKETS + 1).fill(-1);
  let gathered = 0;
  for (const rank of ranks) {
    if (!Number.isInteger(rank) || rank < 0 || rank >= n) continue;
    const b = bucketOfRank(rank);
    if (needed[b] !== -1) continue;
    needed[b] = gathered;
    gathered += (start[b + 1] as number) - (start[b] as number);
  }
  const slab = new Float64Array(gathered);
  const fill = Int32Array.from(needed);
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    const b = bucketOf(v);
    const at = fill[b] as number;
    if (at === -1) continue;
    slab[at] = v;
    fill[b] = at + 1;
  }
  const sliceOf = (b: number): Float64Array => slab.subarray(needed[b] as number, (needed[b] as number) + (start[b + 1] as number) - (start[b] as number));
  needed.forEach((at, b) => {
    if (at !== -1) sliceOf(b).sort();
  });
  return {
    n,
    at(rank) {
      const b = bucketOfRank(rank);
      if (rank < 0 || rank >= n || needed[b] === -1) throw new RangeError(`rank ${rank} was not selected`);
      return sliceOf(b)[rank - (start[b] as number)] as number;
    },
    countAtMost(x) {
      const b = bucketOf(x);
      if (needed[b] === -1) throw new RangeError(`${x} is not in a selected bucket`);
      return (start[b] as number) + upperBound(sliceOf(b), x);
    },
    values,
  };
}
