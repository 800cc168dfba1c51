// `aibench sim [model] [vllm-style flags...]`: run the vLLM-compatible simulator until signalled.
import { Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { AibenchError } from '../errors.js';
import { simulatedOomLog } from '../sim/oom.js';
import { describeScenarios } from '../sim/scenarios.js';
import { parseSimArgs } from './sim-args.js';

const HELP = `
Accepts \`vllm serve\`'s argument style, so a service job can run \`aibench sim\` where it would
run \`vllm serve\`. Unknown vLLM flags are ignored with one warning. Put the model first.

Options (defaults in brackets):
  --host HOST                 listen address [127.0.0.1; vLLM's is 0.0.0.0]
  --port N                    port, 0 = any free port [8000]
  --served-model-name N...    names the API answers to [the model]
  --max-num-seqs N            requests running at once; the rest queue FIFO [256]
  --max-model-len N           context length [4096]
  --api-key KEY               required as "Authorization: Bearer KEY" on /v1/* [env VLLM_API_KEY]
  --prefill-overhead-ms MS    fixed part of TTFT [5]
  --prefill-ms-per-token MS   TTFT per prompt token [0.05]
  --itl-ms MS                 inter-token latency [10]
  --jitter F --seed N         scale each latency by a seeded factor in [1-F, 1+F] [0, 0]
  --startup-delay S           /health answers 503 for S seconds [0]
  --error-rate F              fraction of generation requests failing with HTTP 500 [0]
  --crash-on-start            exit 1 after the startup delay
  --default-max-tokens N      output length when a request gives no max_tokens [rest of context]
  --ready-file PATH           write {"host","port","pid"} here once listening
  --gpu-memory-utilization F  vLLM's flag; read only by the check below [0.9]
  --oom-above-utilization F   fail at start with vLLM's out-of-memory error when F is below --gpu-memory-utilization
  --scenario NAME             a named behaviour (steady, slow-prefill, flaky-5pct, oom-at-start,
                              overloaded); flags given with it override its values
  --list-scenarios            print the scenarios and what each does, then exit
  --enable-prefix-caching     prefill only prompt tokens not already cached (16-token blocks, LRU);
                              vllm:prefix_cache_queries_total / _hits_total count it [off]
  --num-gpu-blocks-override N blocks of 16 tokens the prefix cache holds [65536]
  --batch-queue-delay-ms MS   how long a /v1/batches job waits before it runs [500]
  --request-log PATH          append one JSON line per finished generation request

Example:
  $ aibench sim Qwen/Qwen2.5-0.5B-Instruct --port 0 --itl-ms 20 --max-num-seqs 64 --ready-file /tmp/sim.json
  aibench sim: serving Qwen/Qwen2.5-0.5B-Instruct on http://127.0.0.1:40319
`;

/** The `sim` command; raw arguments go to parseSimArgs so commander never chokes on vLLM flags. */
export function buildSimCommand(): Command {
  return new Command('sim')
    .description('Run a vLLM-compatible simulator (OpenAI API, SSE streaming, /metrics) with a latency model')
    .argument('[model-and-flags...]', 'model name and `vllm serve`-style flags')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption('-h, --help', 'show help for sim')
    .addHelpText('after', HELP)
    .action(async (_args: string[], _opts: unknown, command: Command) => {
      await runSim(command.args);
    });
}

/** Parse, listen, announce, then wait for SIGTERM/SIGINT (graceful close) or a simulated crash. */
async function runSim(argv: string[]): Promise<void> {
  if (argv.includes('--list-scenarios')) return void process.stdout.write(`${describeScenarios()}\n`);
  const { options, ignored } = parseSimArgs(argv, process.env);
  if (ignored.length > 0) process.stderr.write(`aibench sim: ignoring vLLM flags the simulator does not model: ${ignored.join(' ')}\n`);
  const oom = simulatedOomLog(options, process.pid);
  if (oom !== undefined) {
    process.stderr.write(`${oom.join('\n')}\n`);
    throw new AibenchError(`Simulated vLLM start-up failure: --gpu-memory-utilization ${options.gpuMemoryUtilization} is above --oom-above-utilization ${options.oomAboveUtilization}`, { code: 'E_SIM_OOM' });
  }
  // Loaded here, not at the top: the server pulls in the tokenizer (~200 ms), which every other
  // aibench command would otherwise pay for at startup.
  const { startSimServer } = await import('../sim/server.js');
  const server = await startSimServer(options);
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  process.stderr.write(`aibench sim: serving ${options.model} on http://${host}:${server.port}\n`);
  const onSignal = (): void => void server.close();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    if (options.readyFile !== undefined) {
      await writeFileAtomic(options.readyFile, `${JSON.stringify({ host: options.host, port: server.port, pid: process.pid })}\n`);
    }
    await server.closed;
  } finally {
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
    await server.close();
  }
}
