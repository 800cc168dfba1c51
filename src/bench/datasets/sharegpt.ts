// ShareGPT-format JSON like vLLM's benchmark: first human turn is the prompt, the first reply's token
// count is the output length; too short or too long pairs are dropped by vLLM's rule.
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import { shuffleInPlace, type Dataset, type DatasetEntry, type Random } from './dataset.js';
import type { BenchTokenizer } from './tokenizer.js';

interface ShareGptOptions {
  numPrompts: number;
  /** Override the output length taken from the reply. */
  outputLen?: number;
}

interface Conversation {
  conversations?: Array<{ from?: string; value?: string }>;
}

/** vLLM's is_valid_sequence: prompt and output >= 4 tokens, prompt <= 1024, prompt + output <= 2048. */
export function isValidPair(promptLen: number, outputLen: number, fixedOutput: boolean): boolean {
  if (promptLen < 4 || (!fixedOutput && outputLen < 4)) return false;
  return promptLen <= 1024 && promptLen + outputLen <= 2048;
}

/** Select prompts from parsed ShareGPT JSON: shuffled by seed, filtered, at most numPrompts. */
export function sharegptFromJson(data: unknown, tokenizer: BenchTokenizer, options: ShareGptOptions, random: Random): Dataset {
  if (!Array.isArray(data)) throw new UsageError('Expected a ShareGPT JSON array of {conversations: [...]}, got another shape');
  const pairs = (data as Conversation[])
    .filter((c) => Array.isArray(c?.conversations) && c.conversations.length >= 2)
    .map((c) => [c.conversations?.[0]?.value, c.conversations?.[1]?.value] as const)
    .filter((p): p is readonly [string, string] => typeof p[0] === 'string' && typeof p[1] === 'string');
  shuffleInPlace(pairs, random);
  const entries: DatasetEntry[] = [];
  for (const [prompt, reply] of pairs) {
    if (entries.length >= options.numPrompts) break;
    const promptTokens = tokenizer.encode(prompt).length;
    const outputTokens = options.outputLen ?? tokenizer.encode(reply).length;
    if (!isValidPair(promptTokens, outputTokens, options.outputLen !== undefined)) continue;
    entries.push({ prompt, promptTokens, outputTokens });
  }
  if (entries.length === 0) throw new UsageError('The ShareGPT file has no usable conversation (need a human turn and a reply of 4..1024 tokens)');
  return { kind: 'sharegpt', entries };
}

/** Load a ShareGPT JSON file. */
export async function sharegptDataset(path: string, tokenizer: BenchTokenizer, options: ShareGptOptions, random: Random): Promise<Dataset> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`Cannot read ShareGPT dataset ${path}: ${(error as Error).message}`, { cause: error });
  }
  return sharegptFromJson(data, tokenizer, options, random);
}
