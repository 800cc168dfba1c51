// Trace replay's dataset: the file is checked once, streamed, before the first request (every line
// parsed, timestamps must not go back), then streamed again as the replay goes, each request built
// when its line is read, so a 1 GB trace needs memory for one line, not the file. Prompts are windows
// of the word-token corpus: a Mooncake hash id always maps to the same block of text (shared ids,
// shared prefixes), every other prompt starts at its own offset.
import { UsageError } from '../../errors.js';
import { createRng } from '../../common/rng.js';
import type { Arrival } from '../engine/phase.js';
import { shareSeed } from '../engine/share.js';
import type { DatasetEntry } from './dataset.js';
import { buildPrompt } from './random.js';
import { fileLines } from './stream-file.js';
import { buildCorpus, verifySample, wordTexts, type TokenCorpus } from './token-corpus.js';
import { parseTraceLine, type TraceFormat, type TraceItem } from './trace-format.js';
import type { BenchTokenizer } from './tokenizer.js';

interface TraceSummary {
  requests: number;
  /** From the first arrival to the last, ms in the trace's own time. */
  spanMs: number;
  maxInputLen: number;
}

export interface TraceSource {
  readonly summary: TraceSummary;
  /** The arrivals of share `share` of `count` (every count-th request), times from the first request x timeScale. */
  arrivals(share: number, count: number, timeScale: number): AsyncIterable<Arrival>;
}

interface TraceOptions {
  path: string;
  format: TraceFormat;
  /** Tokens per Mooncake hash id. */
  blockSize: number;
  seed: number;
}

/** Read the whole trace once, line by line: every line valid, arrival times never going back. */
export async function scanTrace(path: string, format: TraceFormat): Promise<TraceSummary> {
  let requests = 0;
  let first: number | undefined;
  let last = 0;
  let maxInputLen = 0;
  for await (const { line, n } of fileLines(path, 'trace')) {
    const item = parseTraceLine(format, line, n, path);
    if (item === undefined) continue;
    if (first !== undefined && item.atMs < last) throw new UsageError(`${path} line ${n}: expected arrival times that never go back, got ${item.atMs} after ${last}`);
    first ??= item.atMs;
    last = item.atMs;
    maxInputLen = Math.max(maxInputLen, item.inputLen);
    requests++;
  }
  if (first === undefined) throw new UsageError(`${path}: expected at least one request line in the ${format} trace, got none`);
  return { requests, spanMs: last - first, maxInputLen };
}

const mix = (a: number, b: number): number => shareSeed(a >>> 0, (b % 0x7fffffff) + 1);

/** Check the trace and get ready to replay it with prompts built from the tokenizer's words. */
export async function openTrace(o: TraceOptions, tokenizer: BenchTokenizer): Promise<TraceSource> {
  const summary = await scanTrace(o.path, o.format);
  const longest = Math.max(summary.maxInputLen, o.blockSize);
  const corpus = await buildCorpus(wordTexts(tokenizer), Math.min(4_194_304, Math.max(1_048_576, 2 * longest + 1)), createRng(o.seed));
  const maker = promptMaker(corpus, o, tokenizer);
  return {
    summary,
    async *arrivals(share, count, timeScale) {
      let i = -1;
      let first: number | undefined;
      for await (const { line, n } of fileLines(o.path, 'trace')) {
        const item = parseTraceLine(o.format, line, n, o.path);
        if (item === undefined) continue;
        i++;
        first ??= item.atMs;
        if (i % count !== share) continue;
        yield { offsetMs: (item.atMs - first) * timeScale, index: i, entry: maker(item, i) };
      }
    },
  };
}

// Prompts of exactly the trace's input length: corpus windows, checked on the first few; where the
// tokenizer fails that check, built exactly (word tokens re-encoded), shared blocks as the exact head.
function promptMaker(corpus: TokenCorpus, o: TraceOptions, tokenizer: BenchTokenizer): (item: TraceItem, i: number) => DatasetEntry {
  const span = corpus.size - o.blockSize + 1;
  // Distinct starts for every request (mod the span): a multiplier coprime to it walks every offset.
  const uniqueSpan = Math.max(1, corpus.size - corpus.size / 2);
  let step = Math.floor(uniqueSpan * 0.6180339887) | 1;
  while (gcd(step, uniqueSpan) !== 1) step += 2;
  const fast = (item: TraceItem, i: number): string => {
    const parts: string[] = [];
    let left = item.inputLen;
    for (const id of item.hashIds ?? []) {
      if (left <= 0) break;
      const take = Math.min(left, o.blockSize);
      parts.push(corpus.window(mix(o.seed, id) % span, take)); // the same id, the same text
      left -= take;
    }
    if (left > 0) parts.push(corpus.window((((i * step) % uniqueSpan) + uniqueSpan) % uniqueSpan, left));
    return parts.join('');
  };
  let checked = 0;
  let exact = false;
  return (item, i) => {
    if (item.prompt !== undefined) return { prompt: item.prompt, promptTokens: item.inputLen > 0 ? item.inputLen : tokenizer.encode(item.prompt).length, outputTokens: item.outputLen };
    if (!exact) {
      const entry = { prompt: fast(item, i), promptTokens: item.inputLen, outputTokens: item.outputLen };
      if (checked >= 4) return entry;
      checked++;
      if (verifySample(tokenizer, [entry], 1)) return entry;
      exact = true;
    }
    return exactEntry(item, i, o, tokenizer);
  };
}

function exactEntry(item: TraceItem, i: number, o: TraceOptions, tokenizer: BenchTokenizer): DatasetEntry {
  const words = tokenizer.wordTokenIds();
  const shared = (item.hashIds ?? []).slice(0, Math.max(0, Math.ceil(item.inputLen / o.blockSize) - 1));
  const head = shared.map((id) => buildPrompt(tokenizer, words, o.blockSize, createRng(mix(o.seed, id))).prompt).join('');
  const tokens = head === '' ? 0 : tokenizer.encode(head).length;
  const entry = buildPrompt(tokenizer, words, Math.max(item.inputLen, tokens + 1), createRng(mix(o.seed ^ 0x5bd1e995, i)), { text: head, tokens });
  return { ...entry, outputTokens: item.outputLen };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
