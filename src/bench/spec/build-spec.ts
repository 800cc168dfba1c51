// Flat settings -> BenchSpec: the one place where benchmark defaults are applied and cross-field
// rules are checked, whatever produced the settings (profile + flags, API body, suite cell).
import type { z } from 'zod';
import { formatZodIssues, PARSE_ONCE } from '../../config/zod-error.js';
import { UsageError } from '../../errors.js';
import { inFlightCap } from '../engine/schedule.js';
import { parseFailOn } from '../results/compare.js';
import { fieldsOf, parseAssertion } from '../results/assertions.js';
import { parsePromqlAssertion, variablesOf } from '../results/assertions-promql.js';
import { PERCENTILE_FIELD } from '../results/result-fields.js';
import { BENCH_SPEC_VERSION, EndpointUrlSchema, type BenchSpec, type LoadPattern } from './bench-spec.js';
import { BenchInputSchema, type BenchInput, type BenchInputKey } from './bench-input.js';
import { toSearch } from './build-search.js';
import { attempt, toDataset, toLoads, workloadRules, type Issue } from './build-workload.js';
import { minutesToSeconds, parseDurationSeconds } from './duration.js';
import { parseGoodput } from './goodput.js';
import { hasUrlCredentials, maskUrlCredentials } from '../../common/url-credentials.js';

/** Defaults of what nobody set: vLLM's random dataset lengths, 100 requests at concurrency 1. */
const SPEC_DEFAULTS = {
  api: 'completions',
  num_requests: 100,
  concurrency: 1,
  burstiness: 1,
  input_len: 1024,
  output_len: 128,
  range_ratio: 0,
  seed: 0,
  on_deadline: 'finish',
  deadline_grace_s: 60,
  scrape_interval_s: 1,
} as const;

/** The percentiles every run reports: 90, 95 and 99 plus any extra asked for, sorted, no repeats. */
export function withDefaultPercentiles(extra: readonly number[] = []): number[] {
  return [...new Set([90, 95, 99, ...extra])].sort((a, b) => a - b);
}

/** The settings a config supplies under every profile and flag: where Prometheus is. */
export function configBenchDefaults(config: { monitoring: { prometheus_url?: string | undefined } }): BenchInput {
  const url = config.monitoring.prometheus_url;
  return url === undefined ? {} : { prometheus_url: url };
}

interface BuildOptions {
  /** How an error names a key: the flag a person typed, or `FILE: key` of a profile. */
  label?: (key: BenchInputKey) => string;
}

/** Validate flat settings and apply every default; a UsageError (exit 2) lists each problem. */
export function buildBenchSpec(input: unknown, options: BuildOptions = {}): BenchSpec {
  const label = options.label ?? ((key: BenchInputKey) => key);
  const parsed = BenchInputSchema.safeParse(input ?? {}, { ...PARSE_ONCE, reportInput: true });
  if (!parsed.success) throw invalid(labelZodIssues(parsed.error, label));
  const issues: Issue[] = [];
  const spec = toSpec(parsed.data, issues);
  if (issues.length > 0) throw invalid(issues.map((i) => `${label(i.key)}: ${i.message}`));
  return spec;
}

function invalid(lines: string[]): UsageError {
  return new UsageError(lines.length === 1 ? (lines[0] as string) : `Invalid benchmark settings:\n  ${lines.join('\n  ')}`);
}

function labelZodIssues(error: z.ZodError, label: (key: BenchInputKey) => string): string[] {
  return formatZodIssues(error).map((line) => {
    const key = /^[a-z_]+/.exec(line)?.[0] as BenchInputKey | undefined;
    return key === undefined ? line : `${label(key)}${line.slice(key.length)}`;
  });
}

