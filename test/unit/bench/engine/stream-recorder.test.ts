// The stream recorder is a reducer over response events with their read times: a table of event
// sequences is a complete test of what a request's record says.
import { describe, expect, it } from 'vitest';
import { createStreamRecorder, CUT_MESSAGES } from '../../../../src/bench/engine/stream-recorder.js';
import type { RequestRecord } from '../../../../src/bench/engine/types.js';

type Event = ['status', number] | ['data', string, number] | ['end', number] | ['fail', string, number] | ['cut', 'deadline' | 'grace' | 'interrupted', number];

const enc = (text: string) => new TextEncoder().encode(text);
const sse = (...events: string[]) => events.map((e) => `data: ${e}\n\n`).join('');
const tok = (text: string) => JSON.stringify({ choices: [{ text }] });
const usage = (completion: number, prompt = 7) => JSON.stringify({ choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion } });

function replay(events: Event[], opts: { maxTokens?: number; countTokens?: (t: string) => number } = {}): RequestRecord {
  const recorder = createStreamRecorder({ index: 3, promptTokens: 5, maxTokens: opts.maxTokens ?? 3, countTokens: opts.countTokens }, (t) => t.replaceAll('sk-secret', '[redacted]'));
  recorder.start(100, 90);
  let record = recorder.record;
  for (const event of events) {
    if (event[0] === 'status') recorder.status(event[1]);
    else if (event[0] === 'data') recorder.data(enc(event[1]), event[2]);
    else if (event[0] === 'end') record = recorder.end(event[1]);
    else if (event[0] === 'fail') record = recorder.fail(event[1], event[2]);
    else record = recorder.cut(event[1], event[2]);
  }
  return record;
}

describe('stream recorder', () => {
  it('a clean stream: content chunk times, server usage, [DONE] seen', () => {
    const r = replay([['status', 200], ['data', sse(tok('a'), tok('b')), 150], ['data', sse(tok('c'), usage(3), '[DONE]'), 170], ['end', 171]]);
    expect(r).toMatchObject({ success: true, startMs: 100, scheduledMs: 90, chunkTimesMs: [150, 150, 170], endMs: 171, outputTokens: 3, outputTokensSource: 'usage', promptTokens: 7, done: true });
    expect(r.malformedEvents).toBeUndefined();
    expect(r.cut).toBeUndefined();
  });

  it('role-only and empty chunks are no tokens', () => {
    const role = JSON.stringify({ choices: [{ delta: { role: 'assistant', content: '' } }] });
    const r = replay([['status', 200], ['data', sse(role, tok('x'), '[DONE]'), 130], ['end', 131]]);
    expect(r.chunkTimesMs).toEqual([130]);
  });

  it('events that are not JSON are counted, not silently dropped', () => {
    const r = replay([['status', 200], ['data', sse(tok('a'), '{broken', tok('b'), 'also broken', '[DONE]'), 140], ['end', 141]]);
    expect(r).toMatchObject({ success: true, malformedEvents: 2, chunkTimesMs: [140, 140], done: true });
  });

  it('a stream that ends early without usage or [DONE] is recorded as such', () => {
    const r = replay([['status', 200], ['data', sse(tok('a')), 120], ['end', 121]], { maxTokens: 16, countTokens: (t) => t.length });
    expect(r).toMatchObject({ success: true, done: false, outputTokens: 1, outputTokensSource: 'tokenizer', expectedOutputTokens: 16 });
  });

  it('a 200 stream without content fails', () => {
    expect(replay([['status', 200], ['data', sse('[DONE]'), 120], ['end', 121]])).toMatchObject({ success: false, error: 'stream ended without any content' });
  });

  it('an HTTP error keeps its body (secrets redacted) and is not a stream', () => {
    const r = replay([['status', 401], ['data', '{"error":"bad key sk-secret"}', 110], ['end', 111]]);
    expect(r).toMatchObject({ success: false, status: 401, error: 'HTTP 401: {"error":"bad key [redacted]"}' });
    expect(r.done).toBeUndefined();
  });

  it('a transport failure ends the record with its message', () => {
    expect(replay([['status', 200], ['data', sse(tok('a')), 120], ['fail', 'other side closed', 130]])).toMatchObject({ success: false, error: 'other side closed', endMs: 130, chunkTimesMs: [120] });
  });

  it.each(['deadline', 'grace', 'interrupted'] as const)('a cut says why (%s) and is neither success nor failure', (reason) => {
    const r = replay([['status', 200], ['data', sse(tok('a')), 120], ['cut', reason, 125], ['end', 126]]);
    expect(r).toMatchObject({ success: false, cut: true, cutReason: reason, error: CUT_MESSAGES[reason], endMs: 125 });
  });

  it('a request cut before it started takes the cut time as its start', () => {
    const recorder = createStreamRecorder({ index: 0, promptTokens: 1, maxTokens: 1 });
    expect(recorder.cut('interrupted', 500)).toMatchObject({ startMs: 500, scheduledMs: 500, endMs: 500, cut: true });
  });
});
