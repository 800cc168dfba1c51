// Pure: turn what a user asked for plus the cluster config into a JobSpec input. Precedence:
// the user's flags over the cluster's slurm defaults; the user's env over the HF variables; the
// HF token only ever as a secret file.
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
  gres?: string | undefined;
  cpus?: number | undefined;
  mem?: string | undefined;
  time?: string | undefined;
  env?: Readonly<Record<string, string>> | undefined;
}

/** Variables that must come from a secret file, never from --env (they would land in the script). */
const SECRET_NAMES = /^(HF_TOKEN|HUGGING_FACE_HUB_TOKEN)$/;

/** The JobSpec input for one submission into `dir`, tagged with `uuid`. */
export function buildSubmitSpec(
  cluster: Pick<ResolvedCluster, 'slurm' | 'paths' | 'hf_offline' | 'hf_token_file'>,
  input: SubmitInput,
  submission: { uuid: string; dir: string },
): JobSpecInput {
  const userEnv = input.env ?? {};
  for (const key of Object.keys(userEnv)) {
    if (SECRET_NAMES.test(key)) {
      throw new UsageError(`--env ${key}: expected no secrets in --env (they would be written into the job script)`, {
        hint: 'Put the token in a file with mode 0600 and set hf_token_file in the cluster config; the job reads it at run time.',
      });
    }
  }
  const hf = hfEnv(cluster);
  const pick = <T>(flag: T | undefined, fallback: T | undefined) => (flag !== undefined ? flag : fallback);
  const spec: JobSpecInput = {
    name: input.name ?? `${JOB_NAME_PREFIX}job`,
    comment: jobTag(submission.uuid),
    output: `${submission.dir}/${OUTPUT_FILE}`,
    env: { ...hf.env, ...userEnv },
    secretFiles: hf.secretFiles,
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
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (spec as Record<string, unknown>)[key] = value;
  }
  return spec;
}
