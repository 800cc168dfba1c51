// The script that runs a benchmark's client inside the cluster: ask the service's node for its
// GPUs, run the client tasks (srun: a step in the service's allocation, or inside a client job),
// merge their records into result.json, and say how each part ended in status.json. Pure: every
// value that reaches the shell goes through the one quoting function.
import { shellJoin, shellQuote } from '../../exec/quote.js';
import { RUN_FILES } from '../scale/run-dir.js';

export interface ClientScriptInput {
  dir: string;
  /** `service-allocation`: srun steps with --jobid=<service job> --overlap; `partition`: this script is the client job. */
  placement: 'service-allocation' | 'partition';
  serviceJobId: string;
  tasks: number;
  nodes?: number;
  cpusPerTask?: number;
  /** True to place more tasks than the allocation has CPUs (srun --overcommit), recorded in the result. */
  overcommit: boolean;
  /** How compute nodes run aibench, split into words (`node /opt/aibench/bin/aibench.js`). */
  aibench: string[];
  /** The cluster's setup lines (module load, PATH), run first. */
  setup: string[];
  stepName: string;
}

/** The srun words of a step in the service's allocation (empty inside a client job, where srun needs no job). */
function inService(input: ClientScriptInput): string[] {
  return input.placement === 'service-allocation' ? [`--jobid=${input.serviceJobId}`, '--overlap'] : [];
}

/** The script body (after the environment the job renderer writes). */
export function renderClientBody(input: ClientScriptInput): string {
  const dir = shellQuote(input.dir);
  const file = (name: string) => `${dir}/${name}`;
  const tasks = [
    'srun', ...inService(input), `--ntasks=${input.tasks}`, ...(input.nodes ? [`--nodes=${input.nodes}`] : []),
    ...(input.cpusPerTask ? [`--cpus-per-task=${input.cpusPerTask}`] : []), ...(input.overcommit ? ['--overcommit'] : []),
    '--kill-on-bad-exit=0', `--job-name=${input.stepName}`, ...input.aibench, 'bench', 'exec', input.dir,
  ];
  // The merge runs as one more step beside the service (service-allocation) or in the client job itself.
  const merge = [...(input.placement === 'service-allocation' ? ['srun', ...inService(input), '--ntasks=1', `--job-name=${input.stepName}-merge`] : []), ...input.aibench, 'bench', 'merge', input.dir];
  const gpu = ['srun', `--jobid=${input.serviceJobId}`, '--overlap', '--ntasks=1', `--job-name=${input.stepName}-gpu`, 'bash', '-c',
    'nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits && nvidia-smi --version'];
  return [
    ...input.setup,
    '# The service node\'s GPUs, for the result\'s provenance (absent when nvidia-smi is not there).',
    `${shellJoin(gpu)} > ${file(RUN_FILES.gpu)} 2>/dev/null || rm -f ${file(RUN_FILES.gpu)}`,
    '# The client tasks; one that dies does not stop the others (their records are kept).',
    shellJoin(tasks),
    'exec_rc=$?',
    shellJoin(merge),
    'merge_rc=$?',
    `printf '{"exec_rc":%d,"merge_rc":%d}\\n' "$exec_rc" "$merge_rc" > ${file(`${RUN_FILES.status}.tmp`)} && mv ${file(`${RUN_FILES.status}.tmp`)} ${file(RUN_FILES.status)}`,
    '[ "$merge_rc" -eq 0 ] || exit "$merge_rc"',
    '',
  ].join('\n');
}
