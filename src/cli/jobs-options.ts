// zod schemas for the `jobs` flags: what commander hands over (strings) becomes typed input for
// the Slurm client, and every problem names the flag, the value and what was expected (exit 2).
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseTimeoutSpec } from '../bench/spec/duration.js';
import { formatZodIssues, PARSE_ONCE } from '../config/zod-error.js';
import { UsageError, errorMessage } from '../errors.js';
import type { SubmitInput } from '../slurm/submit-spec.js';

const wholeNumber = (what: string) =>
  z.string().regex(/^\d+$/, `expected ${what}`).transform(Number).pipe(z.number().int().positive(`expected ${what}`));

const ENV_PAIR = /^([^=]+)=([\s\S]*)$/;

export const SubmitFlagsSchema = z
  .strictObject({
    cluster: z.string().optional(),
    script: z.string().min(1).optional(),
    wrap: z.string().min(1, 'expected a non-empty command').optional(),
    name: z.string().optional(),
    partition: z.string().optional(),
    account: z.string().optional(),
    qos: z.string().optional(),
    gres: z.string().optional(),
    cpus: wholeNumber('a whole number of CPUs > 0').optional(),
    mem: z.string().optional(),
    time: z.string().optional(),
    env: z.array(z.string().regex(ENV_PAIR, 'expected K=V')).default([]),
    secretEnv: z.array(z.string().regex(ENV_PAIR, 'expected NAME=FILE (a file on the cluster, mode 0600)')).default([]),
    json: z.boolean().optional(),
  })
  .superRefine((flags, ctx) => {
    if ((flags.script === undefined) === (flags.wrap === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['script'], message: 'expected exactly one of --script FILE or --wrap CMD' });
    }
  });
type SubmitFlags = z.output<typeof SubmitFlagsSchema>;

export const WaitFlagsSchema = z.strictObject({
  until: z.enum(['running', 'done']).default('done'),
  timeout: z.string().optional(),
  json: z.boolean().optional(),
});

export const LogsFlagsSchema = z.strictObject({
  follow: z.boolean().optional(),
  lines: z.string().regex(/^\d+$/, 'expected a whole number of lines >= 0').transform(Number).default(50),
});

/** Validate flags; issues read `--cpus: expected a whole number of CPUs > 0, got "x"`. */
export function parseFlags<S extends z.ZodType>(schema: S, flags: unknown): z.output<S> {
  const result = schema.safeParse(flags, { ...PARSE_ONCE, reportInput: true });
  if (result.success) return result.data;
  // secretEnv -> --secret-env: name the flag as it is typed.
  const flag = (line: string) => line.replace(/^[A-Za-z]+/, (key) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
  const lines = formatZodIssues(result.error).map((line) => `--${flag(line.replace(/\[\d+\]/, ''))}`);
  throw new UsageError(lines.join('; '));
}

/** `--env K=V` (or `--secret-env NAME=FILE`) pairs into a record; a later pair for the same key wins. */
export function parseEnvPairs(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const match = ENV_PAIR.exec(pair);
    if (match?.[1] !== undefined) env[match[1]] = match[2] ?? '';
  }
  return env;
}

/** A script file's text as a job body: its shebang is dropped (aibench renders its own header). */
export async function scriptBody(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--script: cannot read ${JSON.stringify(file)}: ${errorMessage(error)}`);
  }
  const body = text.startsWith('#!') ? text.slice(text.indexOf('\n') + 1) : text;
  // sbatch stops reading directives at the first command, which is now aibench's header.
  if (/^#SBATCH/m.test(body)) {
    throw new UsageError(`--script: ${JSON.stringify(file)} has #SBATCH lines, which sbatch would ignore after aibench's header`, {
      hint: 'Pass them as flags instead: --partition, --time, --gres, --cpus, --mem, --account, --qos, --name.',
    });
  }
  return body;
}

/** The SubmitInput for validated flags (the body read from --script or taken from --wrap). */
export async function submitInput(flags: SubmitFlags): Promise<SubmitInput> {
  const body = flags.wrap ?? (await scriptBody(flags.script ?? ''));
  return {
    body,
    name: flags.name,
    partition: flags.partition,
    account: flags.account,
    qos: flags.qos,
    gres: flags.gres,
    cpus: flags.cpus,
    mem: flags.mem,
    time: flags.time,
    env: parseEnvPairs(flags.env),
    secretEnv: parseEnvPairs(flags.secretEnv),
  };
}

/** --timeout as milliseconds, or undefined for "wait as long as it takes". */
export function timeoutMs(spec: string | undefined): number | undefined {
  return spec === undefined ? undefined : parseTimeoutSpec(spec, '--timeout');
}
