// Expand a suite into tasks: per binding, load levels x input_len x output_len. Task ids are
// derived from the values alone (service, load, lengths), so a re-run or --resume finds the same
// files; the dry-run table is rendered from the same plan.
import { minutesToSeconds } from '../bench/spec/duration.js';
import type { LoadPattern, StopCondition } from '../bench/engine/schedule.js';
import type { BenchSpec } from '../bench/spec/bench-spec.js';
import type { BenchInput } from '../bench/spec/bench-input.js';
import { buildBenchSpec } from '../bench/spec/build-spec.js';
import { renderTable } from '../report/table.js';
import { bindings, mergeMatrix, type Suite, type SuiteMatrix, type SuiteSearch, type SuiteService } from './schema.js';
import { tierFromName, type TierValue } from '../dispatch/tiers.js';

export interface SuiteTask {
  /** Stable: `<service>__c8_in128_out256` or `<service>__r2.5_in128_out256`. */
  id: string;
  file: string;
  service: SuiteService;
  load: LoadPattern;
  inputLen: number;
  outputLen: number;
  stop: StopCondition;
  tier: TierValue;
  /** Top-level fail_on plus the binding's. */
  failOn: string[];
  /** Top-level assert / assert_promql plus the binding's. */
  assert: string[];
  assertPromql: string[];
  /** The benchmark this cell is, built and checked when the suite is planned. */
  spec: BenchSpec;
}

export interface SuitePlan {
  suite: Suite;
  tasks: SuiteTask[];
  /** Services that at least one task uses, in suite order. */
  services: SuiteService[];
}

function loads(m: Partial<SuiteMatrix>, settings: Suite['settings']): LoadPattern[] {
  const byConcurrency = (m.concurrency ?? []).map((concurrency): LoadPattern => ({ kind: 'concurrency', concurrency }));
  const byRate = (m.rate ?? []).map(
    (rate): LoadPattern => ({ kind: 'rate', rate, burstiness: settings.burstiness, ...(settings.max_concurrency === undefined ? {} : { max_concurrency: settings.max_concurrency }) }),
  );
  return [...byConcurrency, ...byRate];
}

interface Cell {
  /** Absent for a search: it sets each step's load itself. */
  load?: LoadPattern;
  inputLen: number;
  outputLen: number;
  stop: StopCondition;
  failOn: string[];
  assert?: string[];
  assertPromql?: string[];
}

/** One matrix cell as benchmark settings: the suite's shared settings plus the cell's axes. */
function cellInput(settings: Suite['settings'], service: SuiteService, cell: Cell): BenchInput {
  const load = cell.load?.kind === 'concurrency'
    ? { concurrency: cell.load.concurrency }
    : cell.load?.kind === 'rate' ? { rate: cell.load.rate, burstiness: cell.load.burstiness, ...(cell.load.max_concurrency === undefined ? {} : { max_concurrency: cell.load.max_concurrency }) }
    : {};
  return {
    api: settings.api, warmup: settings.warmup, seed: settings.seed, range_ratio: settings.range_ratio, on_deadline: settings.on_deadline,
    ...(settings.goodput === undefined ? {} : { goodput: settings.goodput }),
    ...(settings.percentiles === undefined ? {} : { percentiles: settings.percentiles }),
    ...(service.kind === 'url' && service.model !== undefined ? { model: service.model } : {}),
    // A Slurm service is measured from inside the cluster unless the suite says local; the id is the
    // suite's name for it until the run knows the started service's own id.
    ...(service.kind === 'slurm' ? { service: service.id, client: settings.client } : {}),
    ...(settings.client_tasks === undefined || service.kind !== 'slurm' ? {} : { client_tasks: settings.client_tasks }),
    ...(settings.workers === undefined ? {} : { workers: settings.workers }),
    ...(settings.repeat === undefined ? {} : { repeat: settings.repeat }),
    ...(settings.metadata === undefined ? {} : { metadata: settings.metadata }),
    ...(settings.scrape_interval_s === undefined ? {} : { scrape_interval_s: settings.scrape_interval_s }),
    ...(cell.assert === undefined || cell.assert.length === 0 ? {} : { assert: cell.assert }),
    ...(cell.assertPromql === undefined || cell.assertPromql.length === 0 ? {} : { assert_promql: cell.assertPromql }),
    ...load, input_len: cell.inputLen, output_len: cell.outputLen, fail_on: cell.failOn,
    ...(cell.stop.durationS === undefined ? {} : { duration_seconds: cell.stop.durationS }),
    ...(cell.stop.numRequests === undefined ? {} : { num_requests: cell.stop.numRequests }),
  };
}

/** A search cell as benchmark settings: the cell without a load, the matrix's stop as each step's, the search keys. */
function searchCellInput(settings: Suite['settings'], service: SuiteService, search: SuiteSearch, cell: Omit<Cell, 'load'>): BenchInput {
  const minutes = search.step_duration_min ?? (cell.stop.durationS === undefined ? undefined : cell.stop.durationS / 60);
  const { duration_seconds: _d, ...base } = cellInput(settings, service, { ...cell, stop: {} });
  return {
    ...base, slo: search.slo,
    ...(search.rate_range === undefined ? {} : { rate_range: search.rate_range }),
    ...(search.concurrency_range === undefined ? {} : { concurrency_range: search.concurrency_range }),
    ...(search.precision === undefined ? {} : { precision: search.precision }),
    ...(search.max_steps === undefined ? {} : { max_steps: search.max_steps }),
    ...(minutes === undefined ? {} : { step_duration: minutes }),
    ...(cell.stop.numRequests === undefined ? {} : { num_requests: cell.stop.numRequests }),
    ...(settings.burstiness !== 1 && search.concurrency_range === undefined ? { burstiness: settings.burstiness } : {}),
  };
}

