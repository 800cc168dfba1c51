// The --assert expression language: what parses, what is refused (exit 2, naming why), how it
// evaluates, and properties: a generated expression printed and parsed back evaluates as built;
// no input makes the parser throw anything but a UsageError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/errors.js';
import { fieldsOf, parseAssertion, type AssertNode } from '../../../../src/bench/results/assertions.js';
import { evaluateGate, fieldGates } from '../../../../src/bench/results/assertions-eval.js';
import { parsePromqlAssertion, substitutePromql } from '../../../../src/bench/results/assertions-promql.js';

const doc = {
  p99_ttft_ms: 612, output_throughput: 1500, 'p99.9_ttft_ms': 700,
  server_metrics: { available: true, preemptions: 0, max_kv_cache_usage_perc: 0.95, mean_queue_time_ms: 40 },
  ttft_breakdown: { queue_ms: 40, prefill_ms: 20, other_ms: 5, client_ttft_ms: 65 },
};
const outcome = (expr: string) => evaluateGate({ expr, kind: 'field', node: parseAssertion(expr) }, doc);

describe('parseAssertion and evaluation', () => {
  it.each([
    ['server_metrics.preemptions == 0', 'pass', 0],
    ['server_metrics.max_kv_cache_usage_perc < 0.9', 'fail', 0.95],
    ['p99_ttft_ms <= 400 || output_throughput >= 1000', 'pass', undefined],
    ['not (p99_ttft_ms > 600) and server_metrics.preemptions == 0', 'fail', undefined],
    ['ttft_breakdown.queue_ms / ttft_breakdown.client_ttft_ms < 0.7', 'pass', undefined],
    ['-p99_ttft_ms < -600', 'pass', 612],
    ['p99.9_ttft_ms < 7e2', 'fail', 700],
    ['p99_ttft_ms - 2 * 6 == 600', 'pass', 612],
  ])('%s -> %s', (expr, status, observed) => {
    const o = outcome(expr);
    expect(o.status).toBe(status);
    expect(o.observed).toBe(observed);
  });
  it('a failed assertion names each field and its value', () => {
    expect(outcome('server_metrics.max_kv_cache_usage_perc < 0.9').reason).toBe('server_metrics.max_kv_cache_usage_perc is 0.95');
  });
  it('a field without a value makes it unevaluable, never a pass', () => {
    const o = outcome('gpu.max_memory_used_bytes < 70e9 || p99_ttft_ms < 10000');
    expect(o).toMatchObject({ status: 'error', reason: 'gpu.max_memory_used_bytes has no value in this result', values: { 'gpu.max_memory_used_bytes': null, p99_ttft_ms: 612 } });
  });
  it('0/0 is unevaluable', () => expect(outcome('p99_ttft_ms * 0 / 0 < 1').status).toBe('error'));
  it('a fail-on rule is the negated assertion, and breaches on no value', () => {
    const [rule] = fieldGates({ fail_on: ['mean_tpot_ms>50'] });
    expect(evaluateGate(rule!, doc)).toMatchObject({ kind: 'fail_on', status: 'fail', reason: 'mean_tpot_ms has no value in this result (no samples)' });
  });
  it.each([
    ['', /expected a number, a field or \(/],
    ['p99_ttft_ms', /expected a comparison/],
    ['p99_ttft_ms < 1 < 2', /chain/],
    ['p99_ttft_ms && 1', /comparison on each side/],
    ['(p99_ttft_ms < 1', /expected \) to close/],
    ['p99_ttft_ms < 5ms', /unexpected "ms"/],
    ['p99_ttft_ms ~ 5', /unexpected "~ 5"/],
    ['p99_latency < 5', /unknown result field "p99_latency"/],
    ['server_metrics.preemption == 0', /unknown result field "server_metrics.preemption"/],
    ['gpu.power < 5', /unknown result field "gpu.power"/],
  ])('refuses %j', (expr, message) => {
    expect(() => parseAssertion(expr)).toThrow(UsageError);
    expect(() => parseAssertion(expr)).toThrow(message);
  });
});

