import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCachedTokenizer, hubCacheDirs, loadTokenizer } from '../../../../src/bench/datasets/tokenizer.js';

// A tiny but real tokenizer.json (WordLevel + whitespace pre-tokenizer) in an HF-cache layout.
function fakeHub(): string {
  const hub = mkdtempSync(join(tmpdir(), 'aibench-hub-'));
  const snap = join(hub, 'models--acme--tiny', 'snapshots', 'abc123');
  mkdirSync(snap, { recursive: true });
  const vocab = { '[UNK]': 0, hello: 1, world: 2, '!': 3 };
  writeFileSync(join(snap, 'tokenizer.json'), JSON.stringify({
    version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null,
    pre_tokenizer: { type: 'Whitespace' }, post_processor: null, decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
  }));
  return hub;
}

describe('tokenizer', () => {
  it('searches HF_HUB_CACHE, then HF_HOME/hub', () => {
    expect(hubCacheDirs({ HF_HUB_CACHE: '/a', HF_HOME: '/h' })).toEqual(['/a', '/h/hub']);
  });

  it("loads the model's tokenizer.json from the HF cache and reports it", async () => {
    const hub = fakeHub();
    expect(findCachedTokenizer('acme/tiny', { HF_HUB_CACHE: hub })).toMatch(/snapshots\/abc123\/tokenizer\.json$/);
    const tok = await loadTokenizer('acme/tiny', { HF_HUB_CACHE: hub });
    expect(tok.kind).toBe('hf');
    expect(tok.name).toBe('acme/tiny');
    expect(tok.encode('hello world !')).toEqual([1, 2, 3]);
  });

  it('falls back to the bundled cl100k tokenizer when the model is not cached', async () => {
    const tok = await loadTokenizer('acme/missing', { HF_HUB_CACHE: fakeHub() });
    expect(tok.kind).toBe('fallback');
    expect(tok.name).toBe('cl100k_base');
    expect(tok.encode('hello world')).toHaveLength(2);
    expect(tok.wordTokenIds().length).toBeGreaterThan(10_000);
  });

  it('refuses path tricks in model ids', () => {
    expect(findCachedTokenizer('../../etc', { HF_HUB_CACHE: '/tmp' })).toBeUndefined();
  });
});
