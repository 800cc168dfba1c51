// Pure: turn what a user asked for plus the cluster config into a JobSpec input. Precedence:
// the user's flags over the cluster's slurm defaults; the user's env over the HF variables;
// secrets (the HF token, --secret-env) only ever as files the job reads at start.
import { isSecretName } from '../config/redact.js';
import { UsageError } from '../errors.js';
import type { ResolvedCluster } from '../config/schema.js';
import { hfEnv } from './job-spec.js';
import type { JobSpecInput } from './job-spec.js';
import { JOB_NAME_PREFIX, OUTPUT_FILE, jobTag } from './job-layout.js';

/** What a caller may set for one job; everything else comes from the cluster. */
export interface SubmitInput {
  /** The script body (after the rendered header), e.g. a --wrap command or a script's text. */
  body: string;
  name?: string | undefined;
  partition?: string | undefined;
  account?: string | undefined;
  qos?: string | undefined;
  /** null: no GPUs even when the cluster has a default gres (a client job runs no model). */
  gres?: string | null | undefined;
  cpus?: number | undefined;
  mem?: string | undefined;
  time?: string | undefined;
  nodes?: number | undefined;
  ntasks?: number | undefined;
  ntasksPerNode?: number | undefined;
  constraint?: string | undefined;
  exclusive?: boolean | undefined;
  env?: Readonly<Record<string, string>> | undefined;
  /** NAME -> file on the cluster (mode 0600) that the job reads into NAME at start (`--secret-env NAME=FILE`). */
  secretEnv?: Readonly<Record<string, string>> | undefined;
}

/** Refuse secret-looking names in env: a value there is written into the job script in plain text. */
function refuseSecretEnv(env: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(env)) {
    if (!isSecretName(key)) continue;
    throw new UsageError(`--env ${key}: expected no secret in --env (${key} looks like one, and --env values are written into the job script in plain text)`, {
      hint: `Put the value in a file on the cluster with mode 0600 and pass --secret-env ${key}=FILE: the job reads it at start.${/^(HF_TOKEN|HUGGING_FACE_HUB_TOKEN)$/i.test(key) ? ' For the HF token, hf_token_file in the cluster config does this for every job.' : ''}`,
    });
  }
}

/** The JobSpec input for one submission into `dir`, tagged with `uuid`. */
export function buildSubmitSpec(
  cluster: Pick<ResolvedCluster, 'slurm' | 'paths' | 'hf_offline' | 'hf_token_file'>,
  input: SubmitInput,
  submission: { uuid: string; dir: string },
): JobSpecInput {
  const userEnv = input.env ?? {};
  refuseSecretEnv(userEnv);
  const hf = hfEnv(cluster);
  const pick = <T>(flag: T | undefined, fallback: T | undefined) => (flag !== undefined ? flag : fallback);
  const spec: JobSpecInput = {
    name: input.name ?? `${JOB_NAME_PREFIX}job`,
    comment: jobTag(submission.uuid),
    output: `${submission.dir}/${OUTPUT_FILE}`,
    env: { ...hf.env, ...userEnv },
    secretFiles: { ...hf.secretFiles, ...input.secretEnv },
    body: input.body,
  };
  const optional = {
    partition: pick(input.partition, cluster.slurm.partition),
    account: pick(input.account, cluster.slurm.account),
    qos: pick(input.qos, cluster.slurm.qos),
    gres: pick(input.gres, cluster.slurm.gres),
    time: pick(input.time, cluster.slurm.time),
    cpus: input.cpus,
    mem: input.mem,
    nodes: input.nodes,
    ntasks: input.ntasks,
    ntasksPerNode: input.ntasksPerNode,
    constraint: input.constraint,
    exclusive: input.exclusive || undefined,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined && value !== null) (spec as Record<string, unknown>)[key] = value;
  }
  return spec;
}
