import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSseParser } from '../../../../src/bench/engine/sse.js';

function parseChunks(chunks: Uint8Array[]): string[] {
  const events: string[] = [];
  const parser = createSseParser((data) => events.push(data));
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return events;
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

const STREAM =
  ': keep-alive\r\n' +
  'data: {"text":"héllo 世界 🚀"}\r\n\r\n' +
  'event: message\nid: 7\ndata:no-space\n\n' +
  'data: line one\ndata: line two\r\r' +
  'data:  two spaces\n\n' +
  'data\n\n' +
  'retry: 10\n: only a comment\n\n' +
  'data: [DONE]\n\n';

// Written out by hand from the SSE rules, not produced by the parser.
const EXPECTED = ['{"text":"héllo 世界 🚀"}', 'no-space', 'line one\nline two', ' two spaces', '', '[DONE]'];
const BYTES = new TextEncoder().encode(STREAM);

describe('createSseParser', () => {
  it('parses a whole stream', () => {
    expect(parseChunks([BYTES])).toEqual(EXPECTED);
  });

  it('parses byte by byte (inside UTF-8 characters, between \\r and \\n)', () => {
    expect(parseChunks([...BYTES].map((b) => Uint8Array.of(b)))).toEqual(EXPECTED);
  });

  it('gives the same events for any chunk split', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        expect(parseChunks(splitAt(BYTES, cuts))).toEqual(EXPECTED);
      }),
      { numRuns: 500 },
    );
  });

  it('does not see a blank line when \\r\\n is split across chunks', () => {
    const enc = new TextEncoder();
    expect(parseChunks([enc.encode('data: a\r'), enc.encode('\ndata: b\r\n\r\n')])).toEqual(['a\nb']);
  });

  it('strips a byte order mark and delivers a last event without its blank line', () => {
    const bytes = new TextEncoder().encode('\uFEFFdata: x\n\ndata: tail');
    expect(parseChunks([bytes])).toEqual(['x', 'tail']);
  });

  it('round-trips random events with random line endings, comments and splits', () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'é', '世', '🚀', ' ', ':', 'd', '{', '"'), maxLength: 12 });
    const event = fc.array(line, { minLength: 1, maxLength: 3 });
    const eol = fc.constantFrom('\n', '\r\n', '\r');
    fc.assert(
      fc.property(fc.array(fc.tuple(event, eol, fc.boolean()), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 20 }), (events, cuts) => {
        let text = '';
        for (const [lines, end, comment] of events) {
          if (comment) text += `: ping${end}`;
          for (const l of lines) text += `data: ${l}${end}`;
          text += end;
        }
        const bytes = new TextEncoder().encode(text);
        expect(parseChunks(splitAt(bytes, cuts))).toEqual(events.map(([lines]) => lines.join('\n')));
      }),
      { numRuns: 300 },
    );
  });
});
