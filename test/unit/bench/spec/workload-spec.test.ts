// The workload modes as typed on the command line (`bench run` and `bench search` flags) -> the
// BenchSpec's tagged variants, and every combination that cannot mean anything refused with exit 2
// naming the flag (or the profile key).
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { BenchSpec } from '../../../../src/bench/spec/bench-spec.js';
import { mergeInput, type BenchInput } from '../../../../src/bench/spec/bench-input.js';
import { parsePrecision, parseRange } from '../../../../src/bench/spec/build-search.js';
import { buildBenchSpec } from '../../../../src/bench/spec/build-spec.js';
import { addSpecOptions, SEARCH_FLAGS, SPEC_FLAGS, settingLabel, typedInput } from '../../../../src/cli/bench-options.js';
import { ExitCode, UsageError } from '../../../../src/errors.js';

const FLAGS = [...SPEC_FLAGS, ...SEARCH_FLAGS];

function specOf(argv: string[], profile: BenchInput = {}): BenchSpec {
  const cmd = addSpecOptions(new Command('x').exitOverride(), FLAGS);
  cmd.parse(argv, { from: 'user' });
  const typed = typedInput(cmd, FLAGS);
  return buildBenchSpec(mergeInput(profile, typed), { label: settingLabel(typed, { path: 'p.yaml', input: profile }) });
}

function fails(argv: string[], profile: BenchInput = {}): string {
  try {
    specOf(argv, profile);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.USAGE);
    return (error as Error).message;
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
}

describe('ramp-up', () => {
  it('becomes a ramp load with gamma arrivals, over the duration', () => {
    const spec = specOf(['--ramp-up', 'exponential', '--ramp-up-start', '2', '--ramp-up-end', '32', '--burstiness', '0.5', '--duration-seconds', '20']);
    expect(spec.loads).toEqual([{ kind: 'ramp', shape: 'exponential', start_rate: 2, end_rate: 32, burstiness: 0.5 }]);
    expect(spec.stop.duration_s).toBe(20);
  });

  it('refuses a ramp with concurrency, with a rate, without its ends, and ends without a ramp', () => {
    expect(fails(['--ramp-up', 'linear', '--ramp-up-start', '1', '--ramp-up-end', '4', '--concurrency', '4'])).toMatch(/--ramp-up: expected rate mode: a ramp moves the request rate, got it with concurrency/);
    expect(fails(['--ramp-up', 'linear', '--ramp-up-start', '1', '--ramp-up-end', '4', '--rate', '4'])).toMatch(/--ramp-up: expected rate or ramp_up, not both/);
    expect(fails(['--ramp-up', 'linear', '--ramp-up-end', '4'])).toBe('--ramp-up-start: expected the starting rate (req/s) of the ramp, got none');
    expect(fails(['--ramp-up-end', '4'])).toBe('--ramp-up-end: only read with ramp_up (linear or exponential), got it without');
    expect(() => specOf(['--ramp-up', 'sideways'])).toThrow(/Allowed choices are linear, exponential/);
  });

  it('a profile ramp is named by its key, and a typed --concurrency replaces the profile ramp mode', () => {
    expect(fails([], { ramp_up: 'linear', ramp_up_start: 1, rate: 2 })).toMatch(/^Invalid benchmark settings:\n  p.yaml: ramp_up: expected rate or ramp_up, not both.*\n  --ramp-up-end: expected the final rate/);
    expect(specOf(['--rate', '3'], { ramp_up: 'linear' }).loads).toEqual([{ kind: 'rate', rate: 3, burstiness: 1 }]);
  });
});

describe('shared-prefix dataset', () => {
  it('K prefixes of N tokens inside input_len', () => {
    const spec = specOf(['--dataset', 'prefix', '--prefix-len', '512', '--num-prefixes', '4', '--input-len', '600', '--output-len', '8']);
    expect(spec.dataset).toEqual({ kind: 'prefix', prefix_len: 512, num_prefixes: 4, input_len: 600, output_len: 8 });
  });

  it('refuses a prefix as long as the prompt, a missing prefix length, and prefix keys on another dataset', () => {
    expect(fails(['--dataset', 'prefix', '--prefix-len', '700', '--input-len', '600'])).toBe('--prefix-len: expected fewer tokens than input_len (600) so every request has a unique suffix, got 700');
    expect(fails(['--dataset', 'prefix', '--prefix-len', '1024'])).toMatch(/fewer tokens than input_len \(1024\)/);
    expect(fails(['--dataset', 'prefix'])).toMatch(/^--prefix-len: expected the shared prefix length/);
    expect(fails(['--prefix-len', '10'])).toBe('--prefix-len: only read for dataset prefix, got it with dataset random');
  });
});

