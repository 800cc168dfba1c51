// Named simulator behaviours for CI (`aibench sim --scenario NAME`, profile `sim: {scenario: NAME}`):
// a known latency and failure profile each, so a heavy suite can check its own gates against a
// server that misbehaves in a documented way. Explicit flags and profile keys override a scenario.
import type { SimOptions } from './options.js';

interface SimScenario {
  description: string;
  options: Partial<SimOptions>;
}

/** Every scenario, by name (`aibench sim --list-scenarios` prints them). */
const SIM_SCENARIOS = {
  steady: {
    description: 'a healthy small model on one GPU: TTFT 5 ms + 0.05 ms per prompt token, ITL 10 ms, 256 slots, no errors',
    options: { itlMs: 10, prefillMsPerToken: 0.05, prefillOverheadMs: 5, maxNumSeqs: 256, errorRate: 0, jitter: 0 },
  },
  'slow-prefill': {
    description: 'prefill-bound: 1 ms per prompt token + 50 ms, ITL 10 ms (a 1024-token prompt waits over a second for its first token)',
    options: { itlMs: 10, prefillMsPerToken: 1, prefillOverheadMs: 50 },
  },
  'flaky-5pct': {
    description: '5 % of generation requests fail with HTTP 500 (seeded, so the same requests fail every run)',
    options: { errorRate: 0.05, seed: 5 },
  },
  'oom-at-start': {
    description: 'does not fit on the GPU: /health answers 503 for 2 s, then the server exits 1 with a CUDA out-of-memory error',
    options: {
      startupDelayS: 2, crashOnStart: true,
      crashMessage: 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB (simulated: scenario oom-at-start)',
    },
  },
  overloaded: {
    description: 'too little capacity: 4 slots and ITL 40 ms, so requests queue and TTFT grows with load',
    options: { maxNumSeqs: 4, itlMs: 40, prefillMsPerToken: 0.2, prefillOverheadMs: 20 },
  },
} as const satisfies Record<string, SimScenario>;

type SimScenarioName = keyof typeof SIM_SCENARIOS;
export const SIM_SCENARIO_NAMES = Object.keys(SIM_SCENARIOS) as SimScenarioName[];

/** The options a scenario sets (none for undefined). */
export function scenarioOptions(name: SimScenarioName | undefined): Partial<SimOptions> {
  return name === undefined ? {} : SIM_SCENARIOS[name].options;
}

/** The `--list-scenarios` text: one line per scenario. */
export function describeScenarios(): string {
  const width = Math.max(...SIM_SCENARIO_NAMES.map((n) => n.length));
  return SIM_SCENARIO_NAMES.map((name) => `${name.padEnd(width)}  ${SIM_SCENARIOS[name].description}`).join('\n');
}
