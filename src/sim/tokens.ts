// Token text and token counts for the simulator.
import { countTokens, encode } from 'gpt-tokenizer';
// The pre-splitting regex of o200k_base (the encoding countTokens uses), from the package's exports.
import { O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';

// 64 common words; output token k is WORDS[k % 64] followed by a space, so every response is
// deterministic and each streamed chunk carries exactly one "token".
const WORDS = (
  'the of and to in is it that was for on are with as his they be at one have this from ' +
  'or had by hot word but what some we can out other were all there when up use your how said ' +
  'an each she which do their time if will way about many then them write would like so these her long'
).split(' ');

/** Text of output token `index` (0-based). */
export function tokenText(index: number): string {
  return `${WORDS[index % WORDS.length]!} `;
}

/** The JSON string literal of each token text, pre-serialised once (index modulo wordCount()). */
export const TOKEN_JSON: readonly string[] = WORDS.map((w) => JSON.stringify(`${w} `));

/** How many distinct token texts there are. */
export function wordCount(): number {
  return WORDS.length;
}

/** The full output text of `count` tokens. */
export function outputText(count: number): string {
  let text = '';
  for (let k = 0; k < count; k++) text += tokenText(k);
  return text;
}

// Special-token strings such as <|endoftext|> inside user text count as plain text (gpt-tokenizer
// would otherwise throw on them).
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Longest piece handed to the BPE at once (characters). */
export const MAX_PIECE = 512;
/** Longest stretch of counting (ms) before other clients get the event loop back. */
const YIELD_AFTER_MS = 4;

/**
 * Cut text into pieces of at most MAX_PIECE characters. Why: BPE merging is quadratic in the
 * length of one pre-split part (a whitespace-free run: 80,000 characters took 4.6 s, 2 MB
 * minutes); bounded pieces make the whole count linear. Cuts go between the BPE's own pre-split
 * parts, after one that ends in a non-space (a part ending in spaces depends on what follows), so
 * ordinary text counts exactly as in one piece; only a part longer than MAX_PIECE is cut inside.
 */
export function promptPieces(text: string): string[] {
  const pieces: string[] = [];
  let start = 0; // of the piece being gathered
  let cut = 0; // the last place after `start` where the piece may end
  for (const part of text.matchAll(new RegExp(O200K_TOKEN_SPLIT_REGEX.source, 'gu'))) {
    const end = part.index + part[0].length;
    if (end - start > MAX_PIECE && cut > start) {
      pieces.push(text.slice(start, cut));
      start = cut;
    }
    if (end - start > MAX_PIECE) {
      if (part.index > start) pieces.push(text.slice(start, part.index));
      pieces.push(...hardCut(part[0]));
      start = end;
    }
    if (!isSpace(text.charCodeAt(end - 1))) cut = end;
  }
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}

// A part longer than MAX_PIECE in MAX_PIECE-character chunks, never splitting a surrogate pair.
function hardCut(part: string): string[] {
  const chunks: string[] = [];
  for (let start = 0; start < part.length; ) {
    let end = Math.min(part.length, start + MAX_PIECE);
    const code = part.charCodeAt(end - 1);
    if (end < part.length && code >= 0xd800 && code <= 0xdbff) end -= 1;
    chunks.push(part.slice(start, end));
    start = end;
  }
  return chunks;
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || (code > 127 && /\s/.test(String.fromCharCode(code)));
}

/**
 * Prompt tokens as counted by gpt-tokenizer (o200k_base BPE), piece by piece (promptPieces),
 * handing the event loop back every YIELD_AFTER_MS, so a huge prompt never keeps /health or other
 * streams waiting. Linear: measured on this machine ~0.03 us per character of English or of one
 * repeated letter, ~2.6 us per character of random letters (2 MB: ~5 s of CPU, shared with the
 * other clients). A real model's tokenizer gives different counts; the simulator only needs a
 * stable, plausible one.
 */
export async function countPromptTokens(text: string): Promise<number> {
  let total = 0;
  await eachPiece(text, (piece) => void (total += countTokens(piece, PLAIN_TEXT)));
  return total;
}

/** The prompt's token ids, piece by piece like countPromptTokens (their count is its count): what the prefix cache hashes. */
export async function encodePromptTokens(text: string): Promise<number[]> {
  const ids: number[] = [];
  await eachPiece(text, (piece) => {
    for (const id of encode(piece, PLAIN_TEXT)) ids.push(id);
  });
  return ids;
}

// Run `fn` on every piece of the prompt, handing the event loop back every YIELD_AFTER_MS.
async function eachPiece(text: string, fn: (piece: string) => void): Promise<void> {
  let sliceStart = performance.now();
  for (const piece of promptPieces(text)) {
    fn(piece);
    if (performance.now() - sliceStart >= YIELD_AFTER_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}
