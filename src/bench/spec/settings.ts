// Merge a profile and `bench run` flags by source: the profile supplies values, only flags the
// user typed override it, a flag's default never beats the file. Pure: the caller passes sources.
import { UsageError } from '../../errors.js';
import { minutesToSeconds, parseDurationSeconds } from './duration.js';
import { parseGoodput } from './goodput.js';
import { parsePercentileList } from '../results/percentile.js';
import type { BenchProfile } from './profile.js';
import type { LoadPattern } from '../engine/schedule.js';
import type { BenchRunShape } from '../engine/runner.js';

/** `bench run` flag values as commander gives them (strings), camelCase. */
export interface BenchFlags {
  url?: string;
  model?: string;
  api?: string;
  duration?: string;
  durationSeconds?: string;
  numRequests?: string;
  concurrency?: string;
  rate?: string;
  burstiness?: string;
  maxConcurrency?: string;
  warmup?: string;
  dataset?: string;
  datasetPath?: string;
  inputLen?: string;
  outputLen?: string;
  rangeRatio?: string;
  seed?: string;
  goodput?: string;
  percentiles?: string;
  onDeadline?: string;
  failOn?: string[];
}

export type FlagSource = (name: keyof BenchFlags) => string | undefined;

/** Flags and profile merged; `percentiles` always includes 90, 95, 99 (vLLM's set) plus the asked ones. */
export interface BenchSettings extends BenchRunShape {
  url?: string;
  failOn: string[];
  sim?: BenchProfile['sim'];
}

/** Used when neither a flag, a profile nor a duration says how many requests to send. */
export const DEFAULT_NUM_REQUESTS = 100;

/** The percentiles every run reports: 90, 95 and 99 plus any extra asked for, sorted, no repeats. */
export function withDefaultPercentiles(extra: readonly number[] = []): number[] {
  return [...new Set([90, 95, 99, ...extra])].sort((a, b) => a - b);
}

type Value = string | number | readonly (string | number)[] | undefined;