/** `c8` / `r2.5` / `rinf`: the load part of a task id. */
function loadKey(load: LoadPattern): string {
  return load.kind === 'concurrency' ? `c${load.concurrency}` : load.kind === 'rate' ? `r${load.rate}` : load.kind;
}

/** Every task of the suite, in a stable order (binding, load, input_len, output_len); `defaults` (the config's) sit under every cell. */
export function planSuite(suite: Suite, defaults: BenchInput = {}): SuitePlan {
  const tier = tierFromName(suite.priority);
  const tasks: SuiteTask[] = [];
  const seen = new Set<string>();
  const byId = new Map(suite.services.map((s) => [s.id, s]));
  for (const { binding } of bindings(suite)) {
    const service = byId.get(binding.service) as SuiteService;
    const m = mergeMatrix(suite.matrix, binding.matrix);
    const stop: StopCondition = {
      ...(m.duration_min === undefined ? {} : { durationS: minutesToSeconds(m.duration_min, 'matrix.duration_min') }),
      ...(m.num_requests === undefined ? {} : { numRequests: m.num_requests }),
    };
    if (binding.search !== undefined) {
      tasks.push(...searchTasks({ suite, service, search: binding.search, m, stop, tier, failOn: [...suite.fail_on, ...(binding.fail_on ?? [])], seen }));
      continue;
    }
    for (const load of loads(m, suite.settings)) {
      for (const inputLen of m.input_len ?? []) {
        for (const outputLen of m.output_len ?? []) {
          const id = `${service.id}__${loadKey(load)}_in${inputLen}_out${outputLen}`;
          if (seen.has(id)) continue; // two bindings of one service may overlap: run each point once
          seen.add(id);
          const failOn = [...suite.fail_on, ...(binding.fail_on ?? [])];
          const assert = [...suite.assert, ...(binding.assert ?? [])];
          const assertPromql = [...suite.assert_promql, ...(binding.assert_promql ?? [])];
          const input = { ...defaults, ...cellInput(suite.settings, service, { load, inputLen, outputLen, stop, failOn, assert, assertPromql }) };
          const spec = buildBenchSpec(input, { label: (key) => `${id}: ${key}` });
          tasks.push({ id, file: `${id}.json`, service, load, inputLen, outputLen, stop, tier, failOn, assert, assertPromql, spec });
        }
      }
    }
  }
  const used = new Set(tasks.map((t) => t.service.id));
  const services = suite.services.filter((s) => used.has(s.id));
  return { suite, tasks, services };
}

interface SearchCells {
  suite: Suite;
  service: SuiteService;
  search: SuiteSearch;
  m: Partial<SuiteMatrix>;
  stop: StopCondition;
  tier: TierValue;
  failOn: string[];
  seen: Set<string>;
}

// One search task per input_len x output_len: `<service>__search-rate_in128_out256`.
function searchTasks(c: SearchCells): SuiteTask[] {
  const over = c.search.concurrency_range !== undefined ? 'concurrency' : 'rate';
  const out: SuiteTask[] = [];
  for (const inputLen of c.m.input_len ?? []) {
    for (const outputLen of c.m.output_len ?? []) {
      const id = `${c.service.id}__search-${over}_in${inputLen}_out${outputLen}`;
      if (c.seen.has(id)) continue;
      c.seen.add(id);
      const spec = buildBenchSpec(searchCellInput(c.suite.settings, c.service, c.search, { inputLen, outputLen, stop: c.stop, failOn: c.failOn }), { label: (key) => `${id}: ${key}` });
      out.push({ id, file: `${id}.json`, service: c.service, load: spec.loads[0] as LoadPattern, inputLen, outputLen, stop: c.stop, tier: c.tier, failOn: c.failOn, assert: [], assertPromql: [], spec });
    }
  }
  return out;
}

/** Where a service runs, for tables: `slurm hpc (1 GPU)`, the URL, or `embedded sim`. */
function serviceLocation(service: SuiteService, defaultCluster?: string): string {
  if (service.kind === 'url') return service.url;
  if (service.kind === 'sim') return 'embedded sim';
  const gpus = service.gpus ? ` (${service.gpus} GPU${service.gpus > 1 ? 's' : ''})` : '';
  return `slurm ${service.cluster ?? defaultCluster ?? '(default)'}${gpus}`;
}

function describeStop(stop: StopCondition): string {
  const parts = [];
  if (stop.durationS !== undefined) parts.push(`${stop.durationS}s`);
  if (stop.numRequests !== undefined) parts.push(`${stop.numRequests} req`);
  return parts.join(' or ');
}

/** The --dry-run table: one row per task (drawn in time linear in the tasks, see report/table-draw.ts). */
export function renderPlanTable(plan: SuitePlan): string {
  const rows = plan.tasks.map((t, i) => [
    i + 1, t.id, t.service.id, t.service.kind === 'sim' ? t.service.sim.model ?? 'sim' : t.service.model ?? '(discover)',
    serviceLocation(t.service, plan.suite.cluster), t.spec.search === undefined ? loadKey(t.load) : `search ${t.spec.search.over} ${t.spec.search.lo}..${t.spec.search.hi}`, t.inputLen, t.outputLen, describeStop(t.stop), plan.suite.priority,
  ].map(String));
  return renderTable(['#', 'task', 'service', 'model', 'target', 'load', 'input', 'output', 'stop', 'priority'], rows, {
    title: `suite ${plan.suite.name}: ${plan.tasks.length} benchmark(s) on ${plan.services.length} service(s)`,
  });
}
