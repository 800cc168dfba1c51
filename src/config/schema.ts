// zod schemas for the cluster config file (~/.config/aibench/config.yaml).
// Unknown keys are errors (strictObject) so a typo never silently falls back to a default.
import { z } from 'zod';
import { hasUrlCredentials } from '../common/url-credentials.js';

const absolutePath = z.string().min(1).refine((p) => p.startsWith('/') || p.startsWith('~/'), {
  message: 'expected an absolute path (starting with / or ~/)',
});

/** Slurm defaults applied to every job on the cluster unless a command overrides them. */
const SlurmDefaultsSchema = z.strictObject({
  partition: z.string().min(1).optional(),
  account: z.string().min(1).optional(),
  gres: z.string().min(1).optional(),
  qos: z.string().min(1).optional(),
  time: z.string().min(1).optional(),
});

/** Paths on the cluster side. state_dir must be shared between the login node and compute nodes. */
const PathsSchema = z.strictObject({
  state_dir: absolutePath.optional(),
  hf_home: absolutePath.default('/shared/huggingface'),
  hf_hub_cache: absolutePath.optional(),
});

/** SSH connection: a Host alias from ~/.ssh/config, or explicit fields (explicit fields win). */
export const SshSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional(),
  user: z.string().min(1).optional(),
  identity_file: z.string().min(1).optional(),
  /** Use $SSH_AUTH_SOCK when set (default true). */
  agent: z.boolean().default(true),
  known_hosts_file: z.string().min(1).optional(),
  /** yes: unknown and changed keys are errors. accept-new: trust on first use, changed keys still errors. */
  strict_host_key_checking: z.enum(['yes', 'accept-new']).default('yes'),
  proxy_jump: z.string().min(1).optional(),
  connect_timeout_s: z.number().positive().max(600).default(15),
  keepalive_interval_s: z.number().positive().max(3600).default(15),
  /** Unanswered keepalives before the link counts as dead (noticed within interval x (count + 1)). */
  keepalive_count_max: z.number().int().min(1).max(100).default(3),
  /** How long waits and polls (service start/wait/stop, jobs wait/cancel) retry a dropped connection before giving up. */
  reconnect_timeout_s: z.number().nonnegative().max(3600).default(60),
  /** Read ~/.ssh/config (or this file) for HostName/User/Port/IdentityFile/ProxyJump. */
  ssh_config_file: z.string().min(1).optional(),
});

// No credentials: the URL is written into the job script and the agent's argv (visible in `ps`).
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
  .refine((u) => !hasUrlCredentials(u), { message: 'expected a URL without user:password@ (it would appear in the job script and in ps), got one with credentials' });

/** The GPU telemetry agent that `service start --telemetry` runs inside the service's job. URLs as COMPUTE NODES reach them. */
const TelemetryConfigSchema = z.strictObject({
  /** Pushgateway base URL, e.g. http://login1:9091 (the login node's end of `aibench tunnel`). */
  pushgateway_url: httpUrl.optional(),
  /** Prometheus remote-write URL, e.g. http://login1:9090/api/v1/write (keeps timestamps; spools while down). */
  remote_write_url: httpUrl.optional(),
  /** Sampling interval in seconds. */
  interval_s: z.number().positive().max(3600).default(5),
});

/** Where `bench run --service` places its client: a step in the service's own allocation, or a job on a partition. */
const ClientPlacementSchema = z.strictObject({
  placement: z.enum(['service-allocation', 'partition']).default('service-allocation'),
  /** Partition of client jobs (placement partition); default: the cluster's slurm.partition. */
  partition: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a partition name').optional(),
  /** CPUs per client task (srun --cpus-per-task / sbatch --cpus-per-task). */
  cpus_per_task: z.number().int().min(1).max(1024).optional(),
  /** Time limit of a client job, e.g. "01:00:00". */
  time: z.string().min(1).optional(),
  /** Memory of a client job, e.g. 8G. */
  mem: z.string().regex(/^\d+[KMGTkmgt]?$/, 'expected a memory size like 8G').optional(),
});

/** The GPUs of the cluster's nodes, for VRAM planning (`service start --gpus auto`, `models check`); a partition may differ. */
const GpuShape = { memory_gib: z.number().positive().max(4096).optional(), per_node: z.number().int().min(1).max(64).optional() };
const GpuConfigSchema = z.strictObject({ ...GpuShape, partitions: z.record(z.string(), z.strictObject(GpuShape)).default({}) });

