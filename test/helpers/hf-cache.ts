// A HuggingFace hub cache tree made for a test, in the hub's own layout (blobs, refs/main,
// snapshots/<rev>/<file> -> ../../blobs/<sha>), with real safetensors files: an 8-byte header
// length, the JSON header, then zero-filled tensor data of the declared size (small shapes).
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TensorSpec {
  dtype: string;
  shape: number[];
}

const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I8: 1, U8: 1, I32: 4 };

/** A safetensors file's bytes: header length (u64 LE), JSON header, tensor data. */
export function safetensorsBytes(tensors: Record<string, TensorSpec>, metadata: Record<string, string> = { format: 'pt' }): Buffer {
  let offset = 0;
  const header: Record<string, unknown> = { __metadata__: metadata };
  for (const [name, t] of Object.entries(tensors)) {
    const size = t.shape.reduce((a, b) => a * b, 1) * (BYTES[t.dtype] ?? 2);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, Buffer.alloc(offset)]);
}

/** A small llama-shaped config.json (2 layers, hidden 64, 4 heads, 2 KV heads). */
export const TINY_CONFIG = {
  architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2,
  num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 256, max_position_embeddings: 2048, torch_dtype: 'bfloat16', tie_word_embeddings: false,
};

/** Tensors matching TINY_CONFIG, split into two shards. */
export function tinyShards(): [Record<string, TensorSpec>, Record<string, TensorSpec>] {
  const first: Record<string, TensorSpec> = { 'model.embed_tokens.weight': { dtype: 'BF16', shape: [256, 64] } };
  const second: Record<string, TensorSpec> = { 'lm_head.weight': { dtype: 'BF16', shape: [256, 64] } };
  for (let l = 0; l < 2; l++) {
    const layer = l === 0 ? first : second;
    for (const p of ['q_proj', 'o_proj']) layer[`model.layers.${l}.self_attn.${p}.weight`] = { dtype: 'BF16', shape: [64, 64] };
    for (const p of ['k_proj', 'v_proj']) layer[`model.layers.${l}.self_attn.${p}.weight`] = { dtype: 'BF16', shape: [32, 64] };
    for (const p of ['gate_proj', 'up_proj']) layer[`model.layers.${l}.mlp.${p}.weight`] = { dtype: 'BF16', shape: [128, 64] };
    layer[`model.layers.${l}.mlp.down_proj.weight`] = { dtype: 'BF16', shape: [64, 128] };
  }
  return [first, second];
}

/** Parameters of tinyShards() (what a reader of the headers must report). */
export const TINY_PARAMETERS = 256 * 64 * 2 + 2 * (64 * 64 * 2 + 32 * 64 * 2 + 128 * 64 * 3);

/** Write one model into `hub` as the hub client would; `files` maps snapshot paths to contents. */
export function addHubModel(hub: string, id: string, files: Record<string, string | Buffer>, revision = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'): string {
  const dir = join(hub, `models--${id.split('/').join('--')}`);
  mkdirSync(join(dir, 'blobs'), { recursive: true });
  mkdirSync(join(dir, 'refs'), { recursive: true });
  writeFileSync(join(dir, 'refs', 'main'), revision);
  for (const [path, content] of Object.entries(files)) {
    const sha = createHash('sha256').update(content).digest('hex');
    writeFileSync(join(dir, 'blobs', sha), content);
    const link = join(dir, 'snapshots', revision, path);
    mkdirSync(join(link, '..'), { recursive: true });
    const depth = path.split('/').length + 1;
    symlinkSync(`${'../'.repeat(depth)}blobs/${sha}`, link);
  }
  return dir;
}

/** The files of a complete tiny model: config, tokenizer, two safetensors shards and their index. */
export function tinyModelFiles(): Record<string, string | Buffer> {
  const [a, b] = tinyShards();
  const names = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'] as const;
  const weightMap = Object.fromEntries([...Object.keys(a).map((k) => [k, names[0]]), ...Object.keys(b).map((k) => [k, names[1]])]);
  return {
    'config.json': JSON.stringify(TINY_CONFIG),
    'tokenizer.json': JSON.stringify({ version: '1.0', model: { type: 'BPE', vocab: {}, merges: [] } }),
    'tokenizer_config.json': '{}',
    'model.safetensors.index.json': JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }),
    [names[0]]: safetensorsBytes(a),
    [names[1]]: safetensorsBytes(b),
  };
}

/** Three models: complete, missing its second shard, missing its tokenizer. */
export function makeFakeHub(hub: string): { complete: string; missingWeights: string; missingTokenizer: string } {
  const ids = { complete: 'tiny-org/tiny-complete', missingWeights: 'tiny-org/tiny-no-weights', missingTokenizer: 'tiny-org/tiny-no-tokenizer' };
  const files = tinyModelFiles();
  addHubModel(hub, ids.complete, files);
  const { 'model-00002-of-00002.safetensors': _shard, ...noShard } = files;
  addHubModel(hub, ids.missingWeights, noShard);
  const { 'tokenizer.json': _tok, ...noTokenizer } = files;
  addHubModel(hub, ids.missingTokenizer, noTokenizer);
  return ids;
}
