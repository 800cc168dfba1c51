// `aibench service ...`: vLLM services as Slurm jobs. Each action: parse -> validate -> one core
// call (src/service/) -> render. Data (--json, model ids) on stdout; progress and tables on stderr.
import { Command, Option } from 'commander';
import { parseTimeoutSpec } from '../bench/spec/duration.js';
import type { Config } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { escapeControl } from '../report/escape.js';
import { createOutput, type Output } from '../report/output.js';
import type { ServiceProgress, ServiceRecord, StopResult } from '../service/index.js';
import { partialError, progressRenderer, renderServiceTable, serviceListDocument } from './service-render.js';
import { configFor, useInterrupt } from './context.js';

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

interface StartFlags {
  model: string;
  cluster?: string;
  name?: string;
  gpus: string;
  time?: string;
  partition?: string;
  vllmArg?: string[];
  apiKeyFile?: string;
  telemetry?: boolean;
  wait: boolean;
  timeout: string;
  json?: boolean;
}

/** --gpus as a whole number >= 0. */
export function parseGpus(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`--gpus: expected a whole number >= 0, got ${JSON.stringify(text)}`);
  return Number(text);
}

function startCommand(): Command {
  return new Command('start')
    .description('submit a vLLM service job and wait until it serves the model (PENDING -> RUNNING -> /health -> /v1/models -> READY)')
    .requiredOption('--model <name>', 'model to serve (HF id or path)')
    .addOption(clusterOption())
    .option('--name <id>', 'service id (default: model name + random suffix)')
    .option('--gpus <n>', 'GPUs for the job (gres gpu:N; 0 = none)', '0')
    .option('--time <limit>', 'Slurm time limit, e.g. 04:00:00 or 240 (minutes)')
    .option('--partition <p>', 'partition (default: the cluster config)')
    .option('--vllm-arg <arg>', 'extra argument for the server, one word each (repeatable), e.g. --vllm-arg=--max-model-len=4096', collect)
    .option('--api-key-file <file>', 'key file ON THE CLUSTER, mode 0600: the job exports it as VLLM_API_KEY; clients send it as Bearer')
    .option('--telemetry', "run the GPU telemetry agent inside the job, sending to the cluster config's telemetry.pushgateway_url / remote_write_url; it stops with the job")
    .option('--no-wait', 'return once submitted')
    .option('--timeout <duration>', 'give up waiting after this long (the job keeps running)', '20m')
    .option('--json', 'print the service record as one JSON document on stdout')
    .addHelpText('after', example('aibench service start --cluster hpc --model facebook/opt-125m --gpus 1 --time 02:00:00 --telemetry --vllm-arg=--max-model-len=2048'))
    .action(async (flags: StartFlags, cmd: Command) => {
      const input = {
        model: flags.model, id: flags.name, gpus: parseGpus(flags.gpus), time: flags.time, partition: flags.partition,
        vllmArgs: flags.vllmArg ?? [], apiKeyFile: flags.apiKeyFile, telemetry: flags.telemetry ?? false, wait: flags.wait, timeoutMs: parseTimeoutSpec(flags.timeout, '--timeout'),
      };
      const out = createOutput({ json: flags.json });
      const cfg = await config(cmd);
      const { onServiceCluster, startService } = await core();
      await untilServing(out, flags.json, (hooks) => onServiceCluster(cfg, flags.cluster, (target) => startService(target, input, hooks)));
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
      await untilServing(out, flags.json, (hooks) => onServiceCluster(cfg, current.cluster, (target) => waitService(target, current, { timeoutMs }, { ...hooks, store })));
    });
}

interface ServingHooks {
  signal: AbortSignal;
  onProgress: (e: ServiceProgress) => void;
  /** Trouble that does not end the wait (an SSH drop being retried, a target file not written). */
  onWarning: (line: string) => void;
}

/** Run a start or wait with progress and Ctrl-C, then print the record (id on stdout, or --json). */
async function untilServing(out: Output, json: boolean | undefined, run: (hooks: ServingHooks) => Promise<ServiceRecord>): Promise<void> {
  const progress = await progressRenderer(out);
  const signal = useInterrupt();
  let record: ServiceRecord;
  try {
    record = await run({ signal, onProgress: progress.update, onWarning: (line) => out.warn(escapeControl(line)) });
  } finally {
    progress.stop();
  }
  if (json) return out.dataJson(record);
  out.data(record.id);
  out.info(record.status === 'READY' ? `service ${record.id} READY at ${record.endpoint?.host}:${record.endpoint?.port} (job ${record.job_id})` : `service ${record.id} submitted as job ${record.job_id}`);
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
    .description("one service's record, reconciled with Slurm")
    .argument('<id>', 'service id')
    .option('--json', 'print the record as one JSON document on stdout')
    .addHelpText('after', example('aibench service status opt-125m-1a2b3c --json | jq -r .status'))
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const out = createOutput({ json: opts.json });
      const { serviceStatus } = await core();
      const record = await serviceStatus(await config(cmd), id);
      if (opts.json) out.dataJson(record);
      else {
        out.info(renderServiceTable([record]));
        if (record.reason) out.info(escapeControl(`reason: ${record.reason}`));
      }
    });
}

function stopCommand(): Command {
  return new Command('stop')
    .description('scancel a service job, wait until Slurm no longer runs it, record STOPPED (stopping a stopped one is a no-op); exit 1 naming the job when that cannot be confirmed in time')
    .argument('[id]', 'service id')
    .option('--all', 'stop every service that is not already stopped')
    .option('--timeout <duration>', 'how long to keep trying to confirm each job gone', '60s')
    .option('--json', 'print the final records as one JSON document on stdout')
    .addHelpText('after', example('aibench service stop opt-125m-1a2b3c'))
    .action(async (id: string | undefined, opts: { all?: boolean; timeout: string; json?: boolean }, cmd: Command) => {
      if ((id === undefined) === !opts.all) throw new UsageError('service stop: expected a service id or --all, not both or neither');
      const timeoutMs = parseTimeoutSpec(opts.timeout, '--timeout');
      const out = createOutput({ json: opts.json });
      const cfg = await config(cmd);
      const { getService, isFinalStatus, onServiceCluster, ServiceStore, stopService } = await core();
      const store = new ServiceStore();
      const records = opts.all ? Object.values(await store.read()).filter((r) => !isFinalStatus(r.status)) : [await getService(store, id ?? '')];
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
      const answer = await serviceModels(await config(cmd), id, { refresh: opts.refresh ?? false });
      if (answer.stale) out.warn(`service ${id} is unreachable; showing the last known list from ${answer.fetched_at}`);
      if (opts.json) out.dataJson(answer);
      else {
        for (const model of answer.models) out.data(escapeControl(model));
        out.info(answer.cached ? `(cached ${answer.source}, fetched ${answer.fetched_at})` : '(fetched from the server)');
      }
    });
}
