// Pure: the batch-script body of a service job. It runs the site's setup lines, reads the API key
// from its 0600 file (never argv), picks a free port on the node, publishes endpoint.json
// atomically (temp + mv) and then `exec`s the server, so scancel's SIGTERM reaches vLLM itself.
//
// Residual race: the port is checked free (ss, else a /dev/tcp connect) and then bound by the
// server a moment later; another process may take it in between. vLLM cannot report a port it
// chose itself (--port 0), so this is the best a wrapper can do; if it happens the server exits
// with "address already in use" in the job log, the job fails, and `service start` reports that.
import { UsageError } from '../errors.js';
import { shellQuote } from '../exec/quote.js';
import { renderTelemetryStart, type TelemetryStartOptions } from '../telemetry/job-snippet.js';
import { renderRayCluster } from './ray-body.js';

export interface ServiceBodyInput {
  id: string;
  model: string;
  /** Site shell text from the cluster config (`vllm serve`, `node /x/bin/aibench.js sim`): trusted, not quoted. */
  vllmCommand: string;
  /** Site shell lines from the cluster config (module load, conda activate): trusted, run as written. */
  setup: readonly string[];
  /** Extra server arguments; each is quoted, so each reaches the server as one literal word. */
  vllmArgs: readonly string[];
  /** `<state>/services/<id>` on the cluster. */
  dir: string;
  /** Key file on the cluster, exported as VLLM_API_KEY at run time. */
  apiKeyFile?: string | undefined;
  portRange?: { min: number; max: number };
  /** Run the GPU telemetry agent in the background for the job's lifetime (service id added here). */
  telemetry?: Omit<TelemetryStartOptions, 'serviceId'> | undefined;
  /** Words that run the server (and the agent) inside the cluster's container (container.ts). */
  containerPrefix?: readonly string[] | undefined;
  /** More than 1: a Ray cluster over the allocation's nodes, vLLM on the first (ray-body.ts). */
  nodes?: number | undefined;
}

/** Arguments the body sets itself; a user-supplied one would bind another port than endpoint.json says. */
const RESERVED_ARGS = /^--(host|port)(=|$)/;

/** Refuse values that cannot be one literal shell word or would be read as a flag. */
export function checkServiceInput(input: Pick<ServiceBodyInput, 'model' | 'vllmArgs'>): void {
  if (input.model === '' || input.model.startsWith('-') || /[\n\r\0]/.test(input.model)) {
    throw new UsageError(`--model: expected a model name not starting with "-" and without newline or NUL, got ${JSON.stringify(input.model)}`);
  }
  for (const arg of input.vllmArgs) {
    if (/[\n\r\0]/.test(arg)) throw new UsageError(`--vllm-arg: expected no newline or NUL, got ${JSON.stringify(arg)}`);
    if (RESERVED_ARGS.test(arg)) {
      throw new UsageError(`--vllm-arg: ${arg.split('=')[0]} is set by aibench (the job picks a free port and listens on 0.0.0.0)`);
    }
  }
}

const PORT_FREE = [
  '# A port is free when no TCP socket uses it (ss), or, without ss, when nothing accepts on it.',
  'aibench_port_free() {',
  '  if command -v ss >/dev/null 2>&1; then',
  '    [ -z "$(ss -Htan "sport = :$1" 2>/dev/null)" ]',
  '  else',
  '    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null',
  '  fi',
  '}',
];

/** Pick a free port into `name` (a second one, RAY_PORT, never equals PORT). */
const pickPort = (min: number, max: number, name = 'PORT') => [
  `${name}=`,
  'for _ in $(seq 1 100); do',
  `  candidate=$(( ${min} + (RANDOM * 32768 + RANDOM) % ${max - min + 1} ))`,
  `  if aibench_port_free "$candidate"${name === 'PORT' ? '' : ' && [ "$candidate" != "$PORT" ]'}; then ${name}=$candidate; break; fi`,
  'done',
  `[ -n "$${name}" ] || { echo 'aibench: no free port found in ${min}-${max}' >&2; exit 1; }`,
];

