// The typed description of one Slurm batch job, validated before anything is rendered.
// Fields sbatch reads from `#SBATCH` lines get a strict character set (sbatch splits those lines
// on whitespace and treats quotes, backslashes and `#` specially); free-text fields (name,
// comment, paths) reach sbatch through argv instead, so only newline and NUL are refused there.
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { formatZodIssues, PARSE_ONCE } from '../config/zod-error.js';
import type { ResolvedCluster } from '../config/schema.js';
import { SLURM_TIME_FORMS, slurmDurationSeconds } from './duration.js';

const NAME_LENGTH = 'expected a job name of 1 to 64 characters';
const GRES_ITEM = '[A-Za-z0-9_.-]+(?::[A-Za-z0-9_.-]+)*';
const GRES = new RegExp(`^${GRES_ITEM}(?:,${GRES_ITEM})*$`);
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** bash refuses to assign these (readonly), so an export line for them would fail inside the job. */
const BASH_READONLY = new Set(['BASHOPTS', 'BASH_VERSINFO', 'EUID', 'PPID', 'SHELLOPTS', 'UID']);

/** Free text that goes through argv: anything but line breaks and NUL. */
const lineText = (what: string) =>
  z.string().refine((s) => !/[\n\r\0]/.test(s), { message: `expected ${what} without newline, carriage return or NUL` });

/** A value safe on a `#SBATCH` line: no whitespace, quotes, backslash or `#`. */
const directiveWord = (what: string, re: RegExp) => z.string().regex(re, { message: `expected ${what}` });

const path = (what: string) => lineText(what).pipe(z.string().min(1, { message: `expected a non-empty ${what}` }));

const JobSpecSchema = z
  .strictObject({
    name: lineText('a job name').pipe(z.string().min(1, NAME_LENGTH).max(64, NAME_LENGTH)),
    partition: directiveWord('a partition name (letters, digits, _ . - and commas)', /^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$/).optional(),
    account: directiveWord('an account name (letters, digits, _ . -)', /^[A-Za-z0-9_.-]+$/).optional(),
    qos: directiveWord('a QOS name (letters, digits, _ . -)', /^[A-Za-z0-9_.-]+$/).optional(),
    gres: directiveWord('a gres list like gpu:1 or gpu:a100:2,shard:1', GRES).optional(),
    cpus: z.number().int().positive().max(100_000).optional(),
    mem: directiveWord('a memory size like 500M, 32G or 1T (a number with optional K, M, G or T)', /^\d+[KMGTkmgt]?$/)
      .optional(),
    time: z
      .string()
      .refine((t) => slurmDurationSeconds(t) !== undefined, { message: `expected a Slurm time limit (${SLURM_TIME_FORMS})` })
      .optional(),
    nodes: z.number().int().positive().max(100_000).optional(),
    /** Tasks of the job (a client job runs its srun tasks inside it, so it must hold them all). */
    ntasks: z.number().int().positive().max(100_000).optional(),
    /** One task per node (multi-node services start one Ray process per node with srun). */
    ntasksPerNode: z.number().int().positive().max(100_000).optional(),
    /** Node features, Slurm's constraint syntax: `a100`, `a100&ib`, `h100|a100`, `[rack1|rack2]`. */
    constraint: directiveWord('a constraint like a100, a100&ib or h100|a100 (letters, digits, _ . - & | , : * [ ] ( ))', /^[A-Za-z0-9_.&|,:*[\]()-]+$/).optional(),
    /** Whole nodes for this job (sbatch --exclusive). */
    exclusive: z.boolean().optional(),
    // Literal paths: aibench never uses Slurm's %j-style patterns, and escapes `%` in the argv.
    output: path('output path'),
    error: path('error path').optional(),
    workdir: path('working directory').optional(),
    comment: lineText('a comment').pipe(z.string().max(1024, 'expected a comment of at most 1024 characters')).optional(),
    env: z
      .record(z.string(), z.string().refine((v) => !v.includes('\0'), 'expected a value without NUL'))
      .default({}),
    secretFiles: z
      .record(z.string(), path('secret file path'))
      .default({}),
    body: z.string().refine((b) => !b.includes('\0'), 'expected a script body without NUL'),
  })
  .superRefine((spec, ctx) => {
    // Keys are checked here, not in z.record, so the message says what a key must look like.
    for (const field of ['env', 'secretFiles'] as const) {
      for (const key of Object.keys(spec[field])) {
        if (BASH_READONLY.has(key)) {
          ctx.addIssue({ code: 'custom', path: [field, key], message: `expected a variable bash can set, got the readonly ${key}` });
        } else if (!ENV_KEY.test(key)) {
          const message = `expected an environment variable name like HF_HOME (letters, digits, _; no leading digit), got ${JSON.stringify(key)}`;
          ctx.addIssue({ code: 'custom', path: [field, key], message });
        }
      }
    }
    for (const key of Object.keys(spec.secretFiles)) {
      if (Object.hasOwn(spec.env, key)) {
        ctx.addIssue({ code: 'custom', path: ['secretFiles', key], message: `expected ${key} in env or secretFiles, not both` });
      }
    }
  });

export type JobSpec = z.output<typeof JobSpecSchema>;
export type JobSpecInput = z.input<typeof JobSpecSchema>;

/** Validate a job spec; every problem becomes one `job.<field>: expected X, got Y` line. */
export function parseJobSpec(input: unknown): JobSpec {
  const result = JobSpecSchema.safeParse(input, { ...PARSE_ONCE, reportInput: true });
  if (result.success) return result.data;
  const lines = formatZodIssues(result.error, ['job']);
  throw new UsageError(`Invalid Slurm job: ${lines.join('; ')}`, {
    code: 'E_JOB_SPEC',
    hint: `Slurm time limits look like ${SLURM_TIME_FORMS}; memory like 500M or 32G.`,
  });
}

/** The cluster fields hfEnv needs; ResolvedCluster satisfies it. */
type HfCluster = Pick<ResolvedCluster, 'hf_offline' | 'hf_token_file'> & {
  paths: { hf_home: string; hf_hub_cache?: string | undefined };
};

/** HuggingFace environment every job gets: cache paths, offline switch, and the token as a secret file. */
export function hfEnv(cluster: HfCluster): { env: Record<string, string>; secretFiles: Record<string, string> } {
  const hfHome = cluster.paths.hf_home;
  const hubCache = cluster.paths.hf_hub_cache ?? `${hfHome.replace(/\/+$/, '')}/hub`;
  const env: Record<string, string> = { HF_HOME: hfHome, HUGGINGFACE_HUB_CACHE: hubCache, HF_HUB_CACHE: hubCache };
  if (cluster.hf_offline) env['HF_HUB_OFFLINE'] = '1';
  const secretFiles: Record<string, string> = {};
  if (cluster.hf_token_file !== undefined) secretFiles['HF_TOKEN'] = cluster.hf_token_file;
  return { env, secretFiles };
}
