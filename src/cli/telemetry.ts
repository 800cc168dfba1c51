// `aibench telemetry agent` (on compute nodes, inside service jobs) and `telemetry
// prometheus-config` (for the central monitoring host): parse -> validate -> one core call.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { parseTimeoutSpec } from '../bench/spec/duration.js';
import { localStateDir } from '../config/paths.js';
import { ExecError, UsageError } from '../errors.js';
import { createOutput } from '../report/output.js';
import { runAgent, type AgentOptions } from '../telemetry/agent.js';
import { renderPrometheusConfig } from '../telemetry/prometheus-config.js';
import { createAgentRegistry } from '../telemetry/registry.js';
import { createSampler } from '../telemetry/sampler.js';
import { useStopSignal } from './context.js';
import { parseFlags } from './jobs-options.js';

const httpUrl = z.string().refine((u) => /^https?:\/\/[^/]/.test(u), 'expected an http(s):// URL');

const AgentFlagsSchema = z.strictObject({
  pushgateway: httpUrl.optional(),
  remoteWrite: httpUrl.optional(),
  interval: z.string().default('5s'),
  spoolDir: z.string().min(1).optional(),
  spoolMaxMb: z.string().regex(/^\d+(\.\d+)?$/, 'expected megabytes as a number > 0').transform(Number).pipe(z.number().positive('expected megabytes > 0')).default(100),
  retryMax: z.string().default('30s'),
  slurmJobId: z.string().optional(),
  serviceId: z.string().optional(),
  instance: z.string().min(1).optional(),
  nvidiaSmi: z.string().min(1).optional(),
  once: z.boolean().optional(),
  json: z.boolean().optional(),
});

type AgentFlags = z.input<typeof AgentFlagsSchema>;

/** Flags + environment -> agent options (pure; SLURM_JOB_ID and AIBENCH_SERVICE_ID fill what flags leave out). */
export function agentOptionsFromFlags(flags: AgentFlags, env: NodeJS.ProcessEnv = process.env): AgentOptions & { once: boolean } {
  const f = parseFlags(AgentFlagsSchema, flags);
  if (!f.once && !f.pushgateway && !f.remoteWrite) throw new UsageError('Expected --pushgateway URL and/or --remote-write URL (or --once), got neither');
  const serviceId = f.serviceId ?? env.AIBENCH_SERVICE_ID ?? '';
  return {
    pushgatewayUrl: f.pushgateway,
    remoteWriteUrl: f.remoteWrite,
    intervalMs: parseTimeoutSpec(f.interval, 'interval'),
    spoolDir: f.spoolDir ?? join(localStateDir(env), 'telemetry-spool', serviceId || 'default'),
    spoolMaxBytes: Math.round(f.spoolMaxMb * 1024 * 1024),
    backoff: { maxMs: parseTimeoutSpec(f.retryMax, 'retry-max') },
    host: f.instance ?? hostname().split('.')[0]!,
    slurmJobId: f.slurmJobId ?? env.SLURM_JOB_ID ?? '',
    serviceId,
    nvidiaSmi: f.nvidiaSmi,
    once: Boolean(f.once),
  };
}

/** The `telemetry` command group. */
export function buildTelemetryCommand(): Command {
  const telemetry = new Command('telemetry').description('GPU telemetry: the nvidia-smi agent and the Prometheus side of it');
  telemetry.addCommand(
    new Command('agent')
      .description('sample nvidia-smi every interval and send to a Pushgateway and/or Prometheus remote-write, spooling to disk while they are unreachable')
      .option('--pushgateway <url>', 'Pushgateway base URL (latest values; the group is deleted on a clean stop)')
      .option('--remote-write <url>', 'remote-write URL, e.g. http://login1:9090/api/v1/write (every sample at its own timestamp)')
      .option('--interval <duration>', 'sampling interval (5s, 1s, 1m)', '5s')
      .option('--spool-dir <dir>', 'spool directory (default: $XDG_STATE_HOME/aibench/telemetry-spool/<service-id>)')
      .option('--spool-max-mb <n>', 'spool size cap; the oldest samples are dropped beyond it', '100')
      .option('--retry-max <duration>', 'longest backoff between retries to an unreachable sink', '30s')
      .option('--slurm-job-id <id>', 'grouping label (default: $SLURM_JOB_ID)')
      .option('--service-id <id>', 'grouping label (default: $AIBENCH_SERVICE_ID)')
      .option('--instance <host>', 'instance / host label (default: short hostname)')
      .option('--nvidia-smi <path>', 'nvidia-smi binary', 'nvidia-smi')
      .option('--once', 'take one sample, print it and exit (no sink needed)')
      .option('--json', 'with --once: print the sample and its series as JSON on stdout')
      .addHelpText('after', '\nExample:\n  $ aibench telemetry agent --pushgateway http://login1:9091 --remote-write http://login1:9090/api/v1/write --interval 5s --service-id svc-42')
      .action(async (flags: AgentFlags) => {
        const options = agentOptionsFromFlags(flags);
        if (options.once) return printOnce(options, Boolean(flags.json));
        await runAgent(options, useStopSignal());
      }),
  );
  telemetry.addCommand(
    new Command('prometheus-config')
      .description('print the Prometheus scrape config for the Pushgateway and the remote-write receiver settings')
      .option('--pushgateway-target <host:port>', 'the Pushgateway as Prometheus reaches it', '127.0.0.1:9091')
      .addHelpText('after', '\nExample:\n  $ aibench telemetry prometheus-config --pushgateway-target 127.0.0.1:9091 >> prometheus.yml')
      .action((flags: { pushgatewayTarget: string }) => {
        createOutput().data(renderPrometheusConfig({ pushgatewayTarget: flags.pushgatewayTarget }));
      }),
  );
  return telemetry;
}

// --once: one sample on stdout (JSON or the exposition text), exit 1 when nvidia-smi gave nothing.
async function printOnce(options: AgentOptions, json: boolean): Promise<void> {
  const out = createOutput({ json });
  const sample = await createSampler({ nvidiaSmi: options.nvidiaSmi, onProblem: (line) => out.warn(line) }).sample();
  if (!sample) throw new ExecError('No GPU sample: nvidia-smi is missing, failed or printed no GPU', { hint: 'Run nvidia-smi on this node, or pass --nvidia-smi PATH.' });
  const reg = createAgentRegistry({ host: options.host });
  reg.observe(sample);
  if (json) out.dataJson({ host: options.host, timestamp_ms: sample.timestampMs, gpus: sample.gpus, processes: sample.processes, series: await reg.snapshot() });
  else out.data(await reg.registry.metrics());
}
