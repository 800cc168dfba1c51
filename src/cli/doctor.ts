// `aibench doctor`: parse -> resolve cluster -> run checks -> render.
import { Command } from 'commander';
import { failedRequired, runDoctor, type CheckResult } from '../doctor/checks.js';
import { AibenchError, ExitCode } from '../errors.js';
import { createExecutor } from '../exec/create.js';
import { createOutput } from '../report/output.js';
import { renderTable } from '../report/table.js';
import { clusterFor } from './context.js';

const MARK: Record<CheckResult['status'], string> = { pass: 'ok', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

/** The `doctor` command. */
export function buildDoctorCommand(): Command {
  return new Command('doctor')
    .description('check that a cluster can run aibench work (SSH, Slurm, shared dirs)')
    .option('--cluster <name>', 'cluster from the config (default: default_cluster or local)')
    .option('--json', 'print the checks as one JSON document on stdout')
    .addHelpText('after', '\nExample:\n  $ aibench doctor --cluster hpc --json | jq .ok')
    .action(async (opts: { cluster?: string; json?: boolean }, cmd: Command) => {
      const cluster = await clusterFor(cmd, opts.cluster);
      const out = createOutput({ json: opts.json });
      const executor = await createExecutor(cluster);
      let results: CheckResult[];
      try {
        results = await runDoctor(executor, cluster);
      } finally {
        await executor.close();
      }
      const failed = failedRequired(results);
      if (opts.json) {
        out.dataJson({ cluster: cluster.name, executor: cluster.executor, ok: failed.length === 0, checks: results });
      } else {
        const rows = results.map((r) => [MARK[r.status], r.title, r.detail, r.status === 'fail' ? (r.hint ?? '') : '']);
        out.info(renderTable(['', 'check', 'detail', 'fix'], rows, { title: `aibench doctor: cluster ${cluster.name}` }));
      }
      if (failed.length > 0) {
        throw new AibenchError(`${failed.length} required check${failed.length > 1 ? 's' : ''} failed: ${failed.map((f) => f.id).join(', ')}`, {
          code: 'E_DOCTOR',
          exitCode: ExitCode.FAILED,
          hint: failed[0]!.hint,
        });
      }
      out.info(`all required checks passed on ${cluster.name}`);
    });
}
