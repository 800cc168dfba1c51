// The one minutes-to-seconds conversion, its seconds twin, and CLI timeout specs (10m, 30s, 1h).
import { UsageError } from '../../errors.js';

/** Longest run we accept: 7 days. Anything longer is a typo (seconds given as minutes, an extra zero). */
export const MAX_DURATION_MINUTES = 10_080;
const MAX_DURATION_SECONDS = MAX_DURATION_MINUTES * 60;

// Plain decimal only: "10", "0.5", ".5". No units, signs, exponents or hex, so "5m" and "1e3" are refused.
const DECIMAL = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/;

function describe(input: string | number): string {
  return typeof input === 'string' ? JSON.stringify(input) : String(input);
}

// Number or decimal string -> finite number > 0, else undefined.
function positiveNumber(input: string | number): number | undefined {
  const value = typeof input === 'number' ? input : DECIMAL.test(input) ? Number(input) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

// Round to the millisecond so 0.1 min is 6 s, not 6.000000000000001 s.
function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** Shortest run we accept, in seconds: anything shorter rounds to 0 s (the millisecond is the unit). */
export const MIN_DURATION_SECONDS = 0.001;

// Refuse a value that is > 0 but rounds to 0 s: it would pass here and fail the result schema after the run.
function nonZero(seconds: number, field: string, input: string | number, unit: string): number {
  if (seconds < MIN_DURATION_SECONDS) {
    throw new UsageError(`${field}: expected ${unit} worth at least 0.001 s (1 ms; this rounds to 0 s), got ${describe(input)}`);
  }
  return seconds;
}

/** Minutes (number or numeric string, fractional allowed) -> seconds; refuses 0, negatives, units and > 7 days. */
export function minutesToSeconds(input: string | number, field = 'duration'): number {
  const minutes = positiveNumber(input);
  if (minutes === undefined) {
    throw new UsageError(`${field}: expected minutes as a number > 0 (e.g. 0.5 or 10), got ${describe(input)}`);
  }
  if (minutes > MAX_DURATION_MINUTES) {
    throw new UsageError(`${field}: expected at most ${MAX_DURATION_MINUTES} minutes (7 days), got ${describe(input)}`);
  }
  return nonZero(roundMs(minutes * 60), field, input, 'minutes');
}

/** Seconds (number or numeric string) for --duration-seconds, same rules as minutesToSeconds. */
export function parseDurationSeconds(input: string | number, field = 'duration-seconds'): number {
  const seconds = positiveNumber(input);
  if (seconds === undefined) {
    throw new UsageError(`${field}: expected seconds as a number > 0 (e.g. 30 or 600), got ${describe(input)}`);
  }
  if (seconds > MAX_DURATION_SECONDS) {
    throw new UsageError(`${field}: expected at most ${MAX_DURATION_SECONDS} seconds (7 days), got ${describe(input)}`);
  }
  return nonZero(roundMs(seconds), field, input, 'seconds');
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const TIMEOUT = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|m|h)?\s*$/;

/** CLI timeout like `10m`, `30s`, `1h`, `500ms` or a bare number of seconds -> milliseconds (> 0, at most 7 days). */
export function parseTimeoutSpec(input: string | number, field = 'timeout'): number {
  const match = typeof input === 'number' ? [String(input), String(input), undefined] : TIMEOUT.exec(input);
  const value = match ? Number(match[1]) : Number.NaN;
  const ms = Math.round(value * (UNIT_MS[match?.[2] ?? 's'] as number));
  if (!(Number.isFinite(ms) && ms > 0)) {
    throw new UsageError(
      `${field}: expected a duration > 0 like 30s, 10m, 1h, 500ms or a bare number of seconds, got ${describe(input)}`,
    );
  }
  if (ms > MAX_DURATION_SECONDS * 1000) {
    throw new UsageError(`${field}: expected at most 7 days, got ${describe(input)}`);
  }
  return ms;
}
