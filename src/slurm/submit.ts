// `submitJob`: render the script into a fresh submission directory on the cluster, run sbatch
// through the executor (argv, quoted by the executor), then link `<state>/jobs/<job_id>` to it.
import { randomUUID } from 'node:crypto';
import type { ResolvedCluster } from '../config/schema.js';
import { checkSecretFile } from '../exec/secret-file.js';
import type { Executor } from '../exec/types.js';
import { buildSbatchArgv, renderSbatch } from './render-sbatch.js';
import { parseJobSpec } from './job-spec.js';
import { parseSbatchParsable, sbatchFailure } from './submit-output.js';
import { buildSubmitSpec, type SubmitInput } from './submit-spec.js';
import { OUTPUT_FILE, RECORD_FILE, SCRIPT_FILE, jobDir, jobTag, type JobRecord } from './job-layout.js';

export interface SubmittedJobInfo {
  job_id: string;
  cluster: string;
  name: string;
  script_path: string;
  output_path: string;
  /** The comment tag (`aibench:job:<uuid>`). */
  tag: string;
  submitted_at: string;
}

/** Submit one job; sbatch's rejection becomes a SlurmError with sbatch's own message (exit 1). */
export async function submitJob(ex: Executor, cluster: ResolvedCluster, input: SubmitInput): Promise<SubmittedJobInfo> {
  const uuid = randomUUID();
  const dir = jobDir(cluster.paths.state_dir, uuid);
  // Validate before touching the cluster, so a bad flag leaves nothing behind.
  const spec = parseJobSpec(buildSubmitSpec(cluster, input, { uuid, dir }));
  const script = renderSbatch(spec);
  const scriptFile = `${dir}/${SCRIPT_FILE}`;
  const argv = buildSbatchArgv(spec, scriptFile);
  await checkSecretFiles(ex, cluster, spec.secretFiles, input.secretEnv ?? {});
  // Owner only: the script names secret files and the log may print anything the job does.
  await ex.mkdirp(dir, { mode: 0o700 });
  await ex.writeFile(scriptFile, script, { mode: 0o600 });
  const res = await ex.run(argv);
  if (res.exitCode !== 0) {
    await ex.run(['rm', '-rf', '--', dir]).catch(() => undefined);
    throw sbatchFailure(res.stderr, res.exitCode ?? undefined);
  }
  const { jobId } = parseSbatchParsable(res.stdout);
  const submittedAt = new Date().toISOString();
  // Relative link, so the state dir may be mounted at another path on other hosts; -n replaces a
  // stale link left by an earlier job with the same id.
  const link = await ex.run(['ln', '-sfn', '--', uuid, jobDir(cluster.paths.state_dir, jobId)]);
  const base = link.exitCode === 0 ? jobDir(cluster.paths.state_dir, jobId) : dir;
  const info: SubmittedJobInfo = {
    job_id: jobId,
    cluster: cluster.name,
    name: spec.name,
    script_path: `${base}/${SCRIPT_FILE}`,
    output_path: `${base}/${OUTPUT_FILE}`,
    tag: jobTag(uuid),
    submitted_at: submittedAt,
  };
  const record: JobRecord = { ...info };
  await ex.writeFile(`${dir}/${RECORD_FILE}`, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 }).catch(() => undefined);
  return info;
}

/** Refuse to submit a job whose secret files are missing, empty or readable by others (the job would fail, or leak). */
async function checkSecretFiles(ex: Executor, cluster: Pick<ResolvedCluster, 'name'>, files: Record<string, string>, secretEnv: Readonly<Record<string, string>>): Promise<void> {
  for (const [name, file] of Object.entries(files)) {
    const what = Object.hasOwn(secretEnv, name) ? `--secret-env ${name}` : `clusters.${cluster.name}.hf_token_file`;
    await checkSecretFile(ex, file, what);
  }
}

/** The record written at submission, or undefined for jobs aibench did not submit (or a lost record). */
export async function readJobRecord(ex: Executor, stateDir: string, jobId: string): Promise<JobRecord | undefined> {
  try {
    const record = JSON.parse(await ex.readFile(`${jobDir(stateDir, jobId)}/${RECORD_FILE}`)) as JobRecord;
    return record.job_id === jobId ? record : undefined;
  } catch {
    return undefined;
  }
}
