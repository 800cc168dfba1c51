// The one evaluator of gates over a result document: `--assert` expressions and `--fail-on` rules
// (a rule `m>t` is the assertion `!(m>t)`). An assertion whose fields have no value cannot be
// evaluated (error: never a pass on no data); a fail-on rule without a value is breached, as
// --fail-on has always said. Pure.
import { parseAssertion, fieldsOf, type AssertNode, type CompareOp } from './assertions.js';
import { parseFailOn } from './compare.js';
import type { AssertionOutcome } from './truth-schema.js';

/** A parsed gate: its text, where it came from, and its expression. */
export interface Gate {
  expr: string;
  kind: 'field' | 'fail_on';
  node: AssertNode;
}

/** The gates a run is judged under: fail_on rules, then assertions. */
export interface GateSpec {
  fail_on: readonly string[];
  assert?: readonly string[];
  assert_promql?: readonly string[];
}

/** Parse every field gate of a spec (UsageError on the first malformed one). */
export function fieldGates(spec: GateSpec): Gate[] {
  const failOn = spec.fail_on.map((text): Gate => {
    const rule = parseFailOn(text);
    return { expr: rule.text, kind: 'fail_on', node: { k: 'not', e: { k: 'cmp', op: rule.op, l: { k: 'field', path: rule.metric }, r: { k: 'num', v: rule.threshold } } } };
  });
  return [...failOn, ...(spec.assert ?? []).map((text): Gate => ({ expr: text, kind: 'field', node: parseAssertion(text) }))];
}

/** The value at a field path: a top-level field, or `section.field`; undefined unless a finite number. */
export function valueAt(doc: object, path: string): number | undefined {
  const record = doc as Record<string, unknown>;
  let value: unknown = record[path];
  if (value === undefined && path.includes('.')) {
    const dot = path.indexOf('.');
    const section = record[path.slice(0, dot)];
    value = typeof section === 'object' && section !== null ? (section as Record<string, unknown>)[path.slice(dot + 1)] : undefined;
  }
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Whether `value op threshold` holds. */
export function compare(value: number, op: CompareOp, threshold: number): boolean {
  switch (op) {
    case '<': return value < threshold;
    case '<=': return value <= threshold;
    case '>': return value > threshold;
    case '>=': return value >= threshold;
    case '==': return value === threshold;
    case '!=': return value !== threshold;
  }
}

function evaluate(node: AssertNode, values: Map<string, number>): number | boolean {
  switch (node.k) {
    case 'num': return node.v;
    case 'field': return values.get(node.path) as number;
    case 'neg': return -(evaluate(node.e, values) as number);
    case 'not': return !evaluate(node.e, values);
    case 'and': return Boolean(evaluate(node.l, values)) && Boolean(evaluate(node.r, values));
    case 'or': return Boolean(evaluate(node.l, values)) || Boolean(evaluate(node.r, values));
    case 'cmp': return compare(evaluate(node.l, values) as number, node.op, evaluate(node.r, values) as number);
    case 'arith': {
      const l = evaluate(node.l, values) as number;
      const r = evaluate(node.r, values) as number;
      const out = node.op === '+' ? l + r : node.op === '-' ? l - r : node.op === '*' ? l * r : l / r;
      if (Number.isNaN(out)) throw new RangeError('the expression has no defined value (0/0)');
      return out;
    }
  }
}

// The value people want to see: the compared field (left side first), else the only field.
function observedOf(node: AssertNode, values: Map<string, number>): number | undefined {
  const inner = node.k === 'not' ? node.e : node;
  if (inner.k === 'cmp') for (const side of [inner.l, inner.r]) if (side.k === 'field') return values.get(side.path);
  const fields = fieldsOf(node);
  return fields.length === 1 ? values.get(fields[0] as string) : undefined;
}

/** One gate's outcome on one document: pass, fail (a breach), or error (it could not be evaluated). */
export function evaluateGate(gate: Gate, doc: object): AssertionOutcome {
  const fields = fieldsOf(gate.node);
  const values = new Map<string, number>();
  const missing: string[] = [];
  for (const f of fields) {
    const v = valueAt(doc, f);
    if (v === undefined) missing.push(f);
    else values.set(f, v);
  }
  const base = { expr: gate.expr, kind: gate.kind, values: Object.fromEntries(fields.map((f) => [f, values.get(f) ?? null])) };
  const observed = observedOf(gate.node, values);
  const seen = observed === undefined ? {} : { observed };
  if (missing.length > 0) {
    const why = `${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no value in this result`;
    // A fail-on rule has always counted a missing value as breached; an assertion says it could not be evaluated.
    return gate.kind === 'fail_on' ? { ...base, status: 'fail', reason: `${why} (no samples)` } : { ...base, status: 'error', reason: why };
  }
  let result: number | boolean;
  try {
    result = evaluate(gate.node, values);
  } catch (error) {
    return { ...base, ...seen, status: 'error', reason: (error as Error).message };
  }
  if (result) return { ...base, ...seen, status: 'pass' };
  const shown = fields.map((f) => `${f} is ${values.get(f)}`).join(', ');
  return { ...base, ...seen, status: 'fail', reason: shown };
}
