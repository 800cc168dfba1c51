// JSONL prompts: one {"prompt": "...", "output_len"?: N} per line, sent in file order.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UsageError } from '../../errors.js';
import type { Dataset, DatasetEntry } from './dataset.js';
import type { BenchTokenizer } from './tokenizer.js';

const LineSchema = z.object({
  prompt: z.string().min(1),
  output_len: z.number().int().positive().optional(),
});

/** Parse JSONL text; errors name the line. File order is kept (it is already deterministic). */
export function jsonlFromText(text: string, tokenizer: BenchTokenizer, outputLen: number, source = 'JSONL'): Dataset {
  const entries: DatasetEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UsageError(`${source} line ${i + 1}: expected a JSON object, got ${JSON.stringify(line.slice(0, 40))}`);
    }
    const parsed = LineSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UsageError(`${source} line ${i + 1}: ${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'}`);
    }
    const { prompt, output_len } = parsed.data;
    entries.push({ prompt, promptTokens: tokenizer.encode(prompt).length, outputTokens: output_len ?? outputLen });
  });
  if (entries.length === 0) throw new UsageError(`${source}: expected at least one {"prompt": ...} line, got none`);
  return { kind: 'jsonl', entries };
}

/** Load a JSONL prompt file. */
export async function jsonlDataset(path: string, tokenizer: BenchTokenizer, outputLen: number): Promise<Dataset> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read JSONL dataset ${path}: ${(error as Error).message}`, { cause: error });
  }
  return jsonlFromText(text, tokenizer, outputLen, path);
}
