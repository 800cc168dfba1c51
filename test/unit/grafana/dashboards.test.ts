import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TELEMETRY_METRIC_NAMES } from '../../../src/common/metric-catalog.js';
import { buildDashboards, generatedFiles } from '../../../src/grafana/build.js';
import { checkDashboards, checkQuery } from '../../../src/grafana/check.js';
import { dashboardVariables, extractQueries } from '../../../src/grafana/extract.js';
import { GRID_COLUMNS } from '../../../src/grafana/layout.js';
import { substituteVariables } from '../../../src/grafana/substitute.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const dashboards = buildDashboards();

interface GridPanel { title: string; gridPos: { x: number; y: number; w: number; h: number } }

describe('generated dashboards', () => {
  it('committed files equal what `dashboards build` generates (run `aibench dashboards build` after changing src/grafana)', async () => {
    for (const [relative, text] of Object.entries(generatedFiles())) {
      expect(await readFile(resolve(ROOT, 'dashboards', relative), 'utf8'), relative).toBe(text);
    }
  });

  it.each(Object.entries(dashboards))('%s: now-30m..now, stable uid, the common variables', (_name, model) => {
    const m = model as { time: { from: string; to: string }; uid: string };
    expect(m.time).toEqual({ from: 'now-30m', to: 'now' });
    expect(m.uid).toMatch(/^aibench-[a-z]+$/);
    const names = dashboardVariables(model).map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(['prometheus', 'loki', 'service_id', 'job_id']));
    const jobId = dashboardVariables(model).find((v) => v.name === 'job_id');
    expect(jobId?.query).toMatch(/^label_values\(.*service_id="\$service_id".*, slurm_job_id\)$/);
  });

  it.each(Object.entries(dashboards))('%s: panels inside 24 columns, no overlaps, unique ids', (_name, model) => {
    const panels = (model as { panels: Array<GridPanel & { id: number }> }).panels;
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) {
      expect(p.gridPos.x).toBeGreaterThanOrEqual(0);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(GRID_COLUMNS);
    }
    for (const [i, a] of panels.entries()) {
      for (const b of panels.slice(i + 1)) {
        const overlap = a.gridPos.x < b.gridPos.x + b.gridPos.w && b.gridPos.x < a.gridPos.x + a.gridPos.w
          && a.gridPos.y < b.gridPos.y + b.gridPos.h && b.gridPos.y < a.gridPos.y + a.gridPos.h;
        expect(overlap, `${a.title} overlaps ${b.title}`).toBe(false);
      }
    }
  });

  it('every query parses after substitution and names only known metrics', async () => {
    const report = await checkDashboards(dashboards);
    expect(report.problems).toEqual([]);
    const languages = new Set(report.queries.map((q) => q.language));
    expect(languages).toEqual(new Set(['promql', 'logql']));
  });

  it('log panels filter by the selected job', () => {
    const logs = Object.entries(dashboards).flatMap(([name, model]) => extractQueries(name, model)).filter((q) => q.language === 'logql');
    expect(logs.length).toBeGreaterThanOrEqual(2);
    for (const q of logs) expect(q.expr).toContain('slurm_job_id="${job_id}"');
  });

  it('every telemetry query takes each series once, whichever sinks delivered it (via label)', async () => {
    const report = await checkDashboards(dashboards);
    const telemetry = report.queries.filter((q) => q.metrics.some((m) => TELEMETRY_METRIC_NAMES.includes(m)));
    expect(telemetry.length).toBeGreaterThanOrEqual(7);
    for (const q of telemetry) {
      for (const name of q.metrics) {
        expect(q.expr, q.where).toContain(`(${name}{`);
        expect(q.expr, q.where).toMatch(new RegExp(`${name}\\{[^}]*via="remote_write"\\} or ignoring\\(via\\) ${name}\\{[^}]*via!="remote_write"\\}\\)`));
      }
    }
  });

  it('the service dashboard shows TTFT and ITL quantiles from the histograms', () => {
    const exprs = extractQueries('service.json', dashboards['service.json']).map((q) => q.expr);
    expect(exprs).toContain('histogram_quantile(0.99, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{service_id="$service_id"}[$__rate_interval])))');
    expect(exprs.some((e) => e.includes('vllm:inter_token_latency_seconds_bucket'))).toBe(true);
  });
});

describe('the checker can fail', () => {
  const q = (expr: string, language: 'promql' | 'logql' = 'promql') => ({ dashboard: 'x.json', where: 'panel "t" / A', language, expr });

  it('reports a syntax error', () => {
    expect(checkQuery(q('sum(rate(vllm:num_requests_running[1m])')).problems[0]).toMatch(/promql syntax error/);
    expect(checkQuery(q('{job="slurm"', 'logql')).problems[0]).toMatch(/logql syntax error/);
  });

  it('reports an unknown metric, also when named through __name__', () => {
    expect(checkQuery(q('rate(vllm:made_up_total[5m])')).problems).toEqual([expect.stringMatching(/unknown metric vllm:made_up_total/)]);
    expect(checkQuery(q('{__name__="nope_metric"}')).problems).toEqual([expect.stringMatching(/unknown metric nope_metric/)]);
  });

  it('accepts the documented external names and substituted variables', () => {
    expect(checkQuery(q('count(up{service_id=~"${service_id:regex}"}[$__range])')).problems).toEqual([]);
  });

  it('a dashboard with a broken query makes the report fail', async () => {
    const broken = JSON.parse(JSON.stringify(dashboards["service.json"])) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
    broken.panels[0]!.targets![0]!.expr = 'aibench_gpu_typo_ratio{service_id="$service_id"}';
    const report = await checkDashboards({ 'service.json': broken });
    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toMatch(/unknown metric aibench_gpu_typo_ratio/);
  });
});

describe('substituteVariables', () => {
  it.each([
    ['x{a="$service_id"}', 'x{a="svc"}'],
    ['x{a="${service_id}"}', 'x{a="svc"}'],
    ['x{a=~"${service_id:regex}"}', 'x{a=~"svc"}'],
    ['rate(x[$__rate_interval])', 'rate(x[1m])'],
    ['x{a="[[other]]"}', 'x{a="aibench_check"}'],
  ])('%s -> %s', (input, output) => {
    expect(substituteVariables(input, { service_id: 'svc' })).toBe(output);
  });
});
