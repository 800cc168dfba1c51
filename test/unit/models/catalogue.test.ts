// The catalogue over a real executor and a hub cache tree made here in the hub's own layout:
// complete, missing a weight shard, missing its tokenizer; listing, completeness and the refusal.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalExecutor } from '../../../src/exec/local-executor.js';
import { checkModel, modelRefusal, readCatalogue } from '../../../src/models/index.js';
import { checkSnapshot } from '../../../src/models/completeness.js';
import { parseHubListing } from '../../../src/models/hub-listing.js';
import { makeFakeHub, TINY_PARAMETERS } from '../../helpers/hf-cache.js';

const ex = new LocalExecutor();
let hub = '';
let ids: ReturnType<typeof makeFakeHub>;

beforeAll(() => {
  hub = join(mkdtempSync(join(tmpdir(), 'aibench-hf-')), 'hub');
  ids = makeFakeHub(hub);
});

describe('readCatalogue', () => {
  it('lists every model with its revision, size, completeness, parameters and dtype', async () => {
    const cat = await readCatalogue(ex, hub);
    expect(cat.found).toBe(true);
    const byId = Object.fromEntries(cat.models.map((m) => [m.id, m]));
    expect(Object.keys(byId).sort()).toEqual([ids.complete, ids.missingTokenizer, ids.missingWeights].sort());
    expect(byId[ids.complete]).toMatchObject({
      complete: true, missing: [], revision: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', parameters: TINY_PARAMETERS, parameters_source: 'safetensors',
      dtype: 'BF16', max_position_embeddings: 2048, architecture: 'LlamaForCausalLM', shape: { layers: 2, heads: 4, kv_heads: 2, head_dim: 16 },
    });
    expect(byId[ids.complete]!.size_bytes).toBeGreaterThan(TINY_PARAMETERS * 2);
    expect(byId[ids.missingWeights]).toMatchObject({ complete: false, missing: [expect.stringContaining('model-00002-of-00002.safetensors')] });
    expect(byId[ids.missingTokenizer]).toMatchObject({ complete: false, missing: [expect.stringMatching(/^tokenizer/)] });
  });

  it('says when the cache directory does not exist', async () => {
    expect(await readCatalogue(ex, join(hub, 'nope'))).toEqual({ hub_cache: join(hub, 'nope'), found: false, models: [] });
  });
});

describe('checkModel and the refusal before submission', () => {
  const cluster = (offline: boolean) => ({ name: 'c', hf_offline: offline, paths: { hf_hub_cache: hub } });

  it('a complete model can start offline', async () => {
    const check = await checkModel(ex, cluster(true), ids.complete);
    expect(check).toMatchObject({ found: true, complete: true, can_start_offline: true });
    expect(modelRefusal(check, 'c')).toBeUndefined();
  });

  it('an incomplete model is refused, online or not, naming what is missing', async () => {
    for (const offline of [false, true]) {
      const check = await checkModel(ex, cluster(offline), ids.missingWeights);
      const refusal = modelRefusal(check, 'c');
      expect(refusal?.exitCode).toBe(2);
      expect(refusal?.message).toMatch(/tiny-no-weights: incomplete .*model-00002-of-00002/);
    }
  });

  it('a missing model is refused only when the cluster is offline', async () => {
    expect(modelRefusal(await checkModel(ex, cluster(false), 'org/absent'), 'c')).toBeUndefined();
    const refusal = modelRefusal(await checkModel(ex, cluster(true), 'org/absent'), 'c');
    expect(refusal?.message).toMatch(/org\/absent: not in the HF cache .* offline/);
  });

  it('refuses path traversal before touching the cluster', async () => {
    for (const bad of ['../etc/passwd', 'org/../x', '/shared/models/../../etc']) {
      await expect(checkModel(ex, cluster(false), bad)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('".."') });
    }
  });
});

describe('completeness (pure)', () => {
  it('finds missing shards from their names when there is no index, and accepts single-file and tokenizer variants', () => {
    expect(checkSnapshot(new Set(['config.json', 'tokenizer.model', 'model-00001-of-00003.safetensors', 'model-00003-of-00003.safetensors'])).missing)
      .toEqual(['weights: 1 shard(s) missing (model-00002-of-00003.safetensors)']);
    expect(checkSnapshot(new Set(['config.json', 'vocab.json', 'merges.txt', 'pytorch_model.bin'])).missing).toEqual([]);
    expect(checkSnapshot(new Set(['config.json', 'tokenizer.json'])).weights).toBe(false);
  });

  it('groups a listing by model and keeps refs, broken links and downloads in progress', () => {
    const repos = parseHubListing([
      'F\tmodels--a--b/blobs/111\t10', 'F\tmodels--a--b/blobs/222.incomplete\t5', 'F\tmodels--a--b/snapshots/r1/config.json\t10',
      'L\tmodels--a--b/snapshots/r1/tokenizer.json\t0', 'R\tmodels--a--b/refs/main\tr1', 'F\tdatasets--x/blobs/1\t9', 'garbage',
    ].join('\n'));
    expect(repos).toHaveLength(1);
    expect(repos[0]).toMatchObject({ id: 'a/b', blobBytes: 10, incompleteBlobs: 1, refs: { main: 'r1' } });
    expect(repos[0]!.broken.get('r1')).toEqual(['tokenizer.json']);
  });
});
