// Parse PromQL (@prometheus-io/lezer-promql) and LogQL (@grafana/lezer-logql); report syntax error
// positions (the parsers recover and mark errors with ⚠ nodes) and the metric names PromQL selects.
// The grammars load on the first query, synchronously: building them costs ~30 ms, which a
// benchmark without PromQL assertions should not pay before its first request. The build puts them
// beside the bundle as one CommonJS file (dist/bundle/query-parsers.cjs); from source, the packages.
import type { SyntaxNode, Tree } from '@lezer/common';
import type { LRParser } from '@lezer/lr';
import { requireBuilt } from '../package-files.js';
import type { QueryLanguage } from './extract.js';

interface QueryParsers {
  promql: LRParser;
  logql: LRParser;
}

let parsers: QueryParsers | undefined;

function queryParsers(): QueryParsers {
  const parser = (module: unknown) => (module as { parser: LRParser }).parser;
  parsers ??= requireBuilt('query-parsers', (load) => ({ promql: parser(load('@prometheus-io/lezer-promql')), logql: parser(load('@grafana/lezer-logql')) }));
  return parsers;
}

interface ParsedQuery {
  /** Character offsets of syntax errors; empty when the query parses. */
  errors: number[];
  /** Metric names selected (PromQL only): `name{...}` and `{__name__="name"}`. */
  metrics: string[];
}

function errorOffsets(tree: Tree): number[] {
  const errors: number[] = [];
  tree.iterate({ enter: (node) => { if (node.type.isError) errors.push(node.from); } });
  return errors;
}

function unquote(literal: string): string {
  try {
    return literal.startsWith('`') ? literal.slice(1, -1) : (JSON.parse(literal.startsWith("'") ? `"${literal.slice(1, -1)}"` : literal) as string);
  } catch {
    return literal.slice(1, -1);
  }
}

/** `__name__="x"` inside a selector's matchers. */
function nameFromMatcher(node: SyntaxNode, text: string): string | undefined {
  const label = node.getChild('LabelName');
  const op = node.getChild('MatchOp');
  const value = node.getChild('StringLiteral');
  if (!label || !op || !value || text.slice(label.from, label.to) !== '__name__') return undefined;
  return op.getChild('EqlSingle') ? unquote(text.slice(value.from, value.to)) : undefined;
}

function metricNames(tree: Tree, text: string): string[] {
  const names = new Set<string>();
  tree.iterate({
    enter: (ref) => {
      if (ref.name === 'VectorSelector') {
        const identifier = ref.node.getChild('Identifier');
        if (identifier) names.add(text.slice(identifier.from, identifier.to));
      } else if (ref.name === 'UnquotedLabelMatcher') {
        const name = nameFromMatcher(ref.node, text);
        if (name !== undefined) names.add(name);
      }
    },
  });
  return [...names];
}

/** Parse one expression (variables already substituted). */
export function parseQuery(language: QueryLanguage, expr: string): ParsedQuery {
  if (expr.trim() === '') return { errors: [0], metrics: [] };
  const { promql, logql } = queryParsers();
  if (language === 'logql') return { errors: errorOffsets(logql.parse(expr)), metrics: [] };
  const tree = promql.parse(expr);
  return { errors: errorOffsets(tree), metrics: metricNames(tree, expr) };
}
