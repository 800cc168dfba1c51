// Walk a dashboard JSON model for every query: panel targets (by datasource type) and template
// variable queries. Pure: the checker parses and runs what this returns.

export type QueryLanguage = 'promql' | 'logql';

export interface DashboardQuery {
  dashboard: string;
  /** "panel <title> / <refId>" or "variable <name>". */
  where: string;
  language: QueryLanguage;
  expr: string;
  /** For variable queries: the label whose values the variable lists (label_values(sel, label)). */
  label?: string;
}

interface DashboardVariable {
  name: string;
  type: string;
  query?: string;
  multi: boolean;
  allValue?: string;
}

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function language(datasource: unknown): QueryLanguage | undefined {
  const type = asObject(datasource).type;
  return type === 'prometheus' ? 'promql' : type === 'loki' ? 'logql' : undefined;
}

function panelQueries(dashboard: string, panels: unknown[], out: DashboardQuery[]): void {
  for (const raw of panels) {
    const panel = asObject(raw);
    for (const rawTarget of asArray(panel.targets)) {
      const target = asObject(rawTarget);
      const lang = language(target.datasource ?? panel.datasource);
      if (lang === undefined || typeof target.expr !== 'string') continue;
      out.push({ dashboard, where: `panel "${String(panel.title)}" / ${String(target.refId)}`, language: lang, expr: target.expr });
    }
    panelQueries(dashboard, asArray(panel.panels), out); // collapsed rows keep their panels inside
  }
}

/** Grafana's Prometheus variable functions -> the PromQL inside, and the label listed. */
export function variableQueryToPromql(query: string): { expr?: string; label?: string } {
  const text = query.trim();
  const labelValues = /^label_values\(\s*(.*?)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/s.exec(text);
  if (labelValues) return { expr: labelValues[1], label: labelValues[2] };
  const bareLabel = /^label_values\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/.exec(text);
  if (bareLabel) return { label: bareLabel[1] };
  const queryResult = /^query_result\((.*)\)$/s.exec(text);
  if (queryResult) return { expr: queryResult[1] };
  return { expr: text };
}

function variableQueryText(variable: Json): string | undefined {
  if (typeof variable.query === 'string') return variable.query;
  const inner = asObject(variable.query).query;
  return typeof inner === 'string' ? inner : undefined;
}

/** The template variables of a dashboard, in order. */
export function dashboardVariables(model: unknown): DashboardVariable[] {
  return asArray(asObject(asObject(model).templating).list).map((raw) => {
    const v = asObject(raw);
    const query = variableQueryText(v);
    return {
      name: String(v.name), type: String(v.type), multi: v.multi === true || v.includeAll === true,
      ...(query === undefined ? {} : { query }),
      ...(typeof v.allValue === 'string' && v.allValue !== '' ? { allValue: v.allValue } : {}),
    };
  });
}

/** Every PromQL / LogQL expression of a dashboard, variable queries included. */
export function extractQueries(dashboard: string, model: unknown): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  for (const raw of asArray(asObject(asObject(model).templating).list)) {
    const v = asObject(raw);
    const query = variableQueryText(v);
    if (v.type !== 'query' || query === undefined || language(v.datasource) !== 'promql') continue;
    const { expr, label } = variableQueryToPromql(query);
    if (expr !== undefined) out.push({ dashboard, where: `variable ${String(v.name)}`, language: 'promql', expr, ...(label ? { label } : {}) });
  }
  panelQueries(dashboard, asArray(asObject(model).panels), out);
  return out;
}
