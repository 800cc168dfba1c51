// `--client cluster`: the benchmark's client runs inside the cluster, next to the service. The
// spec goes to the shared state dir, the client script starts (a step in the service's allocation,
// or a client job on a partition), this process follows the shares' progress files, Ctrl-C asks
// them to stop (they keep what they measured), and the merged result document comes back.
import { randomBytes } from 'node:crypto';
import type { ResolvedCluster } from '../../config/schema.js';
import { BenchError, errorMessage, UsageError } from '../../errors.js';
import type { Executor } from '../../exec/types.js';
import { renderSbatch } from '../../slurm/render-sbatch.js';
import { hfEnv } from '../../slurm/job-spec.js';
import { submitJob } from '../../slurm/submit.js';
import type { BenchHooks, BenchOutcome } from '../engine/runner.js';
import type { RunProvenance } from '../results/build-result.js';
import type { BenchSpec } from '../spec/bench-spec.js';
import { EXTRAS_FILE, type RunExtras } from '../scale/merge-run-dir.js';
import { RUN_FILES } from '../scale/run-dir.js';
import { withRunWindowTruth } from '../truth/run-window.js';
import { renderClientBody, type ClientScriptInput } from './client-script.js';
import { followClient, type ClientHandle } from './follow.js';

/** The service the client runs next to, as the launcher needs it. */
interface ClusterService {
  id: string;
  jobId: string;
  node?: string;
  /** The server as compute nodes reach it: http://<node>:<port>. */
  url: string;
  model: string;
  /** Path ON THE CLUSTER of the service's 0600 API key file. */
  apiKeyFile?: string;
  vllmArgs: string[];
  vram?: { estimate_bytes_per_gpu: number; measured_bytes_per_gpu?: number[] };
}

interface ClusterClientTarget {
  ex: Executor;
  cluster: ResolvedCluster;
  service: ClusterService;
  /** A group's replicas as compute nodes reach them; the client runs next to the first (service.jobId). */
  replicas?: Array<{ id: string; url: string; job_id: string; node?: string }>;
}