function num(field: string, value: Value, rule: { int?: boolean; min?: number; max?: number; exclusiveMin?: boolean }): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const n = text === '' ? Number.NaN : Number(text);
  const bad =
    !Number.isFinite(n) ||
    (rule.int && !Number.isInteger(n)) ||
    (rule.min !== undefined && (rule.exclusiveMin ? n <= rule.min : n < rule.min)) ||
    (rule.max !== undefined && n > rule.max);
  if (bad) {
    const expect = `${rule.int ? 'an integer' : 'a number'}${rule.min === undefined ? '' : ` ${rule.exclusiveMin ? '>' : '>='} ${rule.min}`}${rule.max === undefined ? '' : ` <= ${rule.max}`}`;
    throw new UsageError(`${field}: expected ${expect}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function list(value: Value): string[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value).split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function oneOf<T extends string>(field: string, value: Value, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(String(value))) return String(value) as T;
  throw new UsageError(`${field}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
}

/** Resolve the effective settings; every bad value is a UsageError naming the setting. */
export function resolveBenchSettings(flags: BenchFlags, source: FlagSource, profile: BenchProfile = {}): BenchSettings {
  const typed = (name: keyof BenchFlags): boolean => source(name) === 'cli';
  // Settings in a group are one choice: typing any member on the command line replaces the profile's.
  const durationTyped = typed('duration') || typed('durationSeconds');
  const loadTyped = typed('concurrency') || typed('rate');
  const pick = (flag: keyof BenchFlags, key: keyof BenchProfile, group = false): Value => {
    if (typed(flag)) return flags[flag] as Value;
    if (!group && profile[key] !== undefined) return profile[key] as Value;
    return flags[flag] as Value;
  };
  if (typed('duration') && typed('durationSeconds')) throw new UsageError('duration: expected --duration (minutes) or --duration-seconds, not both');
  if (typed('concurrency') && typed('rate')) throw new UsageError('concurrency: expected --concurrency or --rate, not both (cap a rate with --max-concurrency)');

  const minutes = pick('duration', 'duration', durationTyped && !typed('duration'));
  const seconds = pick('durationSeconds', 'duration_seconds', durationTyped && !typed('durationSeconds'));
  const durationS = minutes !== undefined ? minutesToSeconds(minutes as string | number, 'duration') : seconds !== undefined ? parseDurationSeconds(seconds as string | number) : undefined;
  let numRequests = num('num-requests', pick('numRequests', 'num_requests'), { int: true, min: 1 });
  if (durationS === undefined && numRequests === undefined) numRequests = DEFAULT_NUM_REQUESTS;

  const loads = resolveLoads(
    pick('concurrency', 'concurrency', loadTyped && !typed('concurrency')),
    pick('rate', 'rate', loadTyped && !typed('rate')),
    num('burstiness', pick('burstiness', 'burstiness'), { min: 0, exclusiveMin: true }) ?? 1,
    num('max-concurrency', pick('maxConcurrency', 'max_concurrency'), { int: true, min: 1 }),
  );
  if (loads.some((l) => l.kind === 'rate' && l.rate === 'inf' && l.max_concurrency === undefined) && numRequests === undefined) {
    throw new UsageError('rate: inf without --max-concurrency needs --num-requests (else it would send without bound)');
  }

  const kind = oneOf('dataset', pick('dataset', 'dataset'), ['random', 'sharegpt', 'jsonl'] as const) ?? 'random';
  const path = pick('datasetPath', 'dataset_path') as string | undefined;
  if (kind !== 'random' && path === undefined) throw new UsageError(`dataset-path: expected a file for --dataset ${kind}, got none`);
  const goodput = pick('goodput', 'goodput') as string | undefined;
  const asked = pick('percentiles', 'percentiles');
  const percentiles = asked === undefined ? [] : Array.isArray(asked) ? asked.map(Number) : parsePercentileList(String(asked));
  return {
    url: targetUrl(pick('url', 'url')),
    model: pick('model', 'model') as string | undefined,
    api: oneOf('api', pick('api', 'api'), ['completions', 'chat'] as const) ?? 'completions',
    loads,
    stop: { durationS, numRequests },
    onDeadline: oneOf('on-deadline', pick('onDeadline', 'on_deadline'), ['finish', 'cut'] as const) ?? 'finish',
    dataset: {
      kind,
      path,
      inputLen: num('input-len', pick('inputLen', 'input_len'), { int: true, min: 1 }),
      outputLen: num('output-len', pick('outputLen', 'output_len'), { int: true, min: 1 }),
      rangeRatio: num('range-ratio', pick('rangeRatio', 'range_ratio'), { min: 0, max: 0.999 }) ?? 0,
      seed: num('seed', pick('seed', 'seed'), { int: true }) ?? 0,
    },
    warmup: num('warmup', pick('warmup', 'warmup'), { int: true, min: 0 }) ?? 0,
    slo: goodput === undefined ? undefined : parseGoodput(goodput),
    percentiles: withDefaultPercentiles(percentiles),
    failOn: typed('failOn') ? (flags.failOn ?? []) : (profile.fail_on ?? flags.failOn ?? []),
    sim: profile.sim,
  };
}

// The same test the result schema applies to target.url: anything before the host's '@' is a credential.
const CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i;

/** The target URL, checked before any request goes out: http(s) only, no user:password@ (never echoed). */
function targetUrl(value: Value): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const masked = text.replace(CREDENTIALS, '$1***@');
  let parsed: URL | undefined;
  try {
    parsed = new URL(text);
  } catch {
    parsed = undefined;
  }
  if (CREDENTIALS.test(text) || (parsed !== undefined && (parsed.username !== '' || parsed.password !== ''))) {
    throw new UsageError(`url: expected a URL without user:password@ (put the API key in --api-key-file), got ${masked}`);
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') {
    throw new UsageError(`url: expected an http:// or https:// URL like http://node1:8000, got ${JSON.stringify(masked)}`);
  }
  return text;
}

function resolveLoads(concurrency: Value, rate: Value, burstiness: number, cap: number | undefined): LoadPattern[] {
  const rates = list(rate);
  if (rates !== undefined) {
    return rates.map((r) => ({
      kind: 'rate' as const,
      rate: r === 'inf' ? ('inf' as const) : (num('rate', r, { min: 0, exclusiveMin: true }) as number),
      burstiness,
      ...(cap === undefined ? {} : { max_concurrency: cap }),
    }));
  }
  const levels = list(concurrency) ?? ['1'];
  return levels.map((c) => ({ kind: 'concurrency' as const, concurrency: num('concurrency', c, { int: true, min: 1 }) as number }));
}
