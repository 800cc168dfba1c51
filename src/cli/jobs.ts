// `aibench jobs ...`: Slurm jobs on a cluster. Each action: parse -> validate -> one core call -> render.
// Exit codes come from thrown errors: sbatch rejections and failed jobs are SlurmError (1), bad
// flags UsageError (2); `jobs wait --until done` exits 0 only for COMPLETED.
import { Command, Option } from 'commander';
import { reconnectBudgetMs } from '../config/cluster.js';
import { SlurmError } from '../errors.js';
import { escapeControl } from '../report/escape.js';
import { createOutput } from '../report/output.js';
import { cancelJobs } from '../slurm/cancel.js';
import { parseJobIds } from '../slurm/job-id.js';
import { listJobs } from '../slurm/list.js';
import { jobLogs } from '../slurm/logs.js';
import { type JobReport } from '../slurm/status-merge.js';
import { jobStatus } from '../slurm/status.js';
import { readJobRecord, submitJob } from '../slurm/submit.js';
import { waitForJob, type WaitUntil } from '../slurm/wait.js';
import { onCluster, useInterrupt } from './context.js';
import { LogsFlagsSchema, SubmitFlagsSchema, WaitFlagsSchema, parseFlags, submitInput, timeoutMs } from './jobs-options.js';
import { renderListTable, renderStatusTable, stateText } from './jobs-render.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const clusterOption = () => new Option('--cluster <name>', 'cluster from the config (default: default_cluster or local)');
const example = (line: string) => `\nExample:\n  $ ${line}`;


/** The `jobs` command group. */
export function buildJobsCommand(): Command {
  const jobs = new Command('jobs').description('submit, inspect, wait for, cancel and read Slurm jobs (HF cache exported to every job)');
  for (const build of [submitCommand, lsCommand, statusCommand, waitCommand, cancelCommand, logsCommand]) jobs.addCommand(build());
  return jobs;
}

function submitCommand(): Command {
  return new Command('submit')
    .description('submit a batch job; prints the job id (with --json: job_id, cluster, script_path, output_path)')
    .addOption(clusterOption())
    .option('--script <file>', 'local script whose text becomes the job body (#SBATCH lines: use flags instead)')
    .option('--wrap <cmd>', 'shell command to run as the job body')
    .option('--name <name>', 'job name (default: aibench-job)')
    .option('--partition <p>', 'partition (default: the cluster config)')
    .option('--account <a>', 'account (default: the cluster config)')
    .option('--qos <q>', 'quality of service (default: the cluster config)')
    .option('--gres <gres>', 'generic resources, e.g. gpu:1')
    .option('--cpus <n>', 'CPUs per task')
    .option('--mem <size>', 'memory per node, e.g. 32G')
    .option('--time <limit>', 'time limit, e.g. 02:00:00 or 30 (minutes)')
    .option('--env <K=V>', 'extra environment for the job (repeatable; written into the job script, so secret-looking names are refused)', collect)
    .option('--secret-env <NAME=FILE>', 'a secret the job reads at start from FILE on the cluster (mode 0600) into NAME; the value is never written anywhere (repeatable)', collect)
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', example(`aibench jobs submit --cluster hpc --gres gpu:1 --time 30 --wrap 'env | grep HF_' --json`))
    .action(async (raw: Record<string, unknown>, cmd: Command) => {
      const flags = parseFlags(SubmitFlagsSchema, raw);
      const input = await submitInput(flags);
      const out = createOutput({ json: flags.json });
      const job = await onCluster(cmd, flags.cluster, (ex, cluster) => submitJob(ex, cluster, input));
      if (flags.json) out.dataJson(job);
      else {
        out.data(job.job_id);
        out.info(escapeControl(`submitted job ${job.job_id} (${job.name}) on ${job.cluster}; output: ${job.output_path}`));
      }
    });
}

function lsCommand(): Command {
  return new Command('ls')
    .description("list aibench's jobs (comment tag or aibench- name) with state, elapsed, node and reason")
    .addOption(clusterOption())
    .option('--all', 'include finished jobs Slurm still remembers')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', example('aibench jobs ls --all --json | jq ".jobs[].state"'))
    .action(async (opts: { cluster?: string; all?: boolean; json?: boolean }, cmd: Command) => {
      const out = createOutput({ json: opts.json });
      const list = await onCluster(cmd, opts.cluster, (ex) => listJobs(ex, { all: opts.all ?? false }));
      if (opts.json) out.dataJson({ jobs: list });
      else if (out.quiet) list.forEach((job) => out.data(job.jobId));
      else if (list.length === 0) out.info('no aibench jobs');
      else out.info(renderListTable(list));
    });
}

