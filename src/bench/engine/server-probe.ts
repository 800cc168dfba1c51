// Before the first benchmark request: which model to ask for, the server's version, and whether
// the asked lengths fit the model's context (vLLM lists max_model_len in /v1/models).
import { BenchError, UsageError } from '../../errors.js';
import type { BenchSpec } from '../spec/bench-spec.js';
import { createBenchClient } from './client.js';

export interface ServerInfo {
  model: string;
  version?: string;
  /** The model's context length, when the server says it. */
  maxModelLen?: number;
}

interface ModelCard {
  id?: unknown;
  max_model_len?: unknown;
}

/** Ask the server for its models and version; refuse lengths that cannot fit its context. */
export async function probeServer(spec: BenchSpec, endpoint: { url: string; apiKey?: string; model?: string }): Promise<ServerInfo> {
  const client = createBenchClient({ url: endpoint.url, connections: 2, apiKey: endpoint.apiKey });
  // Both at once: one round trip to a remote server instead of two (getJson never rejects).
  const versionAnswer = client.getJson('/version', 3000);
  try {
    const models = await client.getJson('/v1/models');
    // Nothing at the URL (refused, reset, timed out): every request would fail the same way, so say it now.
    if ('error' in models) {
      throw new BenchError(`Expected ${endpoint.url}/v1/models to answer before the first request, got ${models.error}`, {
        hint: 'check that the server is up and that the URL (host, port) is the one it listens on',
      });
    }
    if (models.status === 401 || models.status === 403) {
      throw new BenchError(`${endpoint.url}/v1/models answered HTTP ${models.status}: the server wants an API key`, {
        code: 'E_AUTH', hint: 'pass --api-key-file FILE (mode 0600) or set OPENAI_API_KEY / VLLM_API_KEY',
      });
    }
    const cards = ((models.body as { data?: ModelCard[] } | undefined)?.data ?? []).filter((c) => typeof c?.id === 'string' && c.id !== '');
    const model = spec.target.model ?? endpoint.model ?? (cards[0]?.id as string | undefined);
    if (model === undefined) {
      throw new BenchError(`Expected a model from ${endpoint.url}/v1/models, got HTTP ${models.status} without a model`, {
        hint: 'check that the server is up, or pass --model',
      });
    }
    const card = cards.find((c) => c.id === model);
    const maxModelLen = typeof card?.max_model_len === 'number' && card.max_model_len > 0 ? card.max_model_len : undefined;
    const answer = await versionAnswer;
    const version = ('body' in answer ? answer.body : undefined) as { version?: unknown } | undefined;
    const info: ServerInfo = { model, ...(typeof version?.version === 'string' ? { version: version.version } : {}), ...(maxModelLen ? { maxModelLen } : {}) };
    checkContext(spec, info);
    return info;
  } finally {
    await versionAnswer;
    await client.close();
  }
}

/** A random prompt's longest input plus its longest output must fit max_model_len. */
function checkContext(spec: BenchSpec, server: ServerInfo): void {
  const { dataset } = spec;
  if (server.maxModelLen === undefined || dataset.kind !== 'random') return;
  const longest = (len: number) => Math.floor(len * (1 + dataset.range_ratio));
  const need = longest(dataset.input_len) + longest(dataset.output_len);
  if (need > server.maxModelLen) {
    throw new UsageError(
      `input_len + output_len: expected at most the model's context, max_model_len ${server.maxModelLen} of ${server.model}, got ${longest(dataset.input_len)} + ${longest(dataset.output_len)} = ${need} (with range_ratio)`,
      { hint: 'lower --input-len / --output-len, or start the server with a larger --max-model-len' },
    );
  }
}
