// POST /v1/completions and /v1/chat/completions: read and validate the body, decide the output
// length like vLLM does, inject failures, then hand a Generation to the engine.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimEngine } from './engine.js';
import { errorBody, parseGenerationRequest, type GenerationRequest } from './protocol.js';
import { countPromptTokens, encodePromptTokens } from './tokens.js';
import { send } from './routes.js';
import { Generation, type GenerationPlan } from './generation.js';

const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Answer one generation request (errors as OpenAI-shaped JSON, success by a Generation). */
export async function handleGeneration(engine: SimEngine, kind: 'completion' | 'chat', req: IncomingMessage, res: ServerResponse, arrivedAt: number): Promise<void> {
  const fail = (status: number, message: string) => send(res, status, errorBody(status, message));
  const raw = await readBody(req);
  if (raw === undefined) return void fail(413, `Request body larger than ${MAX_BODY_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    return void fail(400, `Expected a JSON body: ${(error as Error).message}`);
  }
  const request = parseGenerationRequest(kind, body);
  if (typeof request === 'string') return void fail(400, request);
  const { options, rng } = engine;
  if (request.model !== undefined && !options.servedModelNames.includes(request.model)) {
    return void fail(404, `The model \`${request.model}\` does not exist.`);
  }
  let gone = false; // counting a long prompt yields to other clients: this one may leave meanwhile
  res.once('close', () => (gone = true));
  const plan = await planOutput(engine, request);
  if (gone) return;
  if (typeof plan === 'string') return void fail(400, plan);
  // Drawn after validation so a seeded run fails the same requests every time.
  if (options.errorRate > 0 && rng() < options.errorRate) {
    return void fail(500, 'Simulated server error (--error-rate)');
  }
  new Generation(engine, plan, res, arrivedAt).start();
}

// Output length: exactly max_tokens when given (finish 'length', as benchmarks expect); without
// it, --default-max-tokens plays the model's natural answer length (finish 'stop') unless
// ignore_eos is set, and otherwise generation runs to the end of the context, as in vLLM.
async function planOutput(engine: SimEngine, request: GenerationRequest): Promise<GenerationPlan | string> {
  const { maxModelLen, defaultMaxTokens, servedModelNames } = engine.options;
  // With a prefix cache the ids are needed (their hashes name the blocks); else a count is enough.
  const promptIds = 'ids' in request.prompt ? request.prompt.ids : engine.prefixCache === undefined ? undefined : await encodePromptTokens(request.prompt.text);
  const promptTokens = promptIds !== undefined ? promptIds.length : 'text' in request.prompt ? await countPromptTokens(request.prompt.text) : request.prompt.tokens;
  const limit = request.maxTokens ?? maxModelLen - promptTokens;
  if (promptTokens + limit > maxModelLen || limit < 1) {
    const where = request.kind === 'chat' ? 'messages' : 'prompt';
    return (
      `This model's maximum context length is ${maxModelLen} tokens. However, you requested ` +
      `${promptTokens + Math.max(limit, 0)} tokens (${promptTokens} in the ${where}, ${Math.max(limit, 0)} in the completion). ` +
      `Please reduce the length of the ${where} or completion.`
    );
  }
  const natural = request.maxTokens === undefined && defaultMaxTokens !== undefined && !request.ignoreEos ? defaultMaxTokens : Number.POSITIVE_INFINITY;
  const outputTokens = Math.min(limit, natural);
  return {
    kind: request.kind,
    model: request.model ?? servedModelNames[0]!,
    stream: request.stream,
    includeUsage: request.includeUsage,
    promptTokens,
    outputTokens,
    finish: natural < limit ? 'stop' : 'length',
    ...(engine.prefixCache !== undefined && promptIds !== undefined ? { promptIds } : {}),
    ...(engine.log !== undefined && request.messages !== undefined ? { messages: request.messages } : {}),
  };
}

// The whole body as text, or undefined past MAX_BODY_BYTES.
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  return (await readBodyBytes(req, MAX_BODY_BYTES))?.toString('utf8');
}

/** The whole request body, or undefined past `maxBytes` (the rest is drained, unread). */
export async function readBodyBytes(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