// `exec` below replaces this shell, and its EXIT trap with it. scancel signals every process of
// the job (the agent too), but when the server exits by itself the agent is orphaned, and
// proctrack/linuxproc (which follows the process tree) then leaves it running after the job.
// The server keeps this shell's PID, so a watcher stops the agent once that PID is gone.
const TELEMETRY_WATCH = [
  '# The server keeps this PID ($$) after exec; stop the agent when it exits, so it never outlives the job.',
  '( while kill -0 $$ 2>/dev/null; do sleep 1; done; kill -TERM "$AIBENCH_TELEMETRY_PID" 2>/dev/null ) </dev/null >/dev/null 2>&1 &',
];

/** The body (after the sbatch header) for one service job. */
export function renderServiceBody(input: ServiceBodyInput): string {
  checkServiceInput(input);
  const { min, max } = input.portRange ?? { min: 20000, max: 60000 };
  const dir = shellQuote(input.dir);
  const lines = [`# aibench service ${shellQuote(input.id)}`];
  if (input.setup.length > 0) lines.push('', '# Setup lines from the cluster config.', ...input.setup);
  if (input.apiKeyFile !== undefined) {
    const complaint = shellQuote(`aibench: cannot read the API key file ${input.apiKeyFile}`);
    lines.push('', '# The API key is read at run time; vLLM takes it from VLLM_API_KEY, never from argv.');
    lines.push(`VLLM_API_KEY="$(cat -- ${shellQuote(input.apiKeyFile)})" || { echo ${complaint} >&2; exit 1; }`, 'export VLLM_API_KEY');
  }
  lines.push('', ...PORT_FREE, ...pickPort(min, max));
  lines.push(
    'HOST=$(hostname -f 2>/dev/null || hostname)',
    'STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)',
    `mkdir -p -- ${dir}`,
    `printf '{"host":"%s","port":%s,"job_id":"%s","started_at":"%s"}\\n' "$HOST" "$PORT" "$SLURM_JOB_ID" "$STARTED_AT" > ${dir}/endpoint.json.tmp.$$`,
    `mv -f -- ${dir}/endpoint.json.tmp.$$ ${dir}/endpoint.json`,
    'echo "aibench: service endpoint $HOST:$PORT (job $SLURM_JOB_ID)"',
  );
  const wrap = input.containerPrefix ?? [];
  if (input.telemetry !== undefined) lines.push('', ...renderTelemetryStart({ ...input.telemetry, serviceId: input.id, wrap }), ...TELEMETRY_WATCH);
  const multiNode = (input.nodes ?? 1) > 1;
  if (multiNode) lines.push('', ...pickPort(min, max, 'RAY_PORT'), ...renderRayCluster(input.nodes ?? 1, wrap));
  const backend = multiNode && !input.vllmArgs.some((a) => a.startsWith('--distributed-executor-backend')) ? ['--distributed-executor-backend', 'ray'] : [];
  const server = `${wrap.length > 0 ? `${wrap.map(shellQuote).join(' ')} ` : ''}${input.vllmCommand}`;
  lines.push(
    '',
    `# exec: the server replaces this shell, so scancel signals it directly${wrap.length > 0 ? ' (inside the container)' : ''}.`,
    `exec ${server} ${[input.model, '--host', '0.0.0.0', '--port'].map(shellQuote).join(' ')} "$PORT"${[...input.vllmArgs, ...backend].map((a) => ` ${shellQuote(a)}`).join('')}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The names the server will list: --served-model-name values when given, else the model. */
export function expectedModelNames(model: string, vllmArgs: readonly string[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < vllmArgs.length; i++) {
    const arg = vllmArgs[i] ?? '';
    if (arg.startsWith('--served-model-name=')) names.push(arg.slice('--served-model-name='.length));
    else if (arg === '--served-model-name') {
      while (i + 1 < vllmArgs.length && !(vllmArgs[i + 1] ?? '').startsWith('-')) names.push(vllmArgs[++i] ?? '');
    }
  }
  return names.length > 0 ? names : [model];
}
