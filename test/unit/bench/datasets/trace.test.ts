// Trace files: each format parsed with line-numbered refusals, Azure's 7-digit timestamps kept to the
// microsecond, the whole file checked (times never going back) and then streamed per share; a
// Mooncake hash id always stands for the same text, so shared ids are shared prefixes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { azureTimeMs, parseTraceLine } from '../../../../src/bench/datasets/trace-format.js';
import { openTrace, scanTrace } from '../../../../src/bench/datasets/trace.js';
import { loadTokenizer } from '../../../../src/bench/datasets/tokenizer.js';
import type { Arrival } from '../../../../src/bench/engine/phase.js';
import { UsageError } from '../../../../src/errors.js';

const tokenizer = await loadTokenizer(undefined, {});
const dir = mkdtempSync(join(tmpdir(), 'aibench-trace-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
async function collect(source: AsyncIterable<Arrival>): Promise<Arrival[]> {
  const out: Arrival[] = [];
  for await (const a of source) out.push(a);
  return out;
}

describe('trace lines', () => {
  it('reads each format', () => {
    expect(parseTraceLine('mooncake', '{"timestamp": 27482, "input_length": 655, "output_length": 52, "hash_ids": [46, 47]}', 1, 't')).toEqual({ atMs: 27482, inputLen: 655, outputLen: 52, hashIds: [46, 47] });
    expect(parseTraceLine('azure', 'TIMESTAMP,ContextTokens,GeneratedTokens', 1, 't')).toBeUndefined();
    expect(parseTraceLine('azure', '2023-11-16 18:15:46.6805900,4808,10', 2, 't')).toEqual({ atMs: Date.UTC(2023, 10, 16, 18, 15, 46) + 680.59, inputLen: 4808, outputLen: 10 });
    expect(parseTraceLine('jsonl', '{"timestamp_ms": 5, "input_len": 9, "output_len": 3}', 1, 't')).toEqual({ atMs: 5, inputLen: 9, outputLen: 3 });
    expect(parseTraceLine('jsonl', '{"timestamp_ms": 5, "prompt": "hi there", "output_len": 3}', 1, 't')).toMatchObject({ prompt: 'hi there' });
    expect(parseTraceLine('mooncake', '   ', 9, 't')).toBeUndefined();
  });

  it('refuses a bad line naming the file, the line and why', () => {
    const bad = (format: 'mooncake' | 'azure' | 'jsonl', line: string) => {
      try {
        parseTraceLine(format, line, 7, 'day.jsonl');
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(bad('mooncake', '{"timestamp": 1, "input_length": 0, "output_length": 5}')).toBe('day.jsonl line 7: input_length: expected an integer >= 1, got 0');
    expect(bad('mooncake', '{"timestamp": -3, "input_length": 2, "output_length": 5}')).toBe('day.jsonl line 7: timestamp: expected milliseconds >= 0, got -3');
    expect(bad('mooncake', '{"timestamp": 1, "input_length": 2, "output_length": 5, "hash_ids": [1, "x"]}')).toBe('day.jsonl line 7: hash_ids: expected a list of integers >= 0');
    expect(bad('mooncake', 'not json')).toBe('day.jsonl line 7: expected a JSON object, got "not json"');
    expect(bad('azure', '2023-11-16 18:15:46.68,12')).toBe('day.jsonl line 7: expected 3 columns TIMESTAMP,ContextTokens,GeneratedTokens, got 2');
    expect(bad('azure', 'yesterday,12,3')).toMatch(/line 7: TIMESTAMP: expected a time like/);
    expect(bad('azure', '2023-11-16 18:15:46,1.5,3')).toBe('day.jsonl line 7: ContextTokens: expected an integer >= 1, got "1.5"');
    expect(bad('jsonl', '{"timestamp_ms": 1, "output_len": 3}')).toMatch(/line 7: input_len: expected an integer >= 1, got nothing/);
  });

  it('Azure timestamps keep their fraction and their zone', () => {
    expect(azureTimeMs('2024-05-10 00:00:00.0098740+00:00')).toBeCloseTo(Date.UTC(2024, 4, 10) + 9.874, 6);
    expect(azureTimeMs('2024-05-10T02:00:00+02:00')).toBe(Date.UTC(2024, 4, 10));
    expect(azureTimeMs('2024-13-10 00:00:00')).toBeUndefined();
  });
});

describe('a trace file', () => {
  it('is checked whole before replay: counts, span, longest input; a time going back is refused with its line', async () => {
    const ok = file('ok.jsonl', '{"timestamp": 100, "input_length": 10, "output_length": 2}\n\n{"timestamp": 350, "input_length": 40, "output_length": 2}\n');
    expect(await scanTrace(ok, 'mooncake')).toEqual({ requests: 2, spanMs: 250, maxInputLen: 40 });
    const back = file('back.jsonl', '{"timestamp": 100, "input_length": 10, "output_length": 2}\n{"timestamp": 90, "input_length": 10, "output_length": 2}\n');
    await expect(scanTrace(back, 'mooncake')).rejects.toThrow(`${back} line 2: expected arrival times that never go back, got 90 after 100`);
    await expect(scanTrace(join(dir, 'missing.jsonl'), 'mooncake')).rejects.toThrow(/Cannot read trace .*missing\.jsonl/);
    await expect(scanTrace(file('empty.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n'), 'azure')).rejects.toThrow(/expected at least one request line/);
  });

  it('streams arrivals from the first request\'s time, scaled, each share every count-th line, prompts of the exact length', async () => {
    const lines = Array.from({ length: 9 }, (_, i) => JSON.stringify({ timestamp: 1000 + i * 100, input_length: 50 + i, output_length: 3, hash_ids: [0, 100 + i] }));
    const trace = await openTrace({ path: file('t.jsonl', `${lines.join('\n')}\n`), format: 'mooncake', blockSize: 32, seed: 1 }, tokenizer);
    const all = await collect(trace.arrivals(0, 1, 0.5));
    expect(all.map((a) => a.offsetMs)).toEqual([0, 50, 100, 150, 200, 250, 300, 350, 400]);
    expect(all.map((a) => a.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (const a of all) expect(tokenizer.encode(a.entry?.prompt ?? '')).toHaveLength(a.entry?.promptTokens as number);
    // Hash id 0 opens every prompt: the first 32 tokens are the same text everywhere.
    const heads = new Set(all.map((a) => tokenizer.encode(a.entry?.prompt ?? '').slice(0, 32).join(',')));
    expect(heads.size).toBe(1);
    expect(new Set(all.map((a) => a.entry?.prompt)).size).toBe(9);
    const second = await collect(trace.arrivals(1, 3, 1));
    expect(second.map((a) => [a.index, a.offsetMs])).toEqual([[1, 100], [4, 400], [7, 700]]);
    expect(second[0]?.entry?.prompt).toBe(all[1]?.entry?.prompt);
  });
});
