// Prompt token counting: linear in the prompt's length (a whitespace-free prompt used to take
// quadratic time in one BPE run), and the same count as one whole-text BPE for ordinary text.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/common/rng.js';
import { MAX_PIECE, countPromptTokens, promptPieces } from '../../../src/sim/tokens.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** n random lowercase letters: no whitespace at all, and no repeats the BPE merge cache could hit. */
function letters(n: number, seed = 1): string {
  const rng = createRng(seed);
  const chars = new Array<string>(n);
  for (let i = 0; i < n; i++) chars[i] = String.fromCharCode(97 + Math.floor(rng() * 26));
  return chars.join('');
}

// Linearity follows from the pieces: each BPE run sees at most MAX_PIECE characters, so its cost is
// bounded and the total grows with the number of pieces (a timing ratio would flake on a busy machine;
// the e2e test shows /health answering while a 2 MB prompt is counted).
describe('promptPieces', () => {
  it.each([
    ['empty', ''],
    ['short', 'hello world'],
    ['whitespace-free', letters(5 * MAX_PIECE + 7)],
    ['prose', readFileSync(resolve(ROOT, 'README.md'), 'utf8')],
    ['emoji at every cut', '😀'.repeat(3 * MAX_PIECE)],
  ])('%s: pieces of at most MAX_PIECE characters that join back to the text', (_name, text) => {
    const pieces = promptPieces(text);
    expect(pieces.join('')).toBe(text);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(MAX_PIECE);
    for (const piece of pieces) expect(piece).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/); // no half surrogate pairs
  });

  it('cuts just before whitespace where the window has some, so words stay whole', () => {
    const text = `${'word '.repeat(300)}end`;
    const pieces = promptPieces(text);
    expect(pieces.length).toBeGreaterThan(2);
    for (const piece of pieces.slice(1)) expect(piece.startsWith(' ')).toBe(true);
  });
});

describe('countPromptTokens', () => {
  it.each([
    ['the README', readFileSync(resolve(ROOT, 'README.md'), 'utf8')],
    ['nvidia-smi -q output (aligned columns, many spaces)', readFileSync(resolve(ROOT, 'test/fixtures/nvidia-smi/linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01.txt'), 'utf8')],
    ['a short prompt', 'Hello, how are you?'],
  ])('counts %s exactly as one whole-text BPE does', async (_name, text) => {
    expect(await countPromptTokens(text)).toBe(countTokens(text, PLAIN_TEXT));
  });

});