describe('multi-turn conversations', () => {
  it('sharegpt or jsonl with --multi-turn become sessions on chat', () => {
    const spec = specOf(['--dataset', 'jsonl', '--dataset-path', 'c.jsonl', '--multi-turn', '--think-time-ms', '250', '--max-turns', '3', '--concurrency', '8']);
    expect(spec.dataset).toEqual({ kind: 'conversation', format: 'jsonl', path: 'c.jsonl', think_time_ms: 250, max_turns: 3 });
    expect(spec.target.api).toBe('chat');
    expect(spec.loads).toEqual([{ kind: 'concurrency', concurrency: 8 }]);
  });

  it('refuses completions, warmup, and session keys without --multi-turn', () => {
    expect(fails(['--dataset', 'sharegpt', '--dataset-path', 'x', '--multi-turn', '--api', 'completions'])).toMatch(/^--api: expected chat for multi_turn/);
    expect(fails(['--dataset', 'sharegpt', '--dataset-path', 'x', '--multi-turn', '--warmup', '2'])).toMatch(/^--warmup: not read with multi_turn/);
    expect(fails(['--dataset', 'sharegpt', '--dataset-path', 'x', '--think-time-ms', '5'])).toBe('--think-time-ms: only read with multi_turn (conversations), got it without');
  });
});

describe('trace replay', () => {
  it('a trace brings its own arrivals and replays to its end unless stopped first', () => {
    const spec = specOf(['--dataset', 'trace', '--dataset-path', 'day.csv', '--time-scale', '0.25', '--max-concurrency', '64']);
    expect(spec.dataset).toEqual({ kind: 'trace', format: 'azure', path: 'day.csv', block_size: 512 });
    expect(spec.loads).toEqual([{ kind: 'trace', time_scale: 0.25, max_concurrency: 64 }]);
    expect(spec.stop).toEqual({ on_deadline: 'finish', deadline_grace_s: 60, until_end: true });
    expect(specOf(['--dataset', 'trace', '--dataset-path', 't.jsonl', '--num-requests', '10']).stop.num_requests).toBe(10);
    expect(specOf(['--dataset', 'trace', '--dataset-path', 't.jsonl']).dataset).toMatchObject({ format: 'mooncake' });
  });

  it('refuses a load mode, output lengths, warmup, block size on azure, and time_scale without a trace', () => {
    expect(fails(['--dataset', 'trace', '--dataset-path', 't', '--rate', '5'])).toBe('--rate: a trace replays its own arrival times: scale them with time_scale instead');
    expect(fails(['--dataset', 'trace', '--dataset-path', 't', '--output-len', '5'])).toBe('--output-len: a trace gives each request its output length');
    expect(fails(['--dataset', 'trace', '--dataset-path', 't.csv', '--trace-block-size', '64'])).toMatch(/^--trace-block-size: only read for trace_format mooncake/);
    expect(fails(['--time-scale', '2'])).toBe('--time-scale: only read for dataset trace, got it with dataset random');
    expect(fails(['--dataset', 'trace', '--dataset-path', 't', '--time-scale', '0'])).toMatch(/--time-scale: expected a number > 0/);
  });
});

