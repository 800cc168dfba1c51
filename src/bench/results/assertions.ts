// The `--assert` expression language over a result's fields: comparisons (< <= > >= == !=) of
// arithmetic (+ - * /, unary -) over numbers and field paths, joined by && || ! (or and, or, not).
// Fields are result fields (p99_ttft_ms), and nested ones: server_metrics.*, ttft_breakdown.*,
// gpu.*, client.*. Parsed (and every field checked) before a run starts, so a typo is exit 2.
import { UsageError } from '../../errors.js';
import { isMetricField } from './result-fields.js';
import { GPU_NUMERIC_FIELDS, SERVER_NUMERIC_FIELDS } from './truth-schema.js';

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type AssertNode =
  | { k: 'num'; v: number }
  | { k: 'field'; path: string }
  | { k: 'neg'; e: AssertNode }
  | { k: 'not'; e: AssertNode }
  | { k: 'arith'; op: '+' | '-' | '*' | '/'; l: AssertNode; r: AssertNode }
  | { k: 'cmp'; op: CompareOp; l: AssertNode; r: AssertNode }
  | { k: 'and' | 'or'; l: AssertNode; r: AssertNode };

/** Nested sections and the numeric fields an assertion may name in each. */
const NESTED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  server_metrics: SERVER_NUMERIC_FIELDS,
  ttft_breakdown: ['client_ttft_ms', 'queue_ms', 'prefill_ms', 'other_ms'],
  gpu: GPU_NUMERIC_FIELDS,
  client: ['event_loop_delay_p99_ms', 'event_loop_delay_max_ms', 'send_lag_p99_ms', 'send_lag_max_ms', 'start_skew_ms'],
};
const TOP_LEVEL = new Set(['duration_s', 'duration']);

/** True for a field path an assertion may name. */
function isAssertableField(path: string): boolean {
  if (isMetricField(path) || TOP_LEVEL.has(path)) return true;
  const dot = path.indexOf('.');
  if (dot < 0) return false;
  return NESTED_FIELDS[path.slice(0, dot)]?.includes(path.slice(dot + 1)) ?? false;
}

type Token = { t: 'num'; v: number; at: number } | { t: 'id'; v: string; at: number } | { t: 'op'; v: string; at: number };

const TOKEN = /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)|(<=|>=|==|!=|&&|\|\||[<>!()+\-*/]))/y;
const WORDS: Readonly<Record<string, string>> = { and: '&&', or: '||', not: '!' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex + (/^\s*/.exec(text.slice(TOKEN.lastIndex))?.[0].length ?? 0);
    const m = TOKEN.exec(text);
    if (m === null) throw new Error(`unexpected ${JSON.stringify(text.slice(at, at + 12))} at column ${at + 1}`);
    const start = m.index + m[0].length - (m[1] ?? m[2] ?? m[3] ?? '').length;
    if (m[1] !== undefined) tokens.push({ t: 'num', v: Number(m[1]), at: start });
    else if (m[2] !== undefined) tokens.push(WORDS[m[2]] ? { t: 'op', v: WORDS[m[2]] as string, at: start } : { t: 'id', v: m[2], at: start });
    else tokens.push({ t: 'op', v: m[3] as string, at: start });
  }
  return tokens;
}

/** A recursive-descent parser over the tokens; `kind` tracks boolean vs number so `1 && 2` is refused. */
class Parser {
  #i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): AssertNode {
    const node = this.or();
    const rest = this.tokens[this.#i];
    if (rest !== undefined) throw new Error(`unexpected ${JSON.stringify(String(rest.v))} at column ${rest.at + 1}`);
    if (kindOf(node) !== 'bool') throw new Error('expected a comparison (e.g. server_metrics.preemptions == 0), got a number');
    return node;
  }

  #peek(...ops: string[]): string | undefined {
    const tok = this.tokens[this.#i];
    return tok?.t === 'op' && ops.includes(tok.v) ? tok.v : undefined;
  }

