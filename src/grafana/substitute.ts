// Replace Grafana's template variables in a query with values: chosen ones (`--var`, or resolved
// from Prometheus) or a harmless placeholder, and the built-in intervals with fixed durations.

const PLACEHOLDER = 'aibench_check';

/** Grafana's built-in variables -> values that parse and make sense for an instant query. */
const BUILTIN_VALUES: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __interval: '15s',
  __interval_ms: '15000',
  __range: '30m',
  __range_s: '1800',
  __range_ms: '1800000',
  __auto: '15s',
};

// ${name}, ${name:format}, ${name.field}, $name, [[name]], [[name:format]]
const VARIABLE = /\$\{([A-Za-z0-9_.]+)(?::[^}]*)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_.]+)(?::[^\]]*)?\]\]/g;

/** Substitute every variable reference; unknown names get the placeholder. */
export function substituteVariables(expr: string, values: Readonly<Record<string, string>> = {}): string {
  return expr.replace(VARIABLE, (_match, braced?: string, bare?: string, bracketed?: string) => {
    const name = (braced ?? bare ?? bracketed ?? '').split('.')[0]!;
    return BUILTIN_VALUES[name] ?? values[name] ?? PLACEHOLDER;
  });
}