/** A container the service (and its telemetry agent) runs in; the HF cache and state dir are mounted. */
const ContainerSchema = z.strictObject({
  runtime: z.enum(['apptainer', 'enroot']),
  /** apptainer: a .sif file or docker:// URI; enroot: a container name or .sqsh file. */
  image: z.string().min(1).refine((s) => !/[\n\r\0]/.test(s), { message: 'expected no newline or NUL' }),
  /** Extra bind mounts, `SRC` or `SRC:DST` (absolute paths). */
  mounts: z.array(z.string().regex(/^\/[^:\n\r\0]*(:\/[^:\n\r\0]*)?$/, 'expected SRC or SRC:DST with absolute paths')).default([]),
});

const commonCluster = {
  slurm: SlurmDefaultsSchema.default({}),
  paths: PathsSchema.default({ hf_home: '/shared/huggingface' }),
  hf_offline: z.boolean().default(false),
  /** A file holding the HF token; must be mode 0600. Jobs read it; it never enters a script or argv. */
  hf_token_file: z.string().min(1).optional(),
  /** The command a service job execs; `vllm serve` for real GPUs, `aibench sim` for tests. */
  vllm_command: z.string().min(1).default('vllm serve'),
  /** Lines placed before the command in service jobs (module load, conda activate, ...). */
  setup: z.array(z.string()).default([]),
  /** How compute nodes invoke aibench (for the telemetry agent): `aibench`, or `node /opt/aibench/bin/aibench.js`. */
  aibench_command: z.string().trim().min(1).default('aibench'),
  telemetry: TelemetryConfigSchema.default({ interval_s: 5 }),
  client: ClientPlacementSchema.default({ placement: 'service-allocation' }),
  /** How this machine reaches services on compute nodes: try directly then forward (auto), or always one way. */
  compute_access: z.enum(['auto', 'direct', 'ssh-forward']).default('auto'),
  gpu: GpuConfigSchema.default({ partitions: {} }),
  container: ContainerSchema.optional(),
  /** Model ids the control API offers when the cluster's HF cache cannot be read (marked as such). */
  models_fallback: z.array(z.string().min(1)).default([]),
};

const LocalClusterSchema = z.strictObject({ executor: z.literal('local'), ...commonCluster });
const SshClusterSchema = z.strictObject({ executor: z.literal('ssh'), ssh: SshSchema, ...commonCluster });

export const ClusterSchema = z.discriminatedUnion('executor', [LocalClusterSchema, SshClusterSchema]);

/** The monitoring host (the machine running the CLI): where Prometheus's file_sd reads service targets. */
const MonitoringSchema = z.strictObject({
  /** LOCAL directory; `aibench-<service_id>.json` is written when a service is READY and removed when it stops. */
  targets_dir: absolutePath.optional(),
  /** The Prometheus (as this machine reaches it) that benchmarks ask for GPU figures and --assert-promql over their run window. */
  prometheus_url: httpUrl.optional(),
});

const clusterName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected letters, digits, _ . -');

export const ConfigSchema = z
  .strictObject({
    default_cluster: clusterName.optional(),
    clusters: z.record(clusterName, ClusterSchema).default({}),
    models_cache_ttl_s: z.number().nonnegative().max(86400).default(300),
    monitoring: MonitoringSchema.default({}),
  })
  .superRefine((cfg, ctx) => {
    // `~` cannot be expanded on the remote side (every path is shell-quoted), so SSH clusters need absolute paths.
    for (const [name, cluster] of Object.entries(cfg.clusters)) {
      if (cluster.executor !== 'ssh') continue;
      for (const [key, value] of Object.entries(cluster.paths)) {
        if (typeof value === 'string' && !value.startsWith('/')) {
          ctx.addIssue({
            code: 'custom',
            path: ['clusters', name, 'paths', key],
            message: `expected an absolute path on the cluster (starting with /), got ${JSON.stringify(value)}`,
          });
        }
      }
    }
    if (cfg.default_cluster && cfg.default_cluster !== 'local' && !(cfg.default_cluster in cfg.clusters)) {
      ctx.addIssue({
        code: 'custom',
        path: ['default_cluster'],
        message: `expected one of the clusters defined (${Object.keys(cfg.clusters).join(', ') || 'none'}), got ${JSON.stringify(cfg.default_cluster)}`,
      });
    }
  });

export type ClusterConfig = z.infer<typeof ClusterSchema>;
export type SshConfig = z.infer<typeof SshSchema>;
export type Config = z.infer<typeof ConfigSchema>;
export type ContainerConfig = z.infer<typeof ContainerSchema>;
export type GpuConfig = z.infer<typeof GpuConfigSchema>;

/** A cluster with its name and its resolved, absolute paths. */
export type ResolvedCluster = ClusterConfig & {
  name: string;
  paths: { state_dir: string; hf_home: string; hf_hub_cache: string };
};
