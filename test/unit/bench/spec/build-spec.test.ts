// Profile + typed flags -> one BenchSpec: merge by source (a flag default never beats the file),
// defaults applied once, every refusal naming the flag or the profile key, the value and the bound.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { BENCH_SPEC_VERSION, parseBenchSpec, type BenchSpec } from '../../../../src/bench/spec/bench-spec.js';
import { mergeInput, type BenchInput } from '../../../../src/bench/spec/bench-input.js';
import { buildBenchSpec } from '../../../../src/bench/spec/build-spec.js';
import { parseBenchProfile } from '../../../../src/bench/spec/profile.js';
import { addSpecOptions, settingLabel, typedInput } from '../../../../src/cli/bench-options.js';
import { UsageError } from '../../../../src/errors.js';

// The real `bench run` settings flags, so value sources are commander's own ('cli' vs 'default').
function specOf(argv: string[], profile: BenchInput = {}, profilePath = 'p.yaml'): BenchSpec {
  const cmd = addSpecOptions(new Command('run').exitOverride().configureOutput({ writeErr: () => undefined }));
  cmd.parse(argv, { from: 'user' });
  const typed = typedInput(cmd);
  return buildBenchSpec(mergeInput(profile, typed), { label: settingLabel(typed, { path: profilePath, input: profile }) });
}

const profile = parseBenchProfile({ duration: 0.25, concurrency: [2, 4], seed: 7, warmup: 3, api: 'chat', input_len: 64 }, 'p.yaml');

describe('merge by source', () => {
  it('a flag default never overrides the profile', () => {
    const spec = specOf([], profile);
    expect(spec.seed).toBe(7);
    expect(spec.warmup).toBe(3);
    expect(spec.target.api).toBe('chat');
    expect(spec.dataset).toEqual({ kind: 'random', input_len: 64, output_len: 128, range_ratio: 0 });
    expect(spec.stop).toEqual({ duration_s: 15, on_deadline: 'finish', deadline_grace_s: 60 });
    expect(spec.loads).toEqual([{ kind: 'concurrency', concurrency: 2 }, { kind: 'concurrency', concurrency: 4 }]);
  });

  it('a typed flag overrides the profile, even when it equals the default', () => {
    const spec = specOf(['--seed', '0', '--warmup', '1', '--api', 'completions'], profile);
    expect(spec.seed).toBe(0);
    expect(spec.warmup).toBe(1);
    expect(spec.target.api).toBe('completions');
  });

  it('gates add up: a typed --fail-on / --assert joins the profile\'s, never drops one', () => {
    const spec = specOf(['--fail-on', 'failed>0', '--assert', 'server_metrics.preemptions == 0'], { fail_on: ['p99_ttft_ms>500', 'failed>0'], assert: ['ttft_breakdown.queue_ms < 50'] });
    expect(spec.fail_on).toEqual(['p99_ttft_ms>500', 'failed>0']);
    expect(spec.assert).toEqual(['ttft_breakdown.queue_ms < 50', 'server_metrics.preemptions == 0']);
  });

  it('typing one member of a group replaces the profile choice (duration, load pattern, target)', () => {
    const spec = specOf(['--duration-seconds', '30', '--rate', '2,4', '--url', 'http://h:1'], { ...profile, sim: { itl_ms: 1 } });
    expect(spec.stop.duration_s).toBe(30);
    expect(spec.loads).toEqual([{ kind: 'rate', rate: 2, burstiness: 1 }, { kind: 'rate', rate: 4, burstiness: 1 }]);
    expect(spec.target.url).toBe('http://h:1');
    expect(spec.sim).toBeUndefined();
  });
});