  private or(): AssertNode {
    let l = this.and();
    while (this.#peek('||')) (this.#i++, (l = { k: 'or', l: bool(l), r: bool(this.and()) }));
    return l;
  }

  private and(): AssertNode {
    let l = this.not();
    while (this.#peek('&&')) (this.#i++, (l = { k: 'and', l: bool(l), r: bool(this.not()) }));
    return l;
  }

  private not(): AssertNode {
    if (this.#peek('!')) return (this.#i++, { k: 'not', e: bool(this.not()) });
    return this.cmp();
  }

  private cmp(): AssertNode {
    const l = this.sum();
    const op = this.#peek('<', '<=', '>', '>=', '==', '!=') as CompareOp | undefined;
    if (op === undefined) return l;
    this.#i++;
    const node: AssertNode = { k: 'cmp', op, l: number(l), r: number(this.sum()) };
    if (this.#peek('<', '<=', '>', '>=', '==', '!=')) throw new Error('expected one comparison per side of && / ||, got a chain (write a < b && b < c)');
    return node;
  }

  private sum(): AssertNode {
    let l = this.term();
    for (let op = this.#peek('+', '-'); op; op = this.#peek('+', '-')) (this.#i++, (l = { k: 'arith', op: op as '+' | '-', l: number(l), r: number(this.term()) }));
    return l;
  }

  private term(): AssertNode {
    let l = this.unary();
    for (let op = this.#peek('*', '/'); op; op = this.#peek('*', '/')) (this.#i++, (l = { k: 'arith', op: op as '*' | '/', l: number(l), r: number(this.unary()) }));
    return l;
  }

  private unary(): AssertNode {
    if (this.#peek('-')) return (this.#i++, { k: 'neg', e: number(this.unary()) });
    return this.primary();
  }

  private primary(): AssertNode {
    const tok = this.tokens[this.#i++];
    if (tok === undefined) throw new Error('expected a number, a field or ( at the end');
    if (tok.t === 'num') return { k: 'num', v: tok.v };
    if (tok.t === 'id') return { k: 'field', path: tok.v };
    if (tok.v === '(') {
      const inner = this.or();
      if (!this.#peek(')')) throw new Error(`expected ) to close the ( at column ${tok.at + 1}`);
      this.#i++;
      return inner;
    }
    throw new Error(`unexpected ${JSON.stringify(tok.v)} at column ${tok.at + 1}`);
  }
}

function kindOf(node: AssertNode): 'bool' | 'num' {
  return node.k === 'cmp' || node.k === 'and' || node.k === 'or' || node.k === 'not' ? 'bool' : 'num';
}
const bool = (node: AssertNode): AssertNode => {
  if (kindOf(node) !== 'bool') throw new Error('expected a comparison on each side of && / || / !, got a number');
  return node;
};
const number = (node: AssertNode): AssertNode => {
  if (kindOf(node) !== 'num') throw new Error('expected a number or a field on each side of a comparison, got a comparison');
  return node;
};

/** Every field path an expression names, in order, without repeats. */
export function fieldsOf(node: AssertNode): string[] {
  const out = new Set<string>();
  const walk = (n: AssertNode): void => {
    if (n.k === 'field') out.add(n.path);
    else if (n.k === 'neg' || n.k === 'not') walk(n.e);
    else if (n.k !== 'num') (walk(n.l), walk(n.r));
  };
  walk(node);
  return [...out];
}

const EXAMPLES = 'p99_ttft_ms, output_throughput, server_metrics.preemptions, server_metrics.max_kv_cache_usage_perc, ttft_breakdown.queue_ms, gpu.max_memory_used_bytes';

/** Parse an assertion; UsageError (exit 2) naming the expression and what is wrong. */
export function parseAssertion(text: string, field = 'assert'): AssertNode {
  let node: AssertNode;
  try {
    node = new Parser(tokenize(text)).parse();
  } catch (error) {
    throw new UsageError(`${field}: ${(error as Error).message} in ${JSON.stringify(text)}`);
  }
  const unknown = fieldsOf(node).filter((f) => !isAssertableField(f));
  if (unknown.length > 0) {
    throw new UsageError(`${field}: unknown result field ${unknown.map((f) => JSON.stringify(f)).join(', ')} in ${JSON.stringify(text)}; expected one such as ${EXAMPLES}`, {
      hint: 'Nested fields: server_metrics.*, ttft_breakdown.{queue_ms,prefill_ms,other_ms}, gpu.*, client.*; latency fields are {mean,median,std,min,max,p<N>}_{ttft,tpot,itl,e2el}_ms.',
    });
  }
  return node;
}
