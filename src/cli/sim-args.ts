// `vllm serve`-style argv for `aibench sim` (and only for it: the embedded simulator is started
// from typed settings, src/sim/embedded.ts): a pure parser (no process access) plus the zod schema
// that turns raw strings into typed, range-checked options; defaults come from SIM_DEFAULTS.
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { DEFAULT_SIM_MODEL, SIM_DEFAULTS, type SimOptions } from '../sim/options.js';
import { scenarioOptions, SIM_SCENARIO_NAMES } from '../sim/scenarios.js';

interface ParsedSimArgs {
  options: SimOptions;
  /** Unknown vLLM flags, names only (their values may be secrets such as --hf-token). */
  ignored: string[];
}

type Kind = 'value' | 'bool' | 'list' | 'off';
const FLAGS: Record<string, { key: keyof RawArgs; kind: Kind }> = {
  '--model': { key: 'model', kind: 'value' },
  '--host': { key: 'host', kind: 'value' },
  '--port': { key: 'port', kind: 'value' },
  '--served-model-name': { key: 'servedModelNames', kind: 'list' },
  '--max-num-seqs': { key: 'maxNumSeqs', kind: 'value' },
  '--max-model-len': { key: 'maxModelLen', kind: 'value' },
  '--api-key': { key: 'apiKey', kind: 'value' },
  '--prefill-ms-per-token': { key: 'prefillMsPerToken', kind: 'value' },
  '--prefill-overhead-ms': { key: 'prefillOverheadMs', kind: 'value' },
  '--itl-ms': { key: 'itlMs', kind: 'value' },
  '--jitter': { key: 'jitter', kind: 'value' },
  '--seed': { key: 'seed', kind: 'value' },
  '--startup-delay': { key: 'startupDelayS', kind: 'value' },
  '--error-rate': { key: 'errorRate', kind: 'value' },
  '--crash-on-start': { key: 'crashOnStart', kind: 'bool' },
  '--default-max-tokens': { key: 'defaultMaxTokens', kind: 'value' },
  '--ready-file': { key: 'readyFile', kind: 'value' },
  '--gpu-memory-utilization': { key: 'gpuMemoryUtilization', kind: 'value' },
  '--oom-above-utilization': { key: 'oomAboveUtilization', kind: 'value' },
  '--scenario': { key: 'scenario', kind: 'value' },
  '--enable-prefix-caching': { key: 'prefixCaching', kind: 'bool' },
  '--no-enable-prefix-caching': { key: 'prefixCaching', kind: 'off' },
  '--num-gpu-blocks-override': { key: 'numGpuBlocks', kind: 'value' },
  '--batch-queue-delay-ms': { key: 'batchQueueDelayMs', kind: 'value' },
  '--request-log': { key: 'requestLog', kind: 'value' },
};
const FLAG_BY_KEY = new Map(Object.entries(FLAGS).map(([flag, { key }]) => [key as string, flag]));

// vLLM switches that never take a value; with the enable-/disable-/no- prefixes they keep an
// unknown switch from swallowing the positional model that follows it.
const VLLM_SWITCHES = new Set(['--enforce-eager', '--trust-remote-code', '--headless', '--skip-tokenizer-init']);
const SWITCH_PREFIX = /^--(enable|disable|no)-/;

type RawArgs = z.input<typeof rawSchema>;

function num(expect: string, ok: (n: number) => boolean) {
  return z.string().transform((text, ctx) => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || !ok(n)) {
      ctx.addIssue({ code: 'custom', message: expect });
      return z.NEVER;
    }
    return n;
  });
}
const isInt = Number.isInteger;
const text = (expect: string) => z.string({ error: expect }).min(1, { error: expect });

const rawSchema = z.strictObject({
  model: text('expected a model name').optional(),
  host: text('expected a host name or address').optional(),
  port: num('expected an integer from 0 to 65535 (0 = any free port)', (n) => isInt(n) && n >= 0 && n <= 65535).optional(),
  servedModelNames: z.array(text('expected a model name')).min(1, { error: 'expected at least one name' }).optional(),
  maxNumSeqs: num('expected an integer >= 1', (n) => isInt(n) && n >= 1).optional(),
  maxModelLen: num('expected an integer >= 1', (n) => isInt(n) && n >= 1).optional(),
  apiKey: text('expected a non-empty key').optional(),
  prefillMsPerToken: num('expected a number >= 0', (n) => n >= 0).optional(),
  prefillOverheadMs: num('expected a number >= 0', (n) => n >= 0).optional(),
  itlMs: num('expected a number >= 0', (n) => n >= 0).optional(),
  jitter: num('expected a fraction from 0 to 1', (n) => n >= 0 && n <= 1).optional(),
  seed: num('expected an integer', isInt).optional(),
  startupDelayS: num('expected a number of seconds >= 0', (n) => n >= 0).optional(),
  errorRate: num('expected a fraction from 0 to 1', (n) => n >= 0 && n <= 1).optional(),
  crashOnStart: z.enum(['true', 'false'], { error: 'expected true or false' }).optional(),
  defaultMaxTokens: num('expected an integer >= 1', (n) => isInt(n) && n >= 1).optional(),
  readyFile: text('expected a file path').optional(),
  gpuMemoryUtilization: num('expected a fraction in (0, 1]', (n) => n > 0 && n <= 1).optional(),
  oomAboveUtilization: num('expected a fraction in (0, 1]', (n) => n > 0 && n <= 1).optional(),
  scenario: z.enum(SIM_SCENARIO_NAMES, { error: `expected one of ${SIM_SCENARIO_NAMES.join(', ')} (aibench sim --list-scenarios)` }).optional(),
  prefixCaching: z.enum(['true', 'false'], { error: 'expected true or false' }).optional(),
  numGpuBlocks: num('expected an integer >= 1', (n) => isInt(n) && n >= 1).optional(),
  batchQueueDelayMs: num('expected milliseconds >= 0', (n) => n >= 0).optional(),
  requestLog: text('expected a file path').optional(),
});

