// Render a JobSpec into a batch script plus the sbatch argv that submits it.
// sbatch reads `#SBATCH` lines with its own parser (no shell): it splits on whitespace, strips
// quotes and backslashes and treats `#` as a comment, so `#SBATCH --job-name=a b` is rejected
// ("Invalid directive found in batch script: b"). Hence only the strictly validated fields
// become directives; job name, comment and paths travel in argv, which reaches Slurm literally.
import { UsageError } from '../errors.js';
import { shellQuote } from '../exec/quote.js';
import { parseJobSpec, type JobSpec, type JobSpecInput } from './job-spec.js';

/**
 * What a job takes from the submitting environment. sbatch's default (--export=ALL) would copy
 * everything, a caller's HF_TOKEN or WANDB_API_KEY included, into the job and into Slurm's saved
 * job environment; aibench passes the job's environment in the script instead. Slurm adds SLURM_*
 * and, with an explicit list, the user's login environment on the node (--get-user-env).
 */
const SUBMITTER_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'] as const;

/** The `#SBATCH` lines for the fields whose values are restricted to directive-safe characters. */
function directives(spec: JobSpec): string[] {
  const pairs: [string, string | number | undefined][] = [
    ['partition', spec.partition],
    ['account', spec.account],
    ['qos', spec.qos],
    ['nodes', spec.nodes],
    ['ntasks', spec.ntasks],
    ['ntasks-per-node', spec.ntasksPerNode],
    ['constraint', spec.constraint],
    ['cpus-per-task', spec.cpus],
    ['mem', spec.mem],
    ['gres', spec.gres],
    ['time', spec.time],
  ];
  const lines = pairs.filter(([, value]) => value !== undefined).map(([flag, value]) => `#SBATCH --${flag}=${String(value)}`);
  return spec.exclusive ? [...lines, '#SBATCH --exclusive'] : lines;
}

/** A path for the script: `~/x` becomes "$HOME"/x so the job's own home is used; the rest is quoted. */
function scriptPath(path: string): string {
  return path.startsWith('~/') ? `"$HOME"/${shellQuote(path.slice(2))}` : shellQuote(path);
}

/** Read each secret from its file at run time; a missing or unreadable file stops the job with a clear line. */
function secretLines(secretFiles: Record<string, string>): string[] {
  return Object.keys(secretFiles)
    .sort()
    .flatMap((key) => {
      const file = secretFiles[key] ?? '';
      const complaint = shellQuote(`aibench: cannot read the secret file for ${key}: ${file}`);
      return [`${key}="$(cat -- ${scriptPath(file)})" || { echo ${complaint} >&2; exit 1; }`, `export ${key}`];
    });
}

/** The batch script: shebang, safe directives, literal env exports, secret reads, then the body as given. */
export function renderSbatch(input: JobSpec | JobSpecInput): string {
  const spec = parseJobSpec(input);
  const lines = ['#!/bin/bash', ...directives(spec)];
  lines.push('# Job name, comment, output, error and working directory are set on the sbatch command line.');
  lines.push(`# sbatch exported only ${SUBMITTER_ENV.join(', ')} (and SLURM_*); steps (srun) get this script's environment.`, 'export SLURM_EXPORT_ENV=ALL');
  const envKeys = Object.keys(spec.env).sort();
  if (envKeys.length > 0) {
    lines.push('', '# Environment (single-quoted: values are literal).');
    for (const key of envKeys) lines.push(`export ${key}=${shellQuote(spec.env[key] ?? '')}`);
  }
  if (Object.keys(spec.secretFiles).length > 0) {
    lines.push('', '# Secrets are read from their files at run time; no secret value is written here.');
    lines.push(...secretLines(spec.secretFiles));
  }
  lines.push('', spec.body.endsWith('\n') ? spec.body.slice(0, -1) : spec.body);
  return `${lines.join('\n')}\n`;
}

/**
 * A literal path as an sbatch filename pattern (--output, --error). sbatch expands `%j`, `%x`,
 * `%u`... and reads `%%` as `%`; but when the pattern holds a backslash it expands nothing, drops
 * each single backslash and reads a doubled one as one (slurmstepd's remove_path_slashes). So: `%` doubled
 * in a path without a backslash, every backslash doubled in a path with one.
 */
export function slurmFilenamePattern(path: string): string {
  return path.includes('\\') ? path.replaceAll('\\', '\\\\') : path.replaceAll('%', '%%');
}

/** The sbatch argv (the executor quotes it): free-text fields as `--flag=value`, then the script path. */
export function buildSbatchArgv(input: JobSpec | JobSpecInput, scriptFile: string): string[] {
  const spec = parseJobSpec(input);
  if (scriptFile === '' || scriptFile.startsWith('-') || /[\n\r\0]/.test(scriptFile)) {
    throw new UsageError(`Expected a script path not starting with "-" and without newline or NUL, got ${JSON.stringify(scriptFile)}`);
  }
  const argv = ['sbatch', '--parsable', `--export=${SUBMITTER_ENV.join(',')}`, `--job-name=${spec.name}`];
  if (spec.comment !== undefined) argv.push(`--comment=${spec.comment}`);
  argv.push(`--output=${slurmFilenamePattern(spec.output)}`);
  if (spec.error !== undefined) argv.push(`--error=${slurmFilenamePattern(spec.error)}`);
  if (spec.workdir !== undefined) argv.push(`--chdir=${spec.workdir}`);
  argv.push(scriptFile);
  return argv;
}
