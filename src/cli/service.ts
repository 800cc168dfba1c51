// `aibench service ...`: vLLM services as Slurm jobs. Each action: parse -> validate -> one core
// call (src/service/) -> render. Data (--json, model ids) on stdout; progress and tables on stderr.
import { Command, Option } from 'commander';
import { parseTimeoutSpec } from '../bench/spec/duration.js';
import type { Config } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { escapeControl } from '../report/escape.js';
import { createOutput, type Output } from '../report/output.js';
import type { ServiceProgress, ServiceRecord, StopResult } from '../service/index.js';
import { partialError, progressRenderer, renderServiceTable, renderVram, serviceListDocument } from './service-render.js';
import { startInput } from './service-options.js';
import { configFor, useInterrupt } from './context.js';
import { printModelsAnswer } from './models-answer.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const example = (line: string) => `\nExample:\n  $ ${line}`;
const clusterOption = () => new Option('--cluster <name>', 'cluster from the config (default: default_cluster or local)');

const config = async (cmd: Command): Promise<Config> => (await configFor(cmd)).config;
// The service core (SSH, undici, Slurm) loads inside actions: a cached `service models` needs none of it.
const core = () => import('../service/index.js');

/** The `service` command group. */
export function buildServiceCommand(): Command {
  const service = new Command('service').description('start, list, inspect and stop vLLM services running as Slurm jobs');
  for (const build of [startCommand, waitCommand, lsCommand, statusCommand, stopCommand, logsCommand, modelsCommand]) service.addCommand(build());
  return service;
}

function startCommand(): Command {
  return new Command('start')
    .description('submit a vLLM service job and wait until it serves the model (PENDING -> RUNNING -> /health -> /v1/models -> READY); the model is checked in the HF cache and its VRAM estimated first')
    .requiredOption('--model <name>', 'model to serve (HF id or path)')
    .addOption(clusterOption())
    .option('--name <id>', 'service id, or group id with --replicas (default: model name + random suffix)')
    .option('--gpus <n|auto>', 'GPUs per node (gres gpu:N; 0 = none); auto: the fewest the VRAM estimate fits in', '0')
    .option('--nodes <n>', 'nodes (more than 1: vLLM over a Ray cluster in the allocation; default tensor parallel = GPUs per node, pipeline parallel = nodes)')
    .option('--tensor-parallel-size <n>', "vLLM's --tensor-parallel-size (checked against the GPUs)")
    .option('--pipeline-parallel-size <n>', "vLLM's --pipeline-parallel-size")
    .option('--time <limit>', 'Slurm time limit, e.g. 04:00:00 or 240 (minutes)')
    .option('--partition <p>', 'partition (default: the cluster config)')
    .option('--account <a>', 'Slurm account (default: the cluster config)')
    .option('--qos <q>', 'Slurm QOS (default: the cluster config)')
    .option('--mem <size>', 'memory per node, e.g. 64G')
    .option('--constraint <features>', 'node features, e.g. a100 or h100|a100')
    .option('--exclusive', 'whole nodes for the job')
    .option('--vllm-arg <arg>', 'extra argument for the server, one word each (repeatable), e.g. --vllm-arg=--max-model-len=4096', collect)
    .option('--api-key-file <file>', 'key file ON THE CLUSTER, mode 0600: the job exports it as VLLM_API_KEY; clients send it as Bearer')
    .option('--telemetry', "run the GPU telemetry agent inside the job, sending to the cluster config's telemetry.pushgateway_url / remote_write_url; it stops with the job")
    .option('--retry-oom <n>', 'resubmit a start that runs out of GPU memory up to N times, lowering --gpu-memory-utilization, then --max-model-len')
    .option('--replicas <n>', 'start N independent services as one group (`bench run --service GROUP` spreads requests over them)')
    .option('--no-model-check', 'skip the HF cache check and the VRAM estimate before submitting')
    .option('--no-wait', 'return once submitted')
    .option('--timeout <duration>', 'give up waiting after this long, per attempt (the job keeps running)', '20m')
    .option('--json', 'print the service record (a group: {group, services}) as one JSON document on stdout')
    .addHelpText('after', example('aibench service start --cluster hpc --model meta-llama/Llama-3.1-70B-Instruct --gpus auto --retry-oom 2 --time 04:00:00'))
    .action(async (flags: Record<string, unknown>, cmd: Command) => {
      const { cluster, json, input } = startInput(flags);
      const out = createOutput({ json });
      const cfg = await config(cmd);
      const { onServiceCluster, startServiceGroup } = await core();
      await untilServing(out, json, (hooks) => onServiceCluster(cfg, cluster, (target) => startServiceGroup(target, input, hooks)));
    });
}

