// The PromQL and LogQL grammars load on the first query, from the CommonJS file the build puts
// beside the bundle (dist/bundle/query-parsers.cjs, run after `npm run build`) or the packages.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../src/grafana/parse-query.js';
import { packagePath } from '../../../src/package-files.js';

describe('parseQuery', () => {
  it('finds the metrics a PromQL query selects, and nothing wrong with it', () => {
    expect(parseQuery('promql', 'sum(rate(vllm:num_requests_running{job="x"}[1m])) / on() {__name__="aibench_gpu_power_watts"}')).toEqual({
      errors: [],
      metrics: ['vllm:num_requests_running', 'aibench_gpu_power_watts'],
    });
  });

  it('gives the offset of a syntax error, in PromQL and LogQL', () => {
    expect(parseQuery('promql', 'max(x{a="1"} < 5').errors.length).toBeGreaterThan(0);
    expect(parseQuery('logql', '{job="a"} |= "x"').errors).toEqual([]);
    expect(parseQuery('logql', '{job="a" |= ').errors.length).toBeGreaterThan(0);
    expect(parseQuery('promql', '  ')).toEqual({ errors: [0], metrics: [] });
  });

  it('ships the grammars built, and loads them only when a query is parsed', () => {
    expect(existsSync(packagePath('dist', 'bundle', 'query-parsers.cjs'))).toBe(true);
    // A fresh process that imports the module (tsc output) but parses nothing has not loaded the grammars.
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
      import { createRequire } from 'node:module';
      const cache = createRequire(import.meta.url).cache;
      const has = () => Object.keys(cache).some((k) => k.endsWith('query-parsers.cjs'));
      const m = await import(${JSON.stringify(new URL('../../../dist/grafana/parse-query.js', import.meta.url).href)});
      const before = has();
      m.parseQuery('promql', 'up');
      console.log(JSON.stringify({ before, after: has() }));`], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ before: false, after: true });
  });
});