describe('defaults live in the spec', () => {
  it('with nothing given: 100 requests at concurrency 1, random 1024/128, the three percentiles', () => {
    const spec = specOf([]);
    expect(spec).toEqual({
      spec_version: BENCH_SPEC_VERSION,
      target: { api: 'completions' },
      dataset: { kind: 'random', input_len: 1024, output_len: 128, range_ratio: 0 },
      seed: 0,
      loads: [{ kind: 'concurrency', concurrency: 1 }],
      stop: { num_requests: 100, on_deadline: 'finish', deadline_grace_s: 60 },
      warmup: 0,
      percentiles: [90, 95, 99],
      fail_on: [],
      save_detailed: false,
      repeat: 1,
      client: { placement: 'local', tasks: 1, workers: 1 },
      scrape_interval_s: 1,
    });
  });

  it('a gate on a percentile nobody asked for makes it computed, not missing', () => {
    expect(specOf(['--fail-on', 'p99.9_ttft_ms>500', '--fail-on', 'p50_itl_ms>5']).percentiles).toEqual([50, 90, 95, 99, 99.9]);
  });

  it('every spec it builds is valid as a serialised spec, and reads back equal', () => {
    const spec = specOf(['--rate', '3', '--max-concurrency', '8', '--duration', '0.5', '--goodput', 'ttft:300', '--save-detailed'], profile);
    expect(parseBenchSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    expect(spec.slo).toEqual({ ttft_ms: 300 });
  });
});

describe('refusals name the flag or the profile key, the value and what was expected', () => {
  const fails = (argv: string[], p: BenchInput = {}): string => {
    try {
      specOf(argv, p);
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      if (error instanceof UsageError) expect(error.exitCode).toBe(2);
      return (error as Error).message;
    }
    throw new Error(`expected ${argv.join(' ')} to be refused`);
  };

  it('bounds: 1e9 is too large, not "not > 0"', () => {
    expect(fails(['--concurrency', '1e9'])).toBe(
      '--concurrency: expected at most 100000 requests in flight (each holds a socket); split a bigger load with --client-tasks, got 1000000000',
    );
    expect(fails(['--input-len', '1000000000'])).toBe('--input-len: expected an integer <= 1048576, got 1000000000');
    expect(fails(['--concurrency', '0'])).toBe('--concurrency: expected an integer >= 1, got 0');
    expect(fails(['--num-requests', '2.5'])).toBe('--num-requests: expected an integer, got 2.5');
    expect(fails([], { concurrency: 0 })).toBe('p.yaml: concurrency: expected an integer >= 1, got 0');
  });

  it('text that is no number, and lists with empty items, are refused by the flag parser', () => {
    expect(fails(['--concurrency', 'abc'])).toMatch(/'--concurrency <n\[,n\.\.\.\]>' argument 'abc' is invalid\. expected a comma-separated list of integers/);
    expect(fails(['--concurrency', '1,,2'])).toMatch(/no empty item, got "1,,2"/);
    expect(fails(['--rate', '2,'])).toMatch(/no empty item, got "2,"/);
    expect(fails(['--input-len', ''])).toMatch(/expected a number, got ""/);
  });

  it('conflicts and settings the chosen mode would ignore', () => {
    expect(fails(['--duration', '1', '--duration-seconds', '5'])).toBe('--duration-seconds: expected duration or duration_seconds, not both (duration is minutes, duration_seconds seconds)');
    expect(fails(['--concurrency', '2', '--rate', '1'])).toMatch(/^--rate: expected concurrency or rate, not both/);
    expect(fails(['--rate', 'inf', '--duration', '1'])).toMatch(/^--rate: inf without max_concurrency needs num_requests/);
    expect(fails(['--dataset', 'jsonl'])).toBe('--dataset-path: expected a file for dataset jsonl, got none');
    expect(fails(['--dataset-path', 'x.json'])).toBe('--dataset-path: only read for datasets sharegpt, jsonl or trace, got it with dataset random');
    expect(fails(['--dataset', 'sharegpt', '--dataset-path', 'x', '--input-len', '5'])).toBe('--input-len: only read for datasets random or prefix, got it with dataset sharegpt');
    expect(fails(['--max-concurrency', '4'])).toBe('--max-concurrency: only read in rate mode (with rate or ramp_up) or with a trace, got it without');
    expect(fails(['--concurrency', '2,2'])).toMatch(/^--concurrency: expected distinct levels/);
    expect(fails(['--url', 'http://h:1', '--service', 's1'])).toMatch(/^--service: expected url or service, not both/);
  });

  it('several problems are all listed', () => {
    const message = fails(['--dataset-path', 'x', '--max-concurrency', '2']);
    expect(message).toMatch(/^Invalid benchmark settings:\n {2}--dataset-path: .*\n {2}--max-concurrency: /);
  });

  it('durations: minutes and seconds through the one conversion, units and zero refused', () => {
    expect(specOf(['--duration', '0.1']).stop.duration_s).toBe(6);
    expect(fails(['--duration', '0'])).toMatch(/^--duration: expected minutes as a number > 0/);
    expect(fails(['--duration', '5m'])).toBe('--duration: expected minutes as a number > 0 (e.g. 0.5 or 10), got "5m"');
    expect(fails(['--duration-seconds', '1e9'])).toMatch(/^--duration-seconds: expected/);
  });

  it('a URL with credentials is refused up front, never echoing the password', () => {
    for (const url of ['http://alice:s3cret@host', 'https://alice:s3cret@host:8000/v1', 'http://alice@host']) {
      const message = fails(['--url', url]);
      expect(message).toMatch(/^--url: expected a URL without user:password@ \(put the API key in --api-key-file\), got http/);
      expect(message).toContain('://***@host');
      expect(message).not.toContain('s3cret');
      expect(message).not.toContain('alice');
    }
    expect(fails([], { url: 'http://u:secret@h:1' })).toBe('p.yaml: url: expected a URL without user:password@ (put the API key in --api-key-file), got http://***@h:1');
  });

  it('a non-http(s) or malformed URL is refused; a good one is kept', () => {
    expect(fails(['--url', 'ftp://host/x'])).toBe('--url: expected an http:// or https:// URL like http://node1:8000, got "ftp://host/x"');
    expect(fails(['--url', 'node1:8000'])).toMatch(/^--url: expected an http:\/\/ or https:\/\/ URL/);
    expect(specOf(['--url', 'https://api.example.com/v1']).target.url).toBe('https://api.example.com/v1');
  });

  it('scale-out rules: tasks need the cluster client, and every client needs a share of the load', () => {
    expect(fails([], { client: 'cluster', url: 'http://h:1' })).toMatch(/^p\.yaml: client: cluster runs the client inside the cluster next to a service: expected a service, got a url/);
    expect(fails([], { client_tasks: 2 })).toMatch(/\n {2}p\.yaml: client_tasks: expected client cluster for more than one client task/);
    expect(fails([], { workers: 4, concurrency: 2 })).toMatch(/^p\.yaml: concurrency: expected at least one request in flight per client \(1 task\(s\) x 4 worker\(s\) = 4\), got 2/);
  });
});

describe('profiles', () => {
  it('errors name the file, the key path and the bad value', () => {
    expect(() => parseBenchProfile({ concurrency: -2 }, 'q.yaml')).toThrow(/q\.yaml: concurrency: .*, got -2/);
    expect(() => parseBenchProfile({ sim: { itl_ms: -5 } }, 'q.yaml')).toThrow(/q\.yaml: sim\.itl_ms: .*, got -5/);
    expect(() => parseBenchProfile({ sim: { itl: 3 } }, 'q.yaml')).toThrow(/q\.yaml: sim: unknown key "itl"/);
    expect(() => parseBenchProfile({ concurency: 3 }, 'q.yaml')).toThrow(/q\.yaml: \(root\): unknown key "concurency"/);
  });
});

describe('spec files from another process', () => {
  it('a newer spec_version is refused naming both versions; a broken one lists its issues', () => {
    const spec = specOf([]);
    expect(() => parseBenchSpec({ ...spec, spec_version: 2 }, 'job.json')).toThrow(`job.json: spec_version 2 is newer than this aibench understands (${BENCH_SPEC_VERSION})`);
    expect(() => parseBenchSpec({ ...spec, loads: [] }, 'job.json')).toThrow(/job\.json: not a valid benchmark spec .*\n {2}loads: /);
  });
});

describe('assertions and scraping are checked before any request (exit 2)', () => {
  it('assertions are kept, and a percentile they name is computed', () => {
    const spec = specOf(['--assert', 'server_metrics.preemptions == 0', '--assert', 'p99.9_ttft_ms < 500', '--scrape-interval', '0']);
    expect(spec.assert).toEqual(['server_metrics.preemptions == 0', 'p99.9_ttft_ms < 500']);
    expect(spec.percentiles).toContain(99.9);
    expect(spec.scrape_interval_s).toBe(0);
  });
  it.each([
    [['--assert', 'server_metrics.preemptions = 0'], /^--assert: unexpected "= 0" at column 28/],
    [['--assert', 'gpu.watts < 5'], /^--assert: unknown result field "gpu.watts"/],
    [['--assert-promql', 'max(x) < 1'], /^--assert-promql: expected a Prometheus to ask: set monitoring.prometheus_url/],
    [['--assert-promql', 'max(x{j="$slurm_job_id"}) < 1', '--prometheus-url', 'http://p:9090'], /^--assert-promql: \$slurm_job_id names the service's job, but this run has no service/],
    [['--assert-promql', 'max(x) <', '--prometheus-url', 'http://p:9090'], /^--assert-promql: expected 'QUERY OP NUMBER'/],
    [['--prometheus-url', 'ftp://p'], /^--prometheus-url: expected an http/],
    [['--scrape-interval', '-1'], /^--scrape-interval: expected seconds >= 0/],
  ])('refuses %j', (argv, message) => {
    expect(() => specOf(argv)).toThrow(UsageError);
    expect(() => specOf(argv)).toThrow(message);
  });
  it('a profile key is named by its file', () => {
    expect(() => specOf([], { assert: ['p99_ttft_ms <'] })).toThrow(/^p\.yaml: assert: expected a number, a field or \(/);
  });
});
