// Multi-turn conversations: ShareGPT JSON (human/gpt turns) or JSONL with one OpenAI-style
// `{"messages": [...]}` per line. Each conversation becomes a session: its user turns in order, each
// asking for as many tokens as the recorded reply had (or output_len). Files are streamed and
// sampled with a seeded reservoir, so a 1 GB file never sits in memory.
import { UsageError } from '../../errors.js';
import { shuffleInPlace, type Random } from './dataset.js';
import { fileLines, jsonArrayElements, reservoir } from './stream-file.js';
import type { BenchTokenizer } from './tokenizer.js';

/** One user turn: what the user says and how many tokens the reply should have. */
export interface Turn {
  prompt: string;
  /** Tokens of this user message alone (the request's prompt also carries the history). */
  promptTokens: number;
  outputTokens: number;
}

export interface Conversation {
  /** Position in the file (0-based), for records and logs. */
  id: number;
  system?: string;
  turns: Turn[];
}

interface ConversationOptions {
  format: 'sharegpt' | 'jsonl';
  /** Sessions to sample. */
  count: number;
  outputLen?: number;
  maxTurns?: number;
}

interface RawTurn {
  prompt: string;
  reply?: string;
}
interface RawConversation {
  id: number;
  system?: string;
  turns: RawTurn[];
}

const ROLE = { human: 'user', user: 'user', gpt: 'assistant', assistant: 'assistant', chatgpt: 'assistant', bard: 'assistant', bing: 'assistant', system: 'system' } as const;

/** User turns paired with the reply that follows each; undefined when there is no user turn. */
export function pairTurns(id: number, messages: ReadonlyArray<{ role: string; content: string }>): RawConversation | undefined {
  const turns: RawTurn[] = [];
  let system: string | undefined;
  for (const m of messages) {
    if (m.role === 'system' && turns.length === 0) system = m.content;
    else if (m.role === 'user') turns.push({ prompt: m.content });
    else if (m.role === 'assistant' && turns.length > 0 && turns[turns.length - 1]?.reply === undefined) (turns[turns.length - 1] as RawTurn).reply = m.content;
  }
  return turns.length === 0 ? undefined : { id, ...(system === undefined ? {} : { system }), turns };
}

// A ShareGPT element -> messages; anything that is not {conversations: [{from, value}]} yields none.
function sharegptMessages(value: unknown): Array<{ role: string; content: string }> {
  const list = (value as { conversations?: unknown } | null)?.conversations;
  if (!Array.isArray(list)) return [];
  return list.flatMap((m: { from?: unknown; value?: unknown }) => {
    const role = typeof m?.from === 'string' ? ROLE[m.from.toLowerCase() as keyof typeof ROLE] : undefined;
    return role !== undefined && typeof m.value === 'string' ? [{ role, content: m.value }] : [];
  });
}

// A JSONL line -> messages, or a line-numbered error.
function jsonlMessages(line: string, n: number, path: string): Array<{ role: string; content: string }> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new UsageError(`${path} line ${n}: expected a JSON object {"messages": [...]}, got ${JSON.stringify(line.slice(0, 40))}`);
  }
  const messages = (value as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages)) throw new UsageError(`${path} line ${n}: expected "messages": a list of {"role", "content"}, got ${JSON.stringify(line.slice(0, 40))}`);
  return messages.map((m: { role?: unknown; content?: unknown }, i) => {
    if (typeof m?.role !== 'string' || typeof m.content !== 'string') throw new UsageError(`${path} line ${n}: messages[${i}]: expected {"role": string, "content": string}`);
    return { role: m.role, content: m.content };
  });
}

/** Stream the file and keep a seeded sample of `count` conversations (in a seeded order). */
async function sampleConversations(path: string, o: ConversationOptions, random: Random): Promise<RawConversation[]> {
  const sample = reservoir<RawConversation>(o.count, random);
  if (o.format === 'jsonl') {
    for await (const { line, n } of fileLines(path, 'conversation file')) {
      if (line.trim() === '') continue;
      const raw = pairTurns(n - 1, jsonlMessages(line, n, path));
      if (raw !== undefined) sample.offer(raw);
    }
  } else {
    let i = 0;
    for await (const text of jsonArrayElements(path, 'ShareGPT file')) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new UsageError(`${path}: conversation #${i + 1}: not valid JSON (${(error as Error).message})`);
      }
      const raw = pairTurns(i++, sharegptMessages(value));
      if (raw !== undefined) sample.offer(raw);
    }
  }
  if (sample.items().length === 0) throw new UsageError(`${path}: expected conversations with at least one user turn, got none (${sample.seen()} read)`);
  return shuffleInPlace(sample.items(), random);
}

/** Sampled conversations as sessions: turns capped at maxTurns, output lengths from replies (or outputLen). */
export async function loadConversations(path: string, tokenizer: BenchTokenizer, o: ConversationOptions, random: Random): Promise<Conversation[]> {
  const raws = await sampleConversations(path, o, random);
  const out: Conversation[] = [];
  for (const raw of raws) {
    const turns: Turn[] = [];
    for (const t of raw.turns.slice(0, o.maxTurns ?? raw.turns.length)) {
      const outputTokens = o.outputLen ?? (t.reply === undefined ? 0 : tokenizer.encode(t.reply).length);
      if (outputTokens < 1) break; // a turn with no recorded reply ends the session (its length is unknown)
      turns.push({ prompt: t.prompt, promptTokens: tokenizer.encode(t.prompt).length, outputTokens });
    }
    if (turns.length > 0) out.push({ id: raw.id, ...(raw.system === undefined ? {} : { system: raw.system }), turns });
  }
  if (out.length === 0) throw new UsageError(`${path}: no conversation has a user turn followed by a reply to size its output; pass output_len`);
  return out;
}
