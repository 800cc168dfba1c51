import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseBenchProfile } from '../../../../src/bench/spec/profile.js';
import { resolveBenchSettings, type BenchFlags, type BenchSettings } from '../../../../src/bench/spec/settings.js';
import { UsageError } from '../../../../src/errors.js';

// A commander command with the same defaults as `bench run`, so sources are real ('cli' vs 'default').
function parse(argv: string[]): { flags: BenchFlags; source: (n: keyof BenchFlags) => string | undefined } {
  const cmd = new Command('run')
    .option('--url <u>').option('--duration <m>').option('--duration-seconds <s>').option('--num-requests <n>')
    .option('--concurrency <n>').option('--rate <r>').option('--burstiness <b>', '', '1').option('--max-concurrency <n>')
    .option('--warmup <n>', '', '0').option('--dataset <k>', '', 'random').option('--dataset-path <f>')
    .option('--input-len <n>').option('--output-len <n>').option('--range-ratio <r>', '', '0').option('--seed <n>', '', '0')
    .option('--api <k>', '', 'completions').option('--on-deadline <m>', '', 'finish').option('--percentiles <l>').option('--goodput <s>');
  cmd.parse(argv, { from: 'user' });
  return { flags: cmd.opts<BenchFlags>(), source: (n) => cmd.getOptionValueSource(n) };
}

const profile = parseBenchProfile({ duration: 0.25, concurrency: [2, 4], seed: 7, warmup: 3, range_ratio: 0.5, api: 'chat' }, 'p.yaml');

describe('profile merge by source', () => {
  it('a flag default never overrides the profile', () => {
    const { flags, source } = parse([]);
    const s = resolveBenchSettings(flags, source, profile);
    expect(s.dataset.seed).toBe(7);
    expect(s.warmup).toBe(3);
    expect(s.dataset.rangeRatio).toBe(0.5);
    expect(s.api).toBe('chat');
    expect(s.stop).toEqual({ durationS: 15, numRequests: undefined });
    expect(s.loads).toEqual([{ kind: 'concurrency', concurrency: 2 }, { kind: 'concurrency', concurrency: 4 }]);
  });

  it('a typed flag overrides the profile, even when it equals the default', () => {
    const { flags, source } = parse(['--seed', '0', '--warmup', '1', '--api', 'completions']);
    const s = resolveBenchSettings(flags, source, profile);
    expect(s.dataset.seed).toBe(0);
    expect(s.warmup).toBe(1);
    expect(s.api).toBe('completions');
  });

  it('typing one member of a group replaces the profile choice (duration, load pattern)', () => {
    const { flags, source } = parse(['--duration-seconds', '30', '--rate', '2,4']);
    const s = resolveBenchSettings(flags, source, profile);
    expect(s.stop.durationS).toBe(30);
    expect(s.loads).toEqual([
      { kind: 'rate', rate: 2, burstiness: 1 },
      { kind: 'rate', rate: 4, burstiness: 1 },
    ]);
  });

  it('without profile, duration or count it sends the default 100 requests at concurrency 1', () => {
    const { flags, source } = parse([]);
    const s = resolveBenchSettings(flags, source);
    expect(s.stop).toEqual({ durationS: undefined, numRequests: 100 });
    expect(s.loads).toEqual([{ kind: 'concurrency', concurrency: 1 }]);
    expect(s.percentiles).toEqual([90, 95, 99]);
  });

  it('refuses bad and conflicting values with the setting named', () => {
    const bad = (argv: string[]): (() => unknown) => () => {
      const { flags, source } = parse(argv);
      return resolveBenchSettings(flags, source);
    };
    expect(bad(['--duration', '0'])).toThrow(/duration/);
    expect(bad(['--duration', '5m'])).toThrow(/duration: expected minutes/);
    expect(bad(['--duration', '1', '--duration-seconds', '5'])).toThrow(/not both/);
    expect(bad(['--concurrency', '0'])).toThrow(/concurrency: expected an integer >= 1, got "0"/);
    expect(bad(['--concurrency', '2', '--rate', '1'])).toThrow(/not both/);
    expect(bad(['--rate', 'inf', '--duration', '1'])).toThrow(/num-requests/);
    expect(bad(['--dataset', 'jsonl'])).toThrow(/dataset-path/);
  });

  it('refuses a URL with credentials up front, never echoing the password', () => {
    for (const url of ['http://alice:s3cret@host', 'https://alice:s3cret@host:8000/v1', 'http://alice@host']) {
      const { flags, source } = parse(['--url', url]);
      let error: unknown;
      try {
        resolveBenchSettings(flags, source);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitCode).toBe(2);
      const message = (error as Error).message;
      expect(message).toMatch(/^url: expected a URL without user:password@ \(put the API key in --api-key-file\), got http/);
      expect(message).toContain('://***@host');
      expect(message).not.toContain('s3cret');
      expect(message).not.toContain('alice');
    }
    // A profile's url goes through the same check.
    const { flags, source } = parse([]);
    expect(() => resolveBenchSettings(flags, source, parseBenchProfile({ url: 'http://u:secret@h:1' }, 'p.yaml'))).toThrow(
      'url: expected a URL without user:password@ (put the API key in --api-key-file), got http://***@h:1',
    );
  });

  it('refuses a non-http(s) or malformed URL and keeps a good one', () => {
    const run = (url: string): BenchSettings => {
      const { flags, source } = parse(['--url', url]);
      return resolveBenchSettings(flags, source);
    };
    expect(() => run('ftp://host/x')).toThrow('url: expected an http:// or https:// URL like http://node1:8000, got "ftp://host/x"');
    expect(() => run('node1:8000')).toThrow(/^url: expected an http:\/\/ or https:\/\/ URL/);
    expect(() => run('not a url')).toThrow(UsageError);
    expect(run('http://node1:8000').url).toBe('http://node1:8000');
    expect(run('https://api.example.com/v1').url).toBe('https://api.example.com/v1');
  });

  it('profile errors name the file, the key path and the bad value', () => {
    expect(() => parseBenchProfile({ concurrency: -1 }, 'q.yaml')).toThrow(/q\.yaml: concurrency/);
    expect(() => parseBenchProfile({ concurrency: -2 }, 'q.yaml')).toThrow(/q\.yaml: concurrency: .*, got -2/);
    expect(() => parseBenchProfile({ sim: { itl_ms: -5 } }, 'q.yaml')).toThrow(/q\.yaml: sim\.itl_ms: .*, got -5/);
    expect(() => parseBenchProfile({ sim: { itl: 3 } }, 'q.yaml')).toThrow(/q\.yaml: sim: unknown key "itl"/);
    expect(() => parseBenchProfile({ duration: 1, duration_seconds: 60 }, 'q.yaml')).toThrow(/duration_seconds/);
  });
});
