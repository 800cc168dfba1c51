// `dashboards check`: every PromQL/LogQL expression parses after substituting variables, every
// metric name is emitted by this project (or documented as external), and with a Prometheus URL
// every PromQL query returns at least one series.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DashboardError } from '../errors.js';
import { dashboardVariables, extractQueries, variableQueryToPromql, type DashboardQuery } from './extract.js';
import { knownMetrics } from './known-metrics.js';
import { parseQuery } from './parse-query.js';
import { instantSeriesCount, labelValues } from './prometheus-api.js';
import { substituteVariables } from './substitute.js';

interface CheckedQuery extends DashboardQuery {
  /** The expression as parsed/run, variables substituted. */
  resolved: string;
  metrics: string[];
  /** Series returned by Prometheus (only with a Prometheus URL, PromQL only). */
  series?: number;
  problems: string[];
}

export interface CheckReport {
  ok: boolean;
  dashboards: string[];
  queries: CheckedQuery[];
  problems: string[];
}

interface CheckOptions {
  prometheusUrl?: string;
  /** Variable values to use (e.g. service_id); others are resolved from Prometheus or a placeholder. */
  variables?: Record<string, string>;
}

/** Offline checks of one query: syntax and metric names. */
export function checkQuery(query: DashboardQuery, values: Record<string, string> = {}, known = knownMetrics()): CheckedQuery {
  const resolved = substituteVariables(query.expr, values);
  const parsed = parseQuery(query.language, resolved);
  const problems = parsed.errors.map((at) => `${query.language} syntax error at offset ${at} in ${JSON.stringify(resolved)}`);
  for (const name of parsed.metrics) {
    if (!known.has(name)) problems.push(`unknown metric ${name}: not emitted by aibench and not on the external list (src/grafana/known-metrics.ts)`);
  }
  if (query.language === 'promql' && parsed.errors.length === 0 && parsed.metrics.length === 0) {
    problems.push('selects no metric by name (every panel query must name the metric it shows)');
  }
  return { ...query, resolved, metrics: parsed.metrics, problems };
}

/** Values for a dashboard's variables from Prometheus, in dependency order (first value, or allValue for multi). */
async function resolveVariables(model: unknown, base: string, fixed: Record<string, string>): Promise<Record<string, string>> {
  const values: Record<string, string> = { ...fixed };
  for (const variable of dashboardVariables(model)) {
    if (variable.name in values) continue;
    if (variable.type === 'constant' && variable.query !== undefined) values[variable.name] = variable.query;
    if (variable.type !== 'query' || variable.query === undefined) continue;
    if (variable.multi && variable.allValue !== undefined) { values[variable.name] = variable.allValue; continue; }
    const { expr, label } = variableQueryToPromql(variable.query);
    if (label === undefined) continue;
    const found = await labelValues(base, label, expr === undefined ? undefined : substituteVariables(expr, values)).catch(() => []);
    if (found[0] !== undefined) values[variable.name] = found[0];
  }
  return values;
}

async function runQuery(base: string, query: CheckedQuery): Promise<void> {
  try {
    query.series = await instantSeriesCount(base, query.resolved);
    if (query.series === 0) query.problems.push(`no series from Prometheus for ${query.resolved}`);
  } catch (error) {
    if (error instanceof DashboardError) throw error;
    query.problems.push(`Prometheus refused ${query.resolved}: ${(error as Error).message}`);
  }
}

/** Check dashboard models by name; with a Prometheus URL, also run every PromQL query. */
export async function checkDashboards(models: Record<string, unknown>, options: CheckOptions = {}): Promise<CheckReport> {
  const known = knownMetrics();
  const queries: CheckedQuery[] = [];
  for (const [name, model] of Object.entries(models)) {
    const values = options.prometheusUrl === undefined ? { ...options.variables } : await resolveVariables(model, options.prometheusUrl, options.variables ?? {});
    for (const query of extractQueries(name, model)) {
      const checked = checkQuery(query, values, known);
      if (options.prometheusUrl !== undefined && checked.language === 'promql' && checked.problems.length === 0) await runQuery(options.prometheusUrl, checked);
      queries.push(checked);
    }
  }
  const problems = queries.flatMap((q) => q.problems.map((p) => `${q.dashboard}: ${q.where}: ${p}`));
  if (Object.keys(models).length === 0) problems.push('no dashboards to check');
  return { ok: problems.length === 0, dashboards: Object.keys(models), queries, problems };
}

/** Read every *.json dashboard in a directory. */
export async function readDashboardDir(dir: string): Promise<Record<string, unknown>> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (error) {
    throw new DashboardError(`Could not read dashboards directory ${dir}: ${(error as Error).message}`, { cause: error, hint: 'run `aibench dashboards build` first or pass --dir' });
  }
  const models: Record<string, unknown> = {};
  for (const name of names) {
    const path = join(dir, name);
    try {
      models[name] = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new DashboardError(`Expected dashboard JSON in ${path}, got: ${(error as Error).message}`, { cause: error });
    }
  }
  return models;
}
