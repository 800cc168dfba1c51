// `aibench dashboards build` and `dashboards check`: parse -> validate -> one core call -> render.
import { Command } from 'commander';
import { writeDashboards } from '../grafana/build.js';
import { checkDashboards, readDashboardDir, type CheckReport } from '../grafana/check.js';
import { DashboardError, UsageError } from '../errors.js';
import { packagePath } from '../package-files.js';
import { createOutput, type Output } from '../report/output.js';

interface CheckFlags {
  dir: string;
  prometheus?: string;
  var?: string[];
  json?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `--var name=value` pairs -> a map; a malformed pair is a usage error. */
export function parseVarFlags(pairs: string[] = []): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (!match) throw new UsageError(`--var: expected name=value, got ${JSON.stringify(pair)}`);
    values[match[1]!] = match[2]!;
  }
  return values;
}

function validateUrl(url: string | undefined): void {
  if (url === undefined) return;
  if (!/^https?:\/\/[^\s/]+/.test(url)) throw new UsageError(`--prometheus: expected an http(s) URL, got ${JSON.stringify(url)}`);
}

function render(report: CheckReport, output: Output, withPrometheus: boolean): void {
  if (output.json) return output.dataJson(report);
  for (const query of report.queries) {
    const status = query.problems.length > 0 ? 'FAIL' : 'ok  ';
    const series = withPrometheus && query.series !== undefined ? ` (${query.series} series)` : '';
    output.info(`${status} ${query.dashboard}: ${query.where}${series}`);
    for (const problem of query.problems) output.info(`     ${problem}`);
  }
  output.info(`${report.queries.length} queries in ${report.dashboards.length} dashboards, ${report.problems.length} problems`);
}

/** The `dashboards` command group. */
export function buildDashboardsCommand(): Command {
  const dashboards = new Command('dashboards').description('generate the Grafana dashboards and check their queries');
  dashboards.addCommand(
    new Command('build')
      .description('write administration.json, service.json, benchmark.json and Grafana provisioning files')
      .option('--out <dir>', 'output directory (default: the dashboards shipped with aibench)', packagePath('dashboards'))
      .addHelpText('after', '\nExample:\n  $ aibench dashboards build --out dashboards/')
      .action(async (flags: { out: string }) => {
        const output = createOutput({});
        const written = await writeDashboards(flags.out);
        for (const path of written) output.data(path);
      }),
  );
  dashboards.addCommand(
    new Command('check')
      .description('parse every PromQL/LogQL query, verify metric names, and with --prometheus run each query')
      .option('--dir <dir>', 'directory holding the dashboard JSON (default: the dashboards shipped with aibench)', packagePath('dashboards'))
      .option('--prometheus <url>', 'run every PromQL query against this Prometheus and report empty results')
      .option('--var <name=value>', 'pin a template variable (repeatable), e.g. service_id=svc-1', collect)
      .option('--json', 'print the report as one JSON document on stdout')
      .addHelpText('after', '\nExample:\n  $ aibench dashboards check --dir dashboards/ --prometheus http://127.0.0.1:9090 --var service_id=svc-1')
      .action(async (flags: CheckFlags) => {
        validateUrl(flags.prometheus);
        const variables = parseVarFlags(flags.var);
        const output = createOutput({ json: flags.json });
        const models = await readDashboardDir(flags.dir);
        const report = await checkDashboards(models, { ...(flags.prometheus ? { prometheusUrl: flags.prometheus } : {}), variables });
        render(report, output, flags.prometheus !== undefined);
        if (!report.ok) throw new DashboardError(`dashboards check found ${report.problems.length} problems`, { hint: report.problems.slice(0, 5).join('\n') });
      }),
  );
  return dashboards;
}