function statusCommand(): Command {
  return new Command('status')
    .description('state of jobs from squeue, then sacct, then scontrol (exit code and reasons kept)')
    .argument('<id...>', 'job ids')
    .addOption(clusterOption())
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', example('aibench jobs status 1234 --json | jq -r ".jobs[0].state"'))
    .action(async (rawIds: string[], opts: { cluster?: string; json?: boolean }, cmd: Command) => {
      const ids = parseJobIds(rawIds);
      const out = createOutput({ json: opts.json });
      const reports = await onCluster(cmd, opts.cluster, async (ex, cluster) => {
        const submittedAt: Record<string, number> = {};
        for (const id of ids) {
          const record = await readJobRecord(ex, cluster.paths.state_dir, id);
          if (record) submittedAt[id] = Date.parse(record.submitted_at);
        }
        return jobStatus(ex, ids, { submittedAt });
      });
      if (opts.json) out.dataJson({ jobs: reports });
      else out.info(renderStatusTable(reports));
    });
}

/** Throw unless the final state is what `--until` asked for. */
function judgeWait(until: WaitUntil, report: JobReport): void {
  const ok = until === 'done' ? report.state === 'COMPLETED' : ['RUNNING', 'COMPLETING', 'COMPLETED'].includes(report.state);
  if (ok) return;
  throw new SlurmError(`Job ${report.jobId} ended ${stateText(report)}${report.reason ? ` (${report.reason})` : ''}`, {
    code: 'E_SLURM_JOB_FAILED',
    hint: `See its output: aibench jobs logs ${report.jobId}`,
  });
}

function waitCommand(): Command {
  return new Command('wait')
    .description('wait until a job runs or ends; with --until done exit 0 only if it COMPLETED, else 1')
    .argument('<id>', 'job id')
    .addOption(clusterOption())
    .option('--until <when>', 'running | done', 'done')
    .option('--timeout <duration>', 'give up after this long, e.g. 30s, 10m, 1h (exit 1)')
    .option('--json', 'print the final status as one JSON document on stdout')
    .addHelpText('after', example('aibench jobs wait 1234 --until running --timeout 10m'))
    .action(async (rawId: string, raw: { cluster?: string } & Record<string, unknown>, cmd: Command) => {
      const { cluster: clusterName, ...rest } = raw;
      const flags = parseFlags(WaitFlagsSchema, rest);
      const [id = ''] = parseJobIds([rawId]);
      const limit = timeoutMs(flags.timeout);
      const out = createOutput({ json: flags.json });
      const signal = useInterrupt();
      const report = await onCluster(cmd, clusterName as string | undefined, async (ex, cluster) => {
        const record = await readJobRecord(ex, cluster.paths.state_dir, id);
        return waitForJob(ex, id, {
          until: flags.until,
          signal,
          reconnectMs: reconnectBudgetMs(cluster),
          ...(limit !== undefined ? { timeoutMs: limit } : {}),
          ...(record ? { submittedAt: Date.parse(record.submitted_at) } : {}),
          onState: (r) => out.info(escapeControl(`job ${r.jobId}: ${stateText(r)}${r.reason ? ` (${r.reason})` : ''}`)),
        });
      });
      if (flags.json) out.dataJson(report);
      judgeWait(flags.until, report);
    });
}

function cancelCommand(): Command {
  return new Command('cancel')
    .description('cancel jobs and wait until Slurm no longer runs them')
    .argument('<id...>', 'job ids')
    .addOption(clusterOption())
    .option('--json', 'print the final states as one JSON document on stdout')
    .addHelpText('after', example('aibench jobs cancel 1234 1235'))
    .action(async (rawIds: string[], opts: { cluster?: string; json?: boolean }, cmd: Command) => {
      const ids = parseJobIds(rawIds);
      const out = createOutput({ json: opts.json });
      const signal = useInterrupt();
      const reports = await onCluster(cmd, opts.cluster, (ex, cluster) => cancelJobs(ex, ids, { signal, reconnectMs: reconnectBudgetMs(cluster) }));
      if (opts.json) out.dataJson({ jobs: reports });
      else for (const r of reports) out.info(`job ${r.jobId}: ${stateText(r)}`);
    });
}

function logsCommand(): Command {
  return new Command('logs')
    .description("print a job's output (stdout and stderr); --follow keeps printing until the job ends")
    .argument('<id>', 'job id')
    .addOption(clusterOption())
    .option('-f, --follow', 'keep printing new output until the job ends')
    .option('-n, --lines <n>', 'lines from the end to start with', '50')
    .addHelpText('after', example('aibench jobs logs 1234 --follow --lines 100'))
    .action(async (rawId: string, raw: { cluster?: string } & Record<string, unknown>, cmd: Command) => {
      const { cluster: clusterName, ...rest } = raw;
      const flags = parseFlags(LogsFlagsSchema, rest);
      const [id = ''] = parseJobIds([rawId]);
      const signal = useInterrupt();
      await onCluster(cmd, clusterName as string | undefined, (ex, cluster) =>
        jobLogs(ex, cluster.paths.state_dir, id, {
          lines: flags.lines,
          follow: flags.follow ?? false,
          signal,
          write: (text) => process.stdout.write(text),
        }),
      );
    });
}
