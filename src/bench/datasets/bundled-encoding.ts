// The bundled cl100k_base encoding (gpt-tokenizer), loaded only when it is really needed. Building
// its BPE tables costs ~0.15 s of CPU, and scanning its 100k tokens for plain words another ~0.05 s,
// before a random-prompt run could send anything. So the word tokens come from a table the build
// computes once (dist/bundle/cl100k_base-words.json), and text made only of such words is encoded
// and decoded from that table. That is exact, not an estimate: cl100k's pre-tokenizer cuts " the cat"
// into the pieces " the" and " cat", and a piece that is itself a vocabulary entry encodes to that one
// token (gpt-tokenizer looks the whole piece up before merging). Anything else loads the BPE,
// synchronously, on first use: the self-contained copy the build puts beside the bundle, else the package.
import { existsSync, readFileSync } from 'node:fs';
import { packagePath, requireBuilt } from '../../package-files.js';

type Bpe = typeof import('gpt-tokenizer/encoding/cl100k_base');

/** Plain lowercase words with a leading space (" the"): the tokens random prompts are built from. */
const WORD_TOKEN = /^ [a-z]{2,10}$/;
const WORD_RUN = /^(?: [a-z]{2,10})+$/;
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Word-token ids and their texts, in id order. */
interface WordTable {
  ids: number[];
  texts: string[];
}

/** Where the build writes the encoding and its word table (beside the bundle). */
export const WORD_TABLE_FILE = packagePath('dist', 'bundle', 'cl100k_base-words.json');

let bpe: Bpe | undefined;

/** The full BPE, loaded on first call. */
export function cl100kBpe(): Bpe {
  bpe ??= requireBuilt('cl100k_base', (load) => load('gpt-tokenizer/encoding/cl100k_base') as Bpe);
  return bpe;
}

/** Ids (0..size-1) whose decoded text is a plain word; ids that fail to decode are skipped. */
export function collectWordIds(size: number, decode: (id: number) => string | undefined): number[] {
  const ids: number[] = [];
  for (let id = 0; id < size; id++) {
    let text: string | undefined;
    try {
      text = decode(id);
    } catch {
      continue;
    }
    if (text !== undefined && WORD_TOKEN.test(text)) ids.push(id);
  }
  return ids;
}

/** Scan the BPE for word tokens (what the build stores; the fallback when its file is missing). */
export function computeWordTable(): WordTable {
  const b = cl100kBpe();
  const ids = collectWordIds(b.vocabularySize, (id) => b.decode([id]));
  return { ids, texts: ids.map((id) => b.decode([id])) };
}

/** The table as the build stores it: ids, and the texts as one string (" the cat ..."), quick to parse. */
export function packWordTable(table: WordTable): { ids: number[]; text: string } {
  return { ids: table.ids, text: table.texts.join('') };
}

/** Word-token ids and their words without the leading space (" the" is "the"), from the build's file. */
function readWords(): { ids: number[]; words: string[] } {
  if (!existsSync(WORD_TABLE_FILE)) {
    const { ids, texts } = computeWordTable();
    return { ids, words: texts.map((t) => t.slice(1)) };
  }
  const { ids, text } = JSON.parse(readFileSync(WORD_TABLE_FILE, 'utf8')) as { ids: number[]; text: string };
  return { ids, words: text.slice(1).split(' ') };
}

/** The bundled encoding as encode/decode/wordTokenIds, answering word-only text without the BPE. */
export function bundledEncoding(): { encode(text: string): number[]; decode(ids: readonly number[]): string; wordTokenIds(): number[]; selfEncodingWords(): string[]; wordRunsExact: true } {
  let table: { ids: number[]; words: string[] } | undefined;
  let byId: string[] | undefined;
  let byWord: Map<string, number> | undefined;
  // Built on first use, each lookup only when something asks for it: a random-prompt run needs
  // the word list and neither map (see wordRunsExact).
  const words = () => (table ??= readWords());
  const idToWord = () => {
    if (byId) return byId;
    const { ids, words: list } = words();
    byId = new Array<string>(Math.max(0, ...ids) + 1);
    ids.forEach((id, k) => (byId![id] = list[k]!));
    return byId;
  };
  const wordToId = () => {
    if (byWord) return byWord;
    const { ids, words: list } = words();
    byWord = new Map(list.map((w, k) => [w, ids[k]!]));
    return byWord;
  };
  return {
    wordTokenIds: () => words().ids,
    // Every table word encodes back to its own id: encode() looks " word" up in the same table, and
    // a vocabulary holds each text once (the test compares this with the checked list).
    selfEncodingWords: () => words().words.map((w) => ` ${w}`),
    // cl100k's pre-tokenizer cuts a run of " word" pieces at every space, and each piece is one
    // vocabulary entry: a window of N table words is N tokens, so corpus prompts need no sample check.
    wordRunsExact: true,
    encode(text) {
      if (text === '') return [];
      if (WORD_RUN.test(text)) {
        const map = wordToId();
        const ids = text.slice(1).split(' ').map((w) => map.get(w));
        if (ids.every((id) => id !== undefined)) return ids as number[];
      }
      return cl100kBpe().encode(text, PLAIN_TEXT);
    },
    decode(ids) {
      const table = idToWord();
      const list = ids.map((id) => table[id]);
      if (list.every((w) => w !== undefined)) return list.length === 0 ? '' : ` ${list.join(' ')}`;
      return cl100kBpe().decode(ids);
    },
  };
}
