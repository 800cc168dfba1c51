import { describe, expect, it } from 'vitest';
import { requestBody, splitTarget } from '../../../../src/bench/engine/client.js';
import { chunkText } from '../../../../src/bench/engine/stream-recorder.js';
import { clientHealth } from '../../../../src/bench/engine/client-health.js';
import { canStart, connectionsFor, loadLabel, scheduleTimes } from '../../../../src/bench/engine/schedule.js';
import type { RequestRecord } from '../../../../src/bench/engine/types.js';

describe('stop logic', () => {
  it('stops at the count or the deadline, whichever comes first', () => {
    expect(canStart({ numRequests: 3 }, 2, 1e9)).toBe(true);
    expect(canStart({ numRequests: 3 }, 3, 0)).toBe(false);
    expect(canStart({ durationS: 1 }, 1e6, 999)).toBe(true);
    expect(canStart({ durationS: 1 }, 0, 1000)).toBe(false);
    expect(canStart({ durationS: 1, numRequests: 5 }, 5, 10)).toBe(false);
    expect(canStart({ durationS: 1, numRequests: 5 }, 1, 1000)).toBe(false);
  });
});

describe('schedule', () => {
  it('turns gaps into absolute send times', () => {
    expect(scheduleTimes([10, 20, 30, 40], 3)).toEqual([0, 10, 30]);
  });

  it('labels and sizes load patterns', () => {
    expect(loadLabel({ kind: 'concurrency', concurrency: 8 })).toBe('concurrency@8');
    expect(loadLabel({ kind: 'rate', rate: 2, burstiness: 1 })).toBe('poisson@2.00');
    expect(loadLabel({ kind: 'rate', rate: 'inf', burstiness: 1, max_concurrency: 64 })).toBe('poisson@inf/max64');
    expect(connectionsFor({ kind: 'concurrency', concurrency: 256 })).toBe(256);
    expect(connectionsFor({ kind: 'rate', rate: 2, burstiness: 1, max_concurrency: 32 })).toBe(32);
    expect(connectionsFor({ kind: 'rate', rate: 1000, burstiness: 1 })).toBe(1024);
  });
});

describe('client helpers', () => {
  it('accepts a base URL with or without /v1', () => {
    expect(splitTarget('http://h:8000/v1/')).toEqual({ origin: 'http://h:8000', prefix: '' });
    expect(splitTarget('http://h:8000/proxy')).toEqual({ origin: 'http://h:8000', prefix: '/proxy' });
  });

  it('asks for a streamed, exact-length response with usage', () => {
    const body = JSON.parse(requestBody({ model: 'm', api: 'chat', prompt: 'p', maxTokens: 9 }));
    expect(body).toMatchObject({ model: 'm', stream: true, stream_options: { include_usage: true }, max_tokens: 9, ignore_eos: true });
    expect(body.messages).toEqual([{ role: 'user', content: 'p' }]);
  });

  it('counts only chunks with content', () => {
    expect(chunkText({ choices: [{ text: 'a' }] })).toBe('a');
    expect(chunkText({ choices: [{ delta: { content: '' } }] })).toBe('');
    expect(chunkText({ choices: [{ delta: { content: 'b' } }] })).toBe('b');
    expect(chunkText({ choices: [], usage: { completion_tokens: 3 } })).toBe('');
  });
});

describe('client self-health', () => {
  const rec = (lag: number): RequestRecord => ({
    index: 0, startMs: 100 + lag, scheduledMs: 100, chunkTimesMs: [], endMs: 200, success: true,
    promptTokens: 1, outputTokens: 1, outputTokensSource: 'usage', expectedOutputTokens: 1,
  });
  it('flags the client as the bottleneck when send lag or event-loop delay p99 exceed 10 ms', () => {
    expect(clientHealth({ p99Ms: 1, maxMs: 2 }, [rec(0), rec(1)]).bottleneck_warning).toBeUndefined();
    expect(clientHealth({ p99Ms: 25, maxMs: 30 }, [rec(0)]).bottleneck_warning).toMatch(/event-loop delay p99 25\.0 ms/);
    const lagged = clientHealth({ p99Ms: 1 }, Array.from({ length: 10 }, () => rec(50)));
    expect(lagged.send_lag_p99_ms).toBe(50);
    expect(lagged.bottleneck_warning).toMatch(/send lag/);
  });
});
