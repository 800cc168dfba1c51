// The simulator's pieces for the new workloads: the prefix cache (chained block hashes, whole blocks
// only, never the last token, LRU), the batch timeline on max-num-seqs slots, the multipart upload
// parser, and the named scenarios (flags override them; an unknown name lists the valid ones).
import { describe, expect, it } from 'vitest';
import { planBatch } from '../../../src/sim/batch/batch-plan.js';
import { multipartBoundary, parseMultipart } from '../../../src/sim/batch/multipart.js';
import { blockHashes, PrefixCache } from '../../../src/sim/prefix-cache.js';
import { describeScenarios, SIM_SCENARIO_NAMES } from '../../../src/sim/scenarios.js';
import { embeddedSimOptions } from '../../../src/sim/embedded-profile.js';
import { parseSimArgs } from '../../../src/cli/sim-args.js';

const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('prefix cache', () => {
  it('a block\'s hash depends on every token before it', () => {
    const a = blockHashes([...ids(0, 16), ...ids(100, 16)]);
    const b = blockHashes([...ids(1, 16), ...ids(100, 16)]);
    expect(a).toHaveLength(2);
    expect(a[1]).not.toBe(b[1]); // same second block, different prefix
    expect(blockHashes(ids(0, 15))).toEqual([]);
  });

  it('hits whole leading blocks shared with earlier prompts, never the last token', () => {
    const cache = new PrefixCache(1000);
    const shared = ids(0, 40);
    expect(cache.admit([...shared, ...ids(500, 10)])).toBe(0);
    expect(cache.admit([...shared, ...ids(900, 10)])).toBe(32); // blocks 0-15 and 16-31; 32-47 differs
    expect(cache.admit(ids(0, 32))).toBe(16); // both blocks cached, but the last token is always computed
    expect(cache.admit(ids(7, 40))).toBe(0);
  });

  it('evicts the least recently used blocks beyond its capacity', () => {
    const cache = new PrefixCache(2);
    cache.admit(ids(0, 33)); // 2 blocks
    cache.admit(ids(1000, 17)); // 1 block: evicts the oldest
    expect(cache.size).toBe(2);
    expect(cache.admit(ids(0, 33))).toBe(0);
  });
});

describe('batch timeline', () => {
  const model = { prefillOverheadMs: 10, prefillMsPerToken: 0, itlMs: 5, jitter: 0 };
  it('items run in order on the slots; the job lasts until the last one ends', () => {
    const items = Array.from({ length: 5 }, () => ({ promptTokens: 8, outputTokens: 3 })); // 10 + 2 x 5 = 20 ms each
    expect(planBatch(model, 2, items, () => 0.5)).toEqual({ finishMs: [20, 20, 40, 40, 60], durationMs: 60 });
    expect(planBatch(model, 8, items, () => 0.5).durationMs).toBe(20);
  });
});

describe('multipart upload', () => {
  it('reads the named parts of a form body', () => {
    const boundary = 'x-123';
    const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="in.jsonl"\r\nContent-Type: application/jsonl\r\n\r\n{"a":1}\n{"b":2}\n\r\n--${boundary}--\r\n`);
    expect(multipartBoundary(`multipart/form-data; boundary=${boundary}`)).toBe(boundary);
    expect(multipartBoundary('application/json')).toBeUndefined();
    const parts = parseMultipart(body, boundary);
    expect(parts.map((p) => [p.name, p.filename, p.data.toString()])).toEqual([['purpose', undefined, 'batch'], ['file', 'in.jsonl', '{"a":1}\n{"b":2}\n']]);
    expect(() => parseMultipart(Buffer.from('nothing'), boundary)).toThrow(/boundary/);
  });
});

describe('scenarios', () => {
  it('each is listed with what it does; a scenario sets options and typed flags override it', () => {
    expect(SIM_SCENARIO_NAMES).toEqual(['steady', 'slow-prefill', 'flaky-5pct', 'oom-at-start', 'overloaded']);
    for (const name of SIM_SCENARIO_NAMES) expect(describeScenarios()).toMatch(new RegExp(`^${name} +\\S`, 'm'));
    expect(parseSimArgs(['--scenario', 'overloaded']).options).toMatchObject({ maxNumSeqs: 4, itlMs: 40 });
    expect(parseSimArgs(['--scenario', 'overloaded', '--max-num-seqs', '8']).options).toMatchObject({ maxNumSeqs: 8, itlMs: 40 });
    expect(parseSimArgs(['--scenario', 'oom-at-start']).options).toMatchObject({ crashOnStart: true, startupDelayS: 2, crashMessage: expect.stringMatching(/CUDA out of memory/) });
    expect(parseSimArgs(['--scenario', 'flaky-5pct']).options.errorRate).toBe(0.05);
    expect(() => parseSimArgs(['--scenario', 'melting'])).toThrow('--scenario: expected one of steady, slow-prefill, flaky-5pct, oom-at-start, overloaded (aibench sim --list-scenarios), got "melting"');
  });

  it('a profile\'s sim: {scenario} does the same for the embedded simulator', () => {
    expect(embeddedSimOptions({ scenario: 'slow-prefill' })).toMatchObject({ prefillMsPerToken: 1, prefillOverheadMs: 50 });
    expect(embeddedSimOptions({ scenario: 'slow-prefill', prefill_ms_per_token: 0.5 }).prefillMsPerToken).toBe(0.5);
  });

  it('prefix caching is off unless asked, as a vLLM-style switch', () => {
    expect(parseSimArgs([]).options.prefixCaching).toBe(false);
    expect(parseSimArgs(['--enable-prefix-caching']).options.prefixCaching).toBe(true);
    expect(parseSimArgs(['--enable-prefix-caching', '--no-enable-prefix-caching']).options.prefixCaching).toBe(false);
  });
});