/** Run the spec's client inside the cluster and return what it measured, as a local run would. */
export async function runClusterClient(spec: BenchSpec, target: ClusterClientTarget, hooks: BenchHooks = {}): Promise<BenchOutcome & { runDir: string }> {
  const runId = `r-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const dir = `${target.cluster.paths.state_dir.replace(/\/+$/, '')}/bench/${runId}`;
  const script = await scriptInput(spec, target, dir, runId);
  await writeRunFiles(spec, target, script);
  hooks.onInfo?.(`client: ${spec.client.tasks} task(s) x ${spec.client.workers} worker(s) ${script.placement === 'service-allocation' ? `as a step in service job ${target.service.jobId}` : `as a job on ${target.cluster.client.partition ?? target.cluster.slurm.partition ?? 'the default partition'}`}${script.overcommit ? ' (--overcommit)' : ''}; run dir ${dir}`);
  const handle = await startClient(target, script);
  const outcome = await withRunWindowTruth(spec, await followClient(target.ex, handle, spec, hooks));
  return { ...outcome, runDir: dir };
}

// Placement, overcommit and the command words the script uses.
async function scriptInput(spec: BenchSpec, target: ClusterClientTarget, dir: string, runId: string): Promise<ClientScriptInput> {
  const { cluster } = target;
  const placement = cluster.client.placement;
  if (spec.client.nodes !== undefined && spec.client.nodes > 1 && placement === 'service-allocation') {
    const nodes = await allocationNodes(target);
    if (nodes < spec.client.nodes) {
      throw new UsageError(`client_nodes: expected at most the ${nodes} node(s) of service job ${target.service.jobId} (placement service-allocation), got ${spec.client.nodes}`, {
        hint: 'set clusters.<name>.client.placement: partition to spread client tasks over other nodes',
      });
    }
  }
  const need = spec.client.tasks * (cluster.client.cpus_per_task ?? 1);
  const overcommit = placement === 'service-allocation' && need > (await allocationCpus(target));
  return {
    dir, placement, serviceJobId: target.service.jobId, tasks: spec.client.tasks, overcommit, stepName: `aibench-client-${runId}`,
    aibench: cluster.aibench_command.trim().split(/\s+/), setup: cluster.setup,
    ...(spec.client.nodes === undefined ? {} : { nodes: spec.client.nodes }),
    ...(cluster.client.cpus_per_task === undefined ? {} : { cpusPerTask: cluster.client.cpus_per_task }),
  };
}

// CPUs / nodes of the service's allocation (squeue %C / %D); 1 when Slurm does not say.
async function allocationCpus(target: ClusterClientTarget): Promise<number> {
  const res = await target.ex.run(['squeue', '--noheader', '--format=%C', `--jobs=${target.service.jobId}`]);
  const n = Number(res.stdout.trim().split('\n')[0]);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

async function allocationNodes(target: ClusterClientTarget): Promise<number> {
  const res = await target.ex.run(['squeue', '--noheader', '--format=%D', `--jobs=${target.service.jobId}`]);
  const n = Number(res.stdout.trim().split('\n')[0]);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

// spec.json (the endpoint as compute nodes reach it, the service's key file) and the launcher's extras.
async function writeRunFiles(spec: BenchSpec, target: ClusterClientTarget, script: ClientScriptInput): Promise<void> {
  const { ex, service, cluster } = target;
  const shareSpec: BenchSpec = {
    ...spec,
    target: {
      ...spec.target, url: service.url, model: spec.target.model ?? service.model, ...(service.apiKeyFile ? { api_key_file: service.apiKeyFile } : {}),
      ...(target.replicas ? { replicas: target.replicas.map((r) => ({ id: r.id, url: r.url })) } : {}),
    },
  };
  const provenance: RunProvenance = {
    cluster: cluster.name, job_id: service.jobId, service_id: service.id, vllm_args: service.vllmArgs, ...(service.node ? { node: service.node } : {}),
    ...(service.vram ? { vram: service.vram } : {}),
    ...(target.replicas ? { replicas: target.replicas.map((r) => ({ service_id: r.id, job_id: r.job_id, ...(r.node ? { node: r.node } : {}) })) } : {}),
  };
  const extras: RunExtras = {
    client: { placement: 'cluster', network_path: 'direct', slurm: { placement: script.placement, job_id: service.jobId, step_name: script.stepName, overcommit: script.overcommit } },
    provenance,
  };
  await ex.mkdirp(script.dir);
  await ex.writeFile(`${script.dir}/${RUN_FILES.spec}`, `${JSON.stringify(shareSpec)}\n`, { mode: 0o600 });
  await ex.writeFile(`${script.dir}/${EXTRAS_FILE}`, `${JSON.stringify(extras)}\n`, { mode: 0o600 });
}

// Start the script: detached on the login node (it drives srun steps in the service's job), or as a client job.
async function startClient(target: ClusterClientTarget, script: ClientScriptInput): Promise<ClientHandle> {
  const { ex, cluster } = target;
  const log = `${script.dir}/${RUN_FILES.log}`;
  const body = renderClientBody(script);
  if (script.placement === 'partition') {
    const job = await submitJob(ex, cluster, {
      body, name: script.stepName, partition: cluster.client.partition, cpus: cluster.client.cpus_per_task, mem: cluster.client.mem, time: cluster.client.time,
      ntasks: script.tasks, nodes: script.nodes, gres: null,
    });
    return { dir: script.dir, kind: 'job', id: job.job_id, log: job.output_path, stepName: script.stepName, aibench: script.aibench };
  }
  const hf = hfEnv(cluster);
  const file = `${script.dir}/client.sh`;
  await ex.writeFile(file, renderSbatch({ name: script.stepName, output: log, env: hf.env, secretFiles: hf.secretFiles, body }), { mode: 0o700 });
  const res = await ex.run(['bash', '-c', 'nohup setsid bash "$0" >> "$1" 2>&1 < /dev/null & echo $!', file, log]);
  const pid = res.stdout.trim();
  if (res.exitCode !== 0 || !/^\d+$/.test(pid)) throw new BenchError(`Could not start the client script ${file}: ${errorMessage(res.stderr || res.stdout)}`);
  return { dir: script.dir, kind: 'process', id: pid, log, stepName: script.stepName, aibench: script.aibench };
}