function waitCommand(): Command {
  return new Command('wait')
    .description('wait until a submitted service serves (after start --no-wait, or a start that timed out); Ctrl-C stops waiting, not the job')
    .argument('<id>', 'service id')
    .option('--timeout <duration>', 'give up waiting after this long (the job keeps running)', '20m')
    .option('--json', 'print the service record as one JSON document on stdout')
    .addHelpText('after', example('aibench service start --model facebook/opt-125m --no-wait --json | jq -r .id | xargs aibench service wait'))
    .action(async (id: string, flags: { timeout: string; json?: boolean }, cmd: Command) => {
      const timeoutMs = parseTimeoutSpec(flags.timeout, '--timeout');
      const out = createOutput({ json: flags.json });
      const cfg = await config(cmd);
      const { onServiceCluster, serviceStatus, ServiceStore, waitService } = await core();
      const store = new ServiceStore();
      const current = await serviceStatus(cfg, id, { store }); // reconciled; an unknown id lists the known ones
      await untilServing(out, flags.json, async (hooks) => ({ services: [await onServiceCluster(cfg, current.cluster, (target) => waitService(target, current, { timeoutMs }, { ...hooks, store }))] }));
    });
}

interface ServingHooks {
  signal: AbortSignal;
  onProgress: (e: ServiceProgress) => void;
  /** Trouble that does not end the wait (an SSH drop being retried, a target file not written). */
  onWarning: (line: string) => void;
}

/** Run a start or wait with progress and Ctrl-C, then print the record (id on stdout, or --json); a group prints its id and every replica. */
async function untilServing(out: Output, json: boolean | undefined, run: (hooks: ServingHooks) => Promise<{ group?: string; services: ServiceRecord[] }>): Promise<void> {
  const progress = await progressRenderer(out);
  const signal = useInterrupt();
  let started: { group?: string; services: ServiceRecord[] };
  try {
    started = await run({ signal, onProgress: progress.update, onWarning: (line) => out.warn(escapeControl(line)) });
  } finally {
    progress.stop();
  }
  const { group, services } = started;
  if (json) return out.dataJson(group === undefined ? services[0] : { group, services });
  out.data(group ?? services[0]?.id ?? '');
  for (const record of services) {
    out.info(record.status === 'READY' ? `service ${record.id} READY at ${record.endpoint?.host}:${record.endpoint?.port} (job ${record.job_id})` : `service ${record.id} submitted as job ${record.job_id}`);
  }
  if (group !== undefined) out.info(`group ${group}: ${services.length} replicas (aibench bench run --service ${group}; aibench service stop ${group})`);
}

function lsCommand(): Command {
  return new Command('ls')
    .description('list services, reconciled with Slurm (a service whose job ended or vanished is STOPPED, FAILED or LOST); a cluster that does not answer is named, its services shown as last known, exit 5')
    .addOption(clusterOption())
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', example('aibench service ls --json | jq -r \'.services[] | select(.status=="READY") | .id\''))
    .action(async (opts: { cluster?: string; json?: boolean }, cmd: Command) => {
      const out = createOutput({ json: opts.json });
      const { surveyServices } = await core();
      const survey = await surveyServices(await config(cmd), { cluster: opts.cluster });
      for (const u of survey.unreachable) out.warn(escapeControl(`cluster ${u.cluster} did not answer: ${u.error.message}`));
      if (opts.json) out.dataJson(serviceListDocument(survey));
      else if (out.quiet) survey.services.forEach((s) => out.data(s.id));
      else if (survey.services.length === 0) out.info('no services');
      else out.info(renderServiceTable(survey.services, new Set(survey.unreachable.map((u) => u.cluster))));
      if (survey.unreachable.length > 0) throw partialError(survey);
    });
}

