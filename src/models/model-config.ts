// Pure: what a model's config.json says that memory planning needs (layers, KV heads, head size,
// context, dtype), and a parameter count from the shapes when no safetensors header can tell.
// Multimodal configs keep the language model under `text_config`; GPT-2-style configs use
// n_layer / n_head / n_embd.

export interface ModelArch {
  architecture?: string;
  modelType?: string;
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocab?: number;
  intermediate?: number;
  maxPositions?: number;
  /** As written: bfloat16, float16, float32. */
  dtype?: string;
  tiedEmbeddings: boolean;
  experts?: number;
}

type Json = Record<string, unknown>;
const num = (c: Json, ...keys: string[]): number | undefined => {
  for (const k of keys) if (typeof c[k] === 'number' && Number.isFinite(c[k]) && (c[k] as number) > 0) return c[k] as number;
  return undefined;
};

/** The facts of a config.json (text), or undefined when it lacks layers, hidden size or heads. */
export function parseModelConfig(text: string): ModelArch | undefined {
  let top: Json;
  try {
    top = JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
  if (typeof top !== 'object' || top === null) return undefined;
  const c = (typeof top['text_config'] === 'object' && top['text_config'] !== null ? { ...top, ...(top['text_config'] as Json) } : top);
  const layers = num(c, 'num_hidden_layers', 'n_layer', 'num_layers');
  const hidden = num(c, 'hidden_size', 'n_embd', 'd_model');
  const heads = num(c, 'num_attention_heads', 'n_head');
  if (layers === undefined || hidden === undefined || heads === undefined) return undefined;
  const arch = Array.isArray(top['architectures']) && typeof top['architectures'][0] === 'string' ? top['architectures'][0] : undefined;
  const dtype = typeof c['torch_dtype'] === 'string' ? c['torch_dtype'] : typeof c['dtype'] === 'string' ? c['dtype'] : undefined;
  const out: ModelArch = {
    layers, hidden, heads, kvHeads: num(c, 'num_key_value_heads', 'n_head_kv', 'num_kv_heads') ?? heads,
    headDim: num(c, 'head_dim') ?? hidden / heads, tiedEmbeddings: c['tie_word_embeddings'] === true || (c['tie_word_embeddings'] === undefined && c['model_type'] === 'gpt2'),
  };
  const optional: Partial<ModelArch> = {
    architecture: arch, modelType: typeof c['model_type'] === 'string' ? c['model_type'] : undefined, dtype,
    vocab: num(c, 'vocab_size'), intermediate: num(c, 'intermediate_size', 'ffn_dim', 'n_inner'),
    maxPositions: num(c, 'max_position_embeddings', 'n_positions', 'max_sequence_length', 'seq_length'),
    experts: num(c, 'num_local_experts', 'num_experts', 'n_routed_experts'),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (out as unknown as Json)[k] = v;
  return out;
}

/** Two-matrix MLPs (fc1, fc2); everything else here is taken to be gated (gate, up, down). */
const PLAIN_MLP = new Set(['opt', 'gpt2', 'gpt_neox', 'gptj', 'bloom', 'falcon', 'phi', 'gpt_bigcode', 'starcoder2']);

/**
 * Parameters from the shapes of a dense (or MoE) decoder: embeddings, per layer q/k/v/o and the
 * MLP, the LM head unless tied. Norms and biases are left out (well under 0.1 %).
 */
export function configParameters(arch: ModelArch): number | undefined {
  if (arch.vocab === undefined || arch.intermediate === undefined) return undefined;
  const kvWidth = arch.kvHeads * arch.headDim;
  const attention = arch.hidden * arch.heads * arch.headDim * 2 + arch.hidden * kvWidth * 2;
  const mlp = (PLAIN_MLP.has(arch.modelType ?? '') ? 2 : 3) * arch.hidden * arch.intermediate * (arch.experts ?? 1);
  const embeddings = arch.vocab * arch.hidden * (arch.tiedEmbeddings ? 1 : 2);
  return embeddings + arch.layers * (attention + mlp);
}

/** Bytes per parameter of a config dtype name (bfloat16 -> 2); undefined when unknown. */
export function configDtypeBytes(dtype: string | undefined): number | undefined {
  const table: Record<string, number> = { float32: 4, float: 4, float16: 2, half: 2, bfloat16: 2, float8_e4m3fn: 1, float8_e5m2: 1, int8: 1 };
  return dtype === undefined ? undefined : table[dtype.replace(/^torch\./, '')];
}
