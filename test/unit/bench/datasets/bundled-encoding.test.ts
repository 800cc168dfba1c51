// The bundled cl100k encoding answers plain-word text from the build's word table without loading
// the BPE; these check that shortcut is exact: the same ids and text as the BPE gives, and that
// the table the build stored is the one the BPE yields today (run after `npm run build`).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundledEncoding, cl100kBpe, computeWordTable, WORD_TABLE_FILE } from '../../../../src/bench/datasets/bundled-encoding.js';
import { createRng } from '../../../../src/common/rng.js';

const PLAIN = { disallowedSpecial: new Set<string>() };

describe('bundled cl100k encoding', () => {
  const enc = bundledEncoding();
  const computed = computeWordTable();

  it('ships the word table the BPE yields (else the build is stale)', () => {
    expect(existsSync(WORD_TABLE_FILE)).toBe(true);
    expect(enc.wordTokenIds()).toEqual(computed.ids);
    expect(computed.ids.length).toBeGreaterThan(10_000);
  });

  it('lists as self-encoding exactly the word tokens that the BPE encodes back to themselves', () => {
    const checked = computed.ids.filter((id) => {
      const back = cl100kBpe().encode(cl100kBpe().decode([id]), PLAIN);
      return back.length === 1 && back[0] === id;
    });
    expect(enc.selfEncodingWords()).toEqual(checked.map((id) => cl100kBpe().decode([id])));
  });

  it('encodes and decodes plain-word text exactly as the BPE does', () => {
    const random = createRng(7);
    for (let n = 0; n < 200; n++) {
      const ids = Array.from({ length: 1 + Math.floor(random() * 64) }, () => computed.ids[Math.floor(random() * computed.ids.length)]!);
      const text = enc.decode(ids);
      expect(text).toBe(cl100kBpe().decode(ids));
      expect(enc.encode(text)).toEqual(cl100kBpe().encode(text, PLAIN));
    }
  });

  it('backs wordRunsExact: a run of self-encoding words is one BPE token per word (what lets random prompts skip their sample check)', () => {
    expect(enc.wordRunsExact).toBe(true);
    const words = enc.selfEncodingWords();
    const random = createRng(11);
    for (let n = 0; n < 20; n++) {
      const count = 1 + Math.floor(random() * 2048);
      const text = Array.from({ length: count }, () => words[Math.floor(random() * words.length)]!).join('');
      expect(cl100kBpe().encode(text, PLAIN)).toHaveLength(count);
    }
  });

  it('hands any other text to the BPE', () => {
    for (const text of ['', 'Hello, world!', ' the  cat', ' the cat\n', 'tokens 12345 <|endoftext|>', ' naïve']) {
      expect(enc.encode(text)).toEqual(cl100kBpe().encode(text, PLAIN));
    }
    expect(enc.decode([9906, 11, 1917, 0])).toBe(cl100kBpe().decode([9906, 11, 1917, 0]));
  });
});
