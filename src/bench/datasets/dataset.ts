// What every dataset yields: prompts with their token counts and the output length to ask for;
// multi-turn datasets add their conversations, a trace the source its requests stream from.
import type { DatasetSpec } from '../spec/bench-spec.js';
import type { Conversation } from './conversation.js';
import type { TraceSource } from './trace.js';
import type { BenchTokenizer } from './tokenizer.js';

export interface DatasetEntry {
  prompt: string;
  /** Prompt tokens by the benchmark's tokenizer (the server's usage wins when it reports one). */
  promptTokens: number;
  /** max_tokens to request (with ignore_eos the server produces exactly this many). */
  outputTokens: number;
}

export interface Dataset {
  kind: DatasetSpec['kind'];
  /** Entries in the order they are sent; the runner cycles when it needs more (conversations: each first turn). */
  entries: DatasetEntry[];
  /** Multi-turn sessions, in the order they start. */
  conversations?: Conversation[];
  /** A trace, replayed as it is read. */
  trace?: TraceSource;
}

/** Uniform floats in [0, 1): the one source of randomness a dataset takes, already seeded. */
export type Random = () => number;

/** Uniform integer in [lo, hi] inclusive. */
export function randomInt(random: Random, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/** Fisher-Yates shuffle in place, seeded. */
export function shuffleInPlace<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

/** Token count of a text by the benchmark's tokenizer. */
export function countTokens(tokenizer: BenchTokenizer, text: string): number {
  return tokenizer.encode(text).length;
}