function statusCommand(): Command {
  return new Command('status')
    .description("one service's record (or every replica of a group), reconciled with Slurm; a READY service's GPU memory is measured next to its estimate")
    .argument('<id>', 'service or group id')
    .option('--json', 'print the record (a group: {group, services}) as one JSON document on stdout')
    .addHelpText('after', example('aibench service status opt-125m-1a2b3c --json | jq -r .status'))
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const out = createOutput({ json: opts.json });
      const { serviceGroupStatus } = await core();
      const records = await serviceGroupStatus(await config(cmd), id, { measure: true });
      const group = records.length > 1 || (records[0]?.group === id && records[0]?.id !== id) ? id : undefined;
      if (opts.json) out.dataJson(group === undefined ? records[0] : { group, services: records });
      else {
        out.info(renderServiceTable(records));
        for (const record of records) {
          if (record.reason) out.info(escapeControl(`reason ${record.id}: ${record.reason}`));
          for (const line of renderVram(record)) out.info(escapeControl(line));
        }
      }
    });
}

function stopCommand(): Command {
  return new Command('stop')
    .description('scancel a service job, wait until Slurm no longer runs it, record STOPPED (stopping a stopped one is a no-op); exit 1 naming the job when that cannot be confirmed in time')
    .argument('[id]', 'service or group id (a group stops all its replicas)')
    .option('--all', 'stop every service that is not already stopped')
    .option('--timeout <duration>', 'how long to keep trying to confirm each job gone', '60s')
    .option('--json', 'print the final records as one JSON document on stdout')
    .addHelpText('after', example('aibench service stop opt-125m-1a2b3c'))
    .action(async (id: string | undefined, opts: { all?: boolean; timeout: string; json?: boolean }, cmd: Command) => {
      if ((id === undefined) === !opts.all) throw new UsageError('service stop: expected a service id or --all, not both or neither');
      const timeoutMs = parseTimeoutSpec(opts.timeout, '--timeout');
      const out = createOutput({ json: opts.json });
      const cfg = await config(cmd);
      const { isFinalStatus, onServiceCluster, resolveServices, ServiceStore, stopService } = await core();
      const store = new ServiceStore();
      // A group id stops every replica of it.
      const all = await store.read();
      const records = opts.all ? Object.values(all).filter((r) => !isFinalStatus(r.status)) : resolveServices(all, id ?? '');
      const signal = useInterrupt();
      const results: StopResult[] = [];
      const stop = (record: ServiceRecord) => onServiceCluster(cfg, record.cluster, (target) => stopService(target, record, { store, signal, onWarning: (line) => out.warn(escapeControl(line)) }, { timeoutMs }));
      for (const record of records) results.push(await stop(record));
      if (opts.json) out.dataJson({ services: results.map((r) => ({ ...r.record, already_stopped: r.alreadyStopped })) });
      if (results.length === 0) out.info('no running services');
      for (const { record, alreadyStopped } of results) {
        out.info(escapeControl(alreadyStopped ? `service ${record.id} is already ${record.status}; nothing to do` : `service ${record.id} stopped (job ${record.job_id || 'none'} ${record.job_state ?? record.reason ?? 'gone'})`));
      }
    });
}

function logsCommand(): Command {
  return new Command('logs')
    .description("print a service job's log (server stdout and stderr); --follow keeps printing until the job ends")
    .argument('<id>', 'service id')
    .option('-f, --follow', 'keep printing new output until the job ends')
    .option('-n, --lines <n>', 'lines from the end to start with', '50')
    .addHelpText('after', example('aibench service logs opt-125m-1a2b3c --follow --lines 100'))
    .action(async (id: string, opts: { follow?: boolean; lines: string }, cmd: Command) => {
      if (!/^\d+$/.test(opts.lines)) throw new UsageError(`--lines: expected a whole number of lines >= 0, got ${JSON.stringify(opts.lines)}`);
      const signal = useInterrupt();
      const { serviceLogs } = await core();
      await serviceLogs(await config(cmd), id, { lines: Number(opts.lines), follow: opts.follow ?? false, signal, write: (t) => process.stdout.write(t) });
    });
}

function modelsCommand(): Command {
  return new Command('models')
    .description("the service's models (GET /v1/models), from a TTL cache (models_cache_ttl_s) when fresh; the last known list when unreachable")
    .argument('<id>', 'service id')
    .option('--refresh', 'ask the server even when the cache is fresh')
    .option('--json', 'print one JSON document on stdout (models, cached, stale, fetched_at)')
    .addHelpText('after', example('aibench service models opt-125m-1a2b3c --json | jq -r ".models[]"'))
    .action(async (id: string, opts: { refresh?: boolean; json?: boolean }, cmd: Command) => {
      const out = createOutput({ json: opts.json });
      const { serviceModels } = await import('../service/models.js');
      printModelsAnswer(out, id, await serviceModels(await config(cmd), id, { refresh: opts.refresh ?? false }));
    });
}