// Generated expressions over three fields, printed fully parenthesised.
const FIELDS = ['p99_ttft_ms', 'server_metrics.preemptions', 'ttft_breakdown.queue_ms'] as const;
const numExpr: fc.Arbitrary<AssertNode> = fc.letrec<{ n: AssertNode }>((tie) => ({
  n: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: 0, max: 1000 }).map((v): AssertNode => ({ k: 'num', v })),
    fc.constantFrom(...FIELDS).map((path): AssertNode => ({ k: 'field', path })),
    fc.record({ op: fc.constantFrom('+', '-', '*'), l: tie('n'), r: tie('n') }).map(({ op, l, r }): AssertNode => ({ k: 'arith', op: op as '+', l, r })),
  ),
})).n;
const boolExpr: fc.Arbitrary<AssertNode> = fc.letrec<{ b: AssertNode }>((tie) => ({
  b: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ op: fc.constantFrom('<', '<=', '>', '>=', '==', '!='), l: numExpr, r: numExpr }).map(({ op, l, r }): AssertNode => ({ k: 'cmp', op: op as '<', l, r })),
    fc.record({ k: fc.constantFrom('and', 'or'), l: tie('b'), r: tie('b') }).map(({ k, l, r }): AssertNode => ({ k: k as 'and', l, r })),
    tie('b').map((e): AssertNode => ({ k: 'not', e })),
  ),
})).b;

function print(n: AssertNode): string {
  switch (n.k) {
    case 'num': return String(n.v);
    case 'field': return n.path;
    case 'neg': return `-(${print(n.e)})`;
    case 'not': return `!(${print(n.e)})`;
    case 'and': return `(${print(n.l)}) && (${print(n.r)})`;
    case 'or': return `(${print(n.l)}) || (${print(n.r)})`;
    case 'cmp': case 'arith': return `(${print(n.l)}) ${n.op} (${print(n.r)})`;
  }
}

function direct(n: AssertNode, v: Record<string, number>): number | boolean {
  switch (n.k) {
    case 'num': return n.v;
    case 'field': return v[n.path] as number;
    case 'neg': return -(direct(n.e, v) as number);
    case 'not': return !direct(n.e, v);
    case 'and': return Boolean(direct(n.l, v)) && Boolean(direct(n.r, v));
    case 'or': return Boolean(direct(n.l, v)) || Boolean(direct(n.r, v));
    case 'arith': {
      const [l, r] = [direct(n.l, v) as number, direct(n.r, v) as number];
      return n.op === '+' ? l + r : n.op === '-' ? l - r : l * r;
    }
    case 'cmp': {
      const [l, r] = [direct(n.l, v) as number, direct(n.r, v) as number];
      return { '<': l < r, '<=': l <= r, '>': l > r, '>=': l >= r, '==': l === r, '!=': l !== r }[n.op];
    }
  }
}

describe('properties', () => {
  it('a printed expression parses back and evaluates as the tree it was printed from', () => {
    fc.assert(
      fc.property(boolExpr, fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 })), (tree, [a, b, c]) => {
        const values = { [FIELDS[0]]: a, [FIELDS[1]]: b, [FIELDS[2]]: c };
        const d = { p99_ttft_ms: a, server_metrics: { preemptions: b }, ttft_breakdown: { queue_ms: c } };
        const text = print(tree);
        const o = evaluateGate({ expr: text, kind: 'field', node: parseAssertion(text) }, d);
        expect(o.status).toBe(direct(tree, values) ? 'pass' : 'fail');
        expect(fieldsOf(parseAssertion(text)).sort()).toEqual(fieldsOf(tree).sort());
      }),
      { numRuns: 300 },
    );
  });
  it('any text either parses or is refused with a UsageError', () => {
    const alphabet = fc.constantFrom(...'p99_ttft_ms server_metrics.preemptions ()<>=!&|+-*/.0123456789 e and or not'.split(' ').flatMap((w) => [w, ...w.split('')]));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 12 }).map((parts) => parts.join(' ')), (text) => {
        try {
          parseAssertion(text);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('parsePromqlAssertion', () => {
  it('splits at the last comparison with a number', () => {
    expect(parsePromqlAssertion('max_over_time(aibench_gpu_memory_used_bytes{slurm_job_id="$slurm_job_id"}[$__range]) < 70e9')).toMatchObject({
      query: 'max_over_time(aibench_gpu_memory_used_bytes{slurm_job_id="$slurm_job_id"}[$__range])', op: '<', threshold: 70e9,
    });
    expect(parsePromqlAssertion('sum(rate(x[1m])) > 0 >= 1')).toMatchObject({ query: 'sum(rate(x[1m])) > 0', op: '>=', threshold: 1 });
  });
  it.each([
    ['max(x)', /expected 'QUERY OP NUMBER'/],
    ['< 5', /expected 'QUERY OP NUMBER'/],
    ['max(x{a="$job"}) < 5', /unknown variable \$job/],
    ['max(x{a="1"} < 5', /not valid PromQL/],
  ])('refuses %j', (text, message) => expect(() => parsePromqlAssertion(text)).toThrow(message));
  it('substitutes the run variables', () => {
    expect(substitutePromql('x{j="$slurm_job_id",s="${service_id}"}[$__range]', { slurm_job_id: '42', service_id: 'svc', __range: '93s' })).toBe('x{j="42",s="svc"}[93s]');
  });
});