function toSpec(input: z.output<typeof BenchInputSchema>, issues: Issue[]): BenchSpec {
  exclusive(input, issues);
  const found = toSearch(input, issues);
  const durationS =
    found !== undefined ? found.stepDurationS
    : input.duration !== undefined ? attempt(issues, 'duration', () => minutesToSeconds(input.duration as string | number))
    : input.duration_seconds !== undefined ? attempt(issues, 'duration_seconds', () => parseDurationSeconds(input.duration_seconds as string | number))
    : undefined;
  // A trace replays to its end unless a count or a duration stops it first.
  const untilEnd = input.dataset === 'trace' && durationS === undefined && input.num_requests === undefined;
  const numRequests = input.num_requests ?? (durationS === undefined && !untilEnd ? SPEC_DEFAULTS.num_requests : undefined);
  const loads = found === undefined ? toLoads(input, issues) : [searchTemplate(input, found.search)];
  if (loads.some((l) => l.kind === 'rate' && l.rate === 'inf' && l.max_concurrency === undefined) && input.num_requests === undefined) {
    issues.push({ key: 'rate', message: 'inf without max_concurrency needs num_requests (else it would send without bound)' });
  }
  const failOn = input.fail_on ?? [];
  failOn.forEach((rule) => attempt(issues, 'fail_on', () => parseFailOn(rule)));
  const asserted = (input.assert ?? []).flatMap((text) => attempt(issues, 'assert', () => fieldsOf(parseAssertion(text))) ?? []);
  checkPromql(input, issues);
  const client = toClient(input, loads, issues);
  return {
    spec_version: BENCH_SPEC_VERSION,
    target: {
      ...(input.url === undefined ? {} : { url: attempt(issues, 'url', () => checkedUrl(input.url as string)) as string }),
      ...(input.service === undefined ? {} : { service: input.service }),
      ...(input.balance === undefined ? {} : { balance: input.balance }),
      ...(input.model === undefined ? {} : { model: input.model }),
      api: input.api === 'batch' || (input.api === undefined && input.multi_turn === true) ? 'chat' : (input.api ?? SPEC_DEFAULTS.api),
    },
    ...(input.sim === undefined ? {} : { sim: input.sim }),
    dataset: toDataset(input, SPEC_DEFAULTS),
    seed: input.seed ?? SPEC_DEFAULTS.seed,
    loads,
    stop: {
      ...(durationS === undefined ? {} : { duration_s: durationS }),
      ...(numRequests === undefined ? {} : { num_requests: numRequests }),
      on_deadline: input.on_deadline ?? SPEC_DEFAULTS.on_deadline,
      deadline_grace_s: input.deadline_grace_s ?? SPEC_DEFAULTS.deadline_grace_s,
      ...(untilEnd ? { until_end: true as const } : {}),
    },
    warmup: input.warmup ?? 0,
    ...(input.goodput === undefined ? {} : { slo: attempt(issues, 'goodput', () => sloOf(input.goodput as string)) ?? {} }),
    percentiles: withDefaultPercentiles([...(input.percentiles ?? []), ...gatePercentiles([...failOn, ...asserted])]),
    fail_on: failOn,
    ...(input.assert === undefined ? {} : { assert: input.assert }),
    ...(input.assert_promql === undefined ? {} : { assert_promql: input.assert_promql }),
    ...(input.prometheus_url === undefined ? {} : { prometheus_url: attempt(issues, 'prometheus_url', () => checkedUrl(input.prometheus_url as string, 'prometheus_url')) as string }),
    scrape_interval_s: input.scrape_interval_s ?? SPEC_DEFAULTS.scrape_interval_s,
    save_detailed: input.save_detailed ?? false,
    repeat: input.repeat ?? 1,
    ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
    client,
    ...(found === undefined ? {} : { search: found.search }),
  };
}

// A search's step template: its lowest level, with the rate mode's burstiness and cap.
function searchTemplate(input: BenchInput, search: NonNullable<BenchSpec['search']>): LoadPattern {
  if (search.over === 'concurrency') return { kind: 'concurrency', concurrency: search.lo };
  return { kind: 'rate', rate: search.lo, burstiness: input.burstiness ?? SPEC_DEFAULTS.burstiness, ...(input.max_concurrency === undefined ? {} : { max_concurrency: input.max_concurrency }) };
}

// Keys that name the same choice twice, or a setting the chosen mode does not read.
function exclusive(input: BenchInput, issues: Issue[]): void {
  const both = (a: BenchInputKey, b: BenchInputKey, why: string) => {
    if (input[a] !== undefined && input[b] !== undefined) issues.push({ key: b, message: `expected ${a} or ${b}, not both${why}` });
  };
  both('duration', 'duration_seconds', ' (duration is minutes, duration_seconds seconds)');
  both('concurrency', 'rate', ' (cap a rate with max_concurrency)');
  both('url', 'service', '');
  both('url', 'sim', ' (sim settings are for the embedded simulator, the default target)');
  both('service', 'sim', ' (sim settings are for the embedded simulator)');
  if (input.balance !== undefined && input.service === undefined) issues.push({ key: 'balance', message: 'only read for a service group (with service), got it without service' });
  workloadRules(input, issues);
}

