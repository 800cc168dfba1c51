// Pure: the part of a multi-node service's job body that builds its Ray cluster, as vLLM
// documents for Slurm (examples/online_serving/multi-node-serving.sh): a Ray head on the first
// node and a Ray worker on every other node, each an srun step of this one allocation (so scancel
// ends them all), workers retrying until the head answers, the head polled until every node is
// alive; then vLLM starts on the head with --distributed-executor-backend ray.
import { shellJoin, shellQuote } from '../exec/quote.js';

/** Seconds to wait for every node to join (vLLM's script: ray_init_timeout=300). */
const RAY_INIT_TIMEOUT_S = 300;

const WORKER = `for i in $(seq 1 ${RAY_INIT_TIMEOUT_S / 5}); do ray start --address="$1" --block && exit 0; echo "aibench: waiting for the Ray head at $1" >&2; sleep 5; done; exit 1`;
const ALIVE = "import ray; ray.init(); print(sum(n['Alive'] for n in ray.nodes()))";

/** Lines after the port picker (which set PORT; RAY_PORT is picked the same way before these). */
export function renderRayCluster(nodes: number, wrap: readonly string[]): string[] {
  const inside = (words: string[]) => shellJoin([...wrap, ...words]);
  const step = (node: string) => `srun --nodes=1 --ntasks=1 --overlap -w ${node}`;
  return [
    `# Multi-node vLLM on ${nodes} nodes: Ray head here, one Ray worker per other node, each an srun step of this job.`,
    'RAY_NODES=$(scontrol show hostnames "$SLURM_JOB_NODELIST")',
    'RAY_HEAD_NODE=$(printf \'%s\\n\' "$RAY_NODES" | head -n 1)',
    'RAY_HEAD_IP=$(hostname -I 2>/dev/null | awk \'{print $1}\')',
    '[ -n "$RAY_HEAD_IP" ] || RAY_HEAD_IP=$HOST',
    'export RAY_ADDRESS="$RAY_HEAD_IP:$RAY_PORT"',
    `${step('"$RAY_HEAD_NODE"')} ${inside(['ray', 'start', '--head', '--block'])} --node-ip-address="$RAY_HEAD_IP" --port="$RAY_PORT" &`,
    'for node in $(printf \'%s\\n\' "$RAY_NODES" | tail -n +2); do',
    `  ${step('"$node"')} ${inside(['bash', '-c', WORKER, 'ray-worker'])} "$RAY_ADDRESS" &`,
    'done',
    `# Every node alive (vLLM's multi-node-serving.sh polls ray.nodes() the same way), at most ${RAY_INIT_TIMEOUT_S} s.`,
    'RAY_ALIVE=0',
    `for _ in $(seq 1 ${RAY_INIT_TIMEOUT_S / 5}); do`,
    `  RAY_ALIVE=$(${inside(['python3', '-c', ALIVE])} 2>/dev/null | tail -n 1)`,
    `  [ "\${RAY_ALIVE:-0}" -ge ${nodes} ] 2>/dev/null && break`,
    '  sleep 5',
    'done',
    `[ "\${RAY_ALIVE:-0}" -ge ${nodes} ] 2>/dev/null || { echo "aibench: only \${RAY_ALIVE:-0} of ${nodes} Ray nodes joined within ${RAY_INIT_TIMEOUT_S} s" >&2; exit 1; }`,
    `echo ${shellQuote(`aibench: Ray cluster of ${nodes} nodes up at`)} "$RAY_ADDRESS"`,
  ];
}
