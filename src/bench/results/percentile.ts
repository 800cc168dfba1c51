// The one percentile function (numpy's default linear interpolation) and the summary built on it.
import { UsageError } from '../../errors.js';
import type { Distribution } from '../engine/types.js';

/** numpy-linear percentile of values (sorted or not); undefined when there is no sample. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: expected p in [0, 100], got ${p}`);
  if (values.length === 0) return undefined;
  const sorted = isSorted(values) ? values : [...values].sort((a, b) => a - b);
  return percentileOfSorted(sorted, p);
}

// np.percentile(x, p): h = (n - 1) * p / 100, interpolate between the neighbours of h.
function percentileOfSorted(sorted: readonly number[], p: number): number {
  const h = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(h);
  const low = sorted[lo] as number;
  const high = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return low + (h - lo) * (high - low);
}

function isSorted(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) if ((values[i] as number) < (values[i - 1] as number)) return false;
  return true;
}

/** Key a percentile the way vLLM names it (int when whole): 99 -> "99", 99.9 -> "99.9". */
export function formatPercentileKey(p: number): string {
  // JavaScript's String() already drops the ".0" that vLLM strips with str(int(p)).
  return String(p);
}

/** Mean, median, population std (numpy ddof=0), min, max and the asked percentiles; fields absent without samples. */
export function summarize(values: readonly number[], percentiles: readonly number[]): Distribution {
  const out: Distribution = { count: values.length, percentiles: {} };
  if (values.length === 0) {
    for (const p of percentiles) out.percentiles[formatPercentileKey(p)] = undefined;
    return out;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / n;
  let squares = 0;
  for (const v of sorted) squares += (v - mean) * (v - mean);
  out.mean = mean;
  out.median = percentileOfSorted(sorted, 50);
  out.std = Math.sqrt(squares / n);
  out.min = sorted[0] as number;
  out.max = sorted[n - 1] as number;
  for (const p of percentiles) out.percentiles[formatPercentileKey(p)] = percentile(sorted, p);
  return out;
}

/** Parse `--percentiles 90,95,99,99.9` (vLLM's --metric-percentiles): numbers in (0, 100], deduplicated, ascending. */
export function parsePercentileList(input: string, field = 'percentiles'): number[] {
  const parts = input.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) throw new UsageError(`${field}: expected a comma-separated list like 90,95,99, got ${JSON.stringify(input)}`);
  const values = parts.map((part) => {
    const value = /^\d+(\.\d+)?$/.test(part) ? Number(part) : Number.NaN;
    if (!(value > 0 && value <= 100)) {
      throw new UsageError(`${field}: expected each percentile as a number in (0, 100], got ${JSON.stringify(part)}`);
    }
    return value;
  });
  return [...new Set(values)].sort((a, b) => a - b);
}
