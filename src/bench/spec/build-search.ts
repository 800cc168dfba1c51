// The `bench search` part of buildBenchSpec: SLOs, the range (rate or concurrency), the precision,
// the step budget and each step's duration, from flat settings. Pure; issues name the key.
import { UsageError } from '../../errors.js';
import { parseFailOn } from '../results/compare.js';
import type { SearchSpec } from './bench-spec.js';
import type { BenchInput, BenchInputKey } from './bench-input.js';
import { attempt, type Issue } from './build-workload.js';
import { minutesToSeconds } from './duration.js';
import { LIMITS } from './limits.js';

/** Defaults of a search: 5 % precision, at most 12 measured steps of half a minute each. */
const SEARCH_DEFAULTS = { precision_pct: 5, max_steps: 12, step_duration_min: 0.5 } as const;

/** Keys that only a search reads; naming one makes the settings a search. */
const SEARCH_KEYS: readonly BenchInputKey[] = ['slo', 'rate_range', 'concurrency_range', 'precision', 'step_duration', 'max_steps'];

/** True when the settings describe a search. */
function isSearch(input: BenchInput): boolean {
  return SEARCH_KEYS.some((key) => input[key] !== undefined);
}

/** `LO:HI` (or [LO, HI]) -> a non-empty range of positive numbers; integers for concurrency. */
export function parseRange(value: string | readonly number[], integers: boolean): [number, number] {
  const parts = typeof value === 'string' ? value.split(':').map((p) => p.trim()) : value.map(String);
  const nums = parts.map((p) => (p === '' ? Number.NaN : Number(p)));
  const shown = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
  if (nums.length !== 2 || nums.some((n) => !Number.isFinite(n) || n <= 0)) throw new UsageError(`expected LO:HI with two numbers > 0 (e.g. 1:64), got ${shown}`);
  const [lo, hi] = nums as [number, number];
  if (integers && (!Number.isInteger(lo) || !Number.isInteger(hi))) throw new UsageError(`expected whole numbers of requests in flight, got ${shown}`);
  if (!(lo < hi)) throw new UsageError(`expected LO < HI, got an empty range ${shown}`);
  if (hi > (integers ? LIMITS.concurrency : LIMITS.rate)) throw new UsageError(`expected HI <= ${integers ? LIMITS.concurrency : LIMITS.rate}, got ${hi}`);
  return [lo, hi];
}

/** `5%`, `5` or `0.05`-style precision -> percent in (0, 100). A bare number is percent. */
export function parsePrecision(value: string | number): number {
  const text = String(value).trim();
  const pct = Number(text.endsWith('%') ? text.slice(0, -1) : text);
  if (!(Number.isFinite(pct) && pct > 0 && pct < 100)) throw new UsageError(`expected a percentage between 0 and 100 like 5%, got ${JSON.stringify(value)}`);
  return pct;
}

/** The search block and one step's duration; undefined (and no issue) when the settings are not a search. */
export function toSearch(input: BenchInput, issues: Issue[]): { search: SearchSpec; stepDurationS?: number } | undefined {
  if (!isSearch(input)) return undefined;
  const before = issues.length;
  if (input.slo === undefined) issues.push({ key: 'slo', message: "expected at least one SLO to search under, e.g. 'p99_ttft_ms<=500', got none" });
  for (const rule of input.slo ?? []) attempt(issues, 'slo', () => parseFailOn(rule));
  for (const key of ['duration', 'duration_seconds', 'concurrency', 'rate', 'ramp_up'] as const) {
    if (input[key] !== undefined) issues.push({ key, message: `not read by a search: it sets the load of each step from the range${key.startsWith('duration') ? ' (use step_duration for how long each step measures)' : ''}` });
  }
  if (input.api === 'batch' || input.dataset === 'trace') issues.push({ key: input.api === 'batch' ? 'api' : 'dataset', message: 'a search varies a rate or a concurrency; a batch or a trace has neither' });
  const rate = input.rate_range;
  const conc = input.concurrency_range;
  if (rate !== undefined && conc !== undefined) issues.push({ key: 'concurrency_range', message: 'expected rate_range or concurrency_range, not both' });
  if (rate === undefined && conc === undefined) issues.push({ key: 'rate_range', message: 'expected rate_range LO:HI (req/s) or concurrency_range LO:HI to search, got neither' });
  const over = conc !== undefined && rate === undefined ? 'concurrency' : 'rate';
  const range = rate !== undefined ? attempt(issues, 'rate_range', () => parseRange(rate, false)) : conc !== undefined ? attempt(issues, 'concurrency_range', () => parseRange(conc, true)) : undefined;
  const precision = input.precision === undefined ? SEARCH_DEFAULTS.precision_pct : attempt(issues, 'precision', () => parsePrecision(input.precision as string | number));
  const stepDurationS = input.step_duration !== undefined ? attempt(issues, 'step_duration', () => minutesToSeconds(input.step_duration as string | number))
    : input.num_requests === undefined ? minutesToSeconds(SEARCH_DEFAULTS.step_duration_min) : undefined;
  if (issues.length > before || range === undefined || precision === undefined) return undefined;
  return {
    search: { over, lo: range[0], hi: range[1], slo: input.slo ?? [], precision_pct: precision, max_steps: input.max_steps ?? SEARCH_DEFAULTS.max_steps },
    ...(stepDurationS === undefined ? {} : { stepDurationS }),
  };
}