/** Parse `vllm serve`-style arguments (after `sim`); env supplies VLLM_API_KEY when --api-key is absent. */
export function parseSimArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ParsedSimArgs {
  const { raw, ignored } = scanArgs(argv);
  if (raw.apiKey === undefined && env['VLLM_API_KEY']) raw.apiKey = env['VLLM_API_KEY'];
  const parsed = rawSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    const flag = FLAG_BY_KEY.get(key) ?? key;
    const got = key === 'apiKey' ? '(hidden)' : JSON.stringify(raw[key as keyof RawArgs] ?? null);
    throw new UsageError(`${flag}: ${issue.message}, got ${got}`, { hint: 'Run `aibench sim --help` for the flags and their ranges.' });
  }
  // zod leaves flags that were not given out of the result, so `given` only overrides what was typed.
  const { model: named, servedModelNames, crashOnStart, apiKey, defaultMaxTokens, readyFile, oomAboveUtilization, scenario, prefixCaching, requestLog, ...given } = parsed.data;
  const model = named ?? DEFAULT_SIM_MODEL;
  const base = scenarioOptions(scenario);
  const options: SimOptions = {
    ...SIM_DEFAULTS,
    crashMessage: undefined,
    ...base,
    ...given,
    model,
    servedModelNames: servedModelNames ?? [model],
    crashOnStart: crashOnStart === undefined ? (base.crashOnStart ?? false) : crashOnStart === 'true',
    prefixCaching: prefixCaching === undefined ? SIM_DEFAULTS.prefixCaching : prefixCaching === 'true',
    apiKey,
    defaultMaxTokens,
    readyFile,
    oomAboveUtilization,
    requestLog,
  };
  return { options, ignored };
}

// Walk argv once: known flags (with `--flag value` or `--flag=value`, underscores accepted as in
// vLLM), one positional model, and unknown flags that are collected and skipped with their value.
function scanArgs(argv: readonly string[]): { raw: RawArgs; ignored: string[] } {
  const raw: Record<string, string | string[]> = {};
  const ignored: string[] = [];
  const positionals: string[] = [];
  const isValue = (token: string | undefined): token is string => token !== undefined && (!token.startsWith('-') || /^-\d/.test(token));
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      positionals.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = (eq === -1 ? token : token.slice(0, eq)).replace(/_/g, '-');
    const inline = eq === -1 ? undefined : token.slice(eq + 1);
    const spec = FLAGS[name];
    if (spec === undefined) {
      if (!ignored.includes(name)) ignored.push(name);
      const isSwitch = VLLM_SWITCHES.has(name) || SWITCH_PREFIX.test(name);
      if (inline === undefined && !isSwitch && isValue(argv[i + 1])) i++;
      continue;
    }
    if (spec.kind === 'bool' || spec.kind === 'off') {
      raw[spec.key] = spec.kind === 'off' ? 'false' : (inline ?? 'true');
    } else if (spec.kind === 'list') {
      const names = inline !== undefined ? [inline] : [];
      while (inline === undefined && isValue(argv[i + 1])) names.push(argv[++i]!);
      raw[spec.key] = names;
    } else {
      const value = inline ?? (argv[i + 1] !== undefined && isValue(argv[i + 1]) ? argv[++i] : undefined);
      if (value === undefined) throw new UsageError(`${name}: expected a value, got nothing`);
      raw[spec.key] = value;
    }
  }
  if (positionals.length > 0) {
    if (raw['model'] !== undefined || positionals.length > 1) {
      throw new UsageError(`Expected one model argument, got ${positionals.map((p) => JSON.stringify(p)).join(', ')}${raw['model'] !== undefined ? ' and --model' : ''}`);
    }
    raw['model'] = positionals[0]!;
  }
  return { raw: raw as RawArgs, ignored };
}