function toClient(input: BenchInput, loads: readonly LoadPattern[], issues: Issue[]): BenchSpec['client'] {
  // A service on a cluster is measured from inside the cluster unless asked otherwise.
  const placement = input.client ?? (input.service !== undefined ? 'cluster' : 'local');
  const tasks = input.client_tasks ?? 1;
  const workers = input.workers ?? 1;
  if (placement === 'cluster' && input.service === undefined) {
    issues.push({ key: 'client', message: 'cluster runs the client inside the cluster next to a service: expected a service, got ' + (input.url === undefined ? 'the embedded simulator' : 'a url') });
  }
  if (tasks > 1 && placement !== 'cluster') issues.push({ key: 'client_tasks', message: 'expected client cluster for more than one client task (Slurm tasks); use workers on one machine' });
  if (input.client_nodes !== undefined && placement !== 'cluster') issues.push({ key: 'client_nodes', message: 'expected client cluster: nodes are where Slurm places client tasks' });
  if (input.client_nodes !== undefined && input.client_nodes > tasks) issues.push({ key: 'client_nodes', message: `expected at most one node per client task (${tasks}), got ${input.client_nodes}` });
  const split = tasks * workers;
  for (const load of loads) {
    const inFlight = inFlightCap(load);
    if (split > 1 && inFlight !== undefined && inFlight < split) {
      issues.push({ key: 'concurrency', message: `expected at least one request in flight per client (${tasks} task(s) x ${workers} worker(s) = ${split}), got ${inFlight}: a client with no share would only add noise` });
    }
  }
  return {
    placement, tasks, workers, ...(input.client_nodes === undefined ? {} : { nodes: input.client_nodes }),
    ...(input.tokenizer === undefined ? {} : { tokenizer: input.tokenizer }),
  };
}

// PromQL assertions: valid, a Prometheus to ask, and the variables this run can fill.
function checkPromql(input: BenchInput, issues: Issue[]): void {
  const assertions = input.assert_promql ?? [];
  for (const text of assertions) {
    const parsed = attempt(issues, 'assert_promql', () => parsePromqlAssertion(text));
    const needsService = parsed === undefined ? [] : variablesOf(parsed.query).filter((v) => v === 'slurm_job_id' || v === 'service_id');
    if (needsService.length > 0 && input.service === undefined) {
      issues.push({ key: 'assert_promql', message: `$${needsService.join(', $')} names the service's job, but this run has no service (--service): ${JSON.stringify(text)}` });
    }
  }
  if (assertions.length > 0 && input.prometheus_url === undefined) {
    issues.push({ key: 'assert_promql', message: 'expected a Prometheus to ask: set monitoring.prometheus_url in the config (or prometheus_url / --prometheus-url), got none' });
  }
}

// The percentiles a gate names (p99.9_ttft_ms), so it is computed rather than missing.
function gatePercentiles(rules: readonly string[]): number[] {
  return rules.flatMap((rule) => {
    const field = /^\s*([A-Za-z0-9_.]+)/.exec(rule)?.[1] ?? '';
    const match = PERCENTILE_FIELD.exec(field);
    return match !== null && Number(match[1]) <= 100 ? [Number(match[1])] : [];
  });
}

function sloOf(text: string): NonNullable<BenchSpec['slo']> {
  const slo = parseGoodput(text);
  return {
    ...(slo.ttftMs === undefined ? {} : { ttft_ms: slo.ttftMs }),
    ...(slo.tpotMs === undefined ? {} : { tpot_ms: slo.tpotMs }),
    ...(slo.e2elMs === undefined ? {} : { e2el_ms: slo.e2elMs }),
  };
}

/** The target URL, checked before any request: http(s) only, no user:password@ (never echoed). */
function checkedUrl(value: string, field = 'url'): string {
  const text = value.trim();
  const masked = maskUrlCredentials(text);
  if (hasUrlCredentials(text)) throw new UsageError(`${field}: expected a URL without user:password@ (put the API key in --api-key-file), got ${masked}`);
  if (!EndpointUrlSchema.safeParse(text).success) throw new UsageError(`${field}: expected an http:// or https:// URL like http://node1:8000, got ${JSON.stringify(masked)}`);
  return text;
}