describe('batch', () => {
  it('--api batch is one job of num_requests chat items', () => {
    const spec = specOf(['--api', 'batch', '--num-requests', '500', '--batch-poll-interval', '0.5']);
    expect(spec.loads).toEqual([{ kind: 'batch', poll_interval_s: 0.5 }]);
    expect(spec.target.api).toBe('chat');
    expect(spec.stop.num_requests).toBe(500);
  });

  it('refuses a load, a duration, warmup, conversations and a split over client processes', () => {
    expect(fails(['--api', 'batch', '--duration', '1'])).toMatch(/^--duration: not read with api batch: a batch is one job/);
    expect(fails(['--api', 'batch', '--concurrency', '4'])).toMatch(/^--concurrency: not read with api batch/);
    expect(fails(['--api', 'batch', '--workers', '2'])).toMatch(/--workers: a batch cannot be split over client processes/);
    expect(fails(['--batch-poll-interval', '1'])).toBe('--batch-poll-interval: only read with api batch, got it without');
  });
});

describe('search', () => {
  it('SLOs, a range, precision, budget and each step\'s duration', () => {
    const spec = specOf(['--slo', 'p99_ttft_ms<=500', '--slo', 'p99_tpot_ms<50', '--rate-range', '1:64', '--precision', '2.5%', '--step-duration', '0.25', '--max-steps', '9']);
    expect(spec.search).toEqual({ over: 'rate', lo: 1, hi: 64, slo: ['p99_ttft_ms<=500', 'p99_tpot_ms<50'], precision_pct: 2.5, max_steps: 9 });
    expect(spec.loads).toEqual([{ kind: 'rate', rate: 1, burstiness: 1 }]);
    expect(spec.stop.duration_s).toBe(15);
    expect(spec.percentiles).toEqual([90, 95, 99]);
    const conc = specOf(['--slo', 'p99_e2el_ms<=9000', '--concurrency-range', '2:40', '--num-requests', '50']);
    expect(conc.search).toMatchObject({ over: 'concurrency', lo: 2, hi: 40, precision_pct: 5, max_steps: 12 });
    expect(conc.stop).toMatchObject({ num_requests: 50 });
    expect(conc.stop.duration_s).toBeUndefined();
  });

  it('refuses an unknown metric, an empty or inverted range, a fractional concurrency, no SLO and a fixed load', () => {
    expect(fails(['--slo', 'p99_latency<=5', '--rate-range', '1:4'])).toMatch(/^--slo: unknown result field "p99_latency"/);
    expect(fails(['--slo', 'p99_ttft_ms<=5', '--rate-range', '4:4'])).toBe('--rate-range: expected LO < HI, got an empty range "4:4"');
    expect(fails(['--slo', 'p99_ttft_ms<=5', '--rate-range', '8:2'])).toMatch(/empty range "8:2"/);
    expect(fails(['--slo', 'p99_ttft_ms<=5', '--concurrency-range', '1:2.5'])).toMatch(/^--concurrency-range: expected whole numbers/);
    expect(fails(['--rate-range', '1:4'])).toMatch(/^--slo: expected at least one SLO/);
    expect(fails(['--slo', 'p99_ttft_ms<=5'])).toMatch(/^--rate-range: expected rate_range LO:HI/);
    expect(fails(['--slo', 'p99_ttft_ms<=5', '--rate-range', '1:4', '--concurrency', '2'])).toMatch(/^--concurrency: not read by a search/);
    expect(fails(['--slo', 'p99_ttft_ms<=5', '--rate-range', '1:4', '--precision', '0'])).toMatch(/^--precision: expected a percentage between 0 and 100/);
  });

  it('parses ranges and precisions on their own', () => {
    expect(parseRange('0.5:12', false)).toEqual([0.5, 12]);
    expect(parseRange([2, 8], true)).toEqual([2, 8]);
    expect(() => parseRange('1:', false)).toThrow(/expected LO:HI/);
    expect(parsePrecision('5%')).toBe(5);
    expect(parsePrecision(10)).toBe(10);
  });
});

describe('splits keep each mode\'s meaning', () => {
  it('workers over a ramp, a trace and conversations are accepted; a batch is refused', () => {
    expect(specOf(['--ramp-up', 'linear', '--ramp-up-start', '2', '--ramp-up-end', '8', '--workers', '2']).client.workers).toBe(2);
    expect(specOf(['--dataset', 'trace', '--dataset-path', 't', '--workers', '2']).client.workers).toBe(2);
    expect(fails(['--api', 'batch', '--workers', '2'])).toMatch(/cannot be split/);
  });
});
