// Request bodies the simulator accepts (OpenAI / vLLM shapes) and OpenAI-shaped error bodies.
// Bodies are loose objects: like vLLM, fields the simulator does not model (temperature, top_p,
// seed, stop, logprobs, ...) are accepted and ignored rather than rejected.
import { z } from 'zod';
import { formatZodIssues } from '../config/zod-error.js';

const tokenIds = z.array(z.number().int().min(0)).min(1);

const common = {
  model: z.string().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  ignore_eos: z.boolean().nullish(),
  n: z.literal(1, { error: 'the simulator supports n = 1 only' }).nullish(),
};

const completionRequestSchema = z.looseObject({
  ...common,
  // One prompt per request: a string, token ids, or a one-element list of either.
  prompt: z.union([z.string(), tokenIds, z.tuple([z.string()]), z.tuple([tokenIds])], {
    error: 'expected a string, a list of token ids, or a one-element list of either',
  }),
});

const contentPart = z.looseObject({ type: z.string(), text: z.string().nullish() });
const message = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
});

const chatRequestSchema = z.looseObject({
  ...common,
  messages: z.array(message).min(1),
  max_completion_tokens: z.number().int().min(1).nullish(),
});


/** What a generation needs from either endpoint once the body is valid. */
export interface GenerationRequest {
  kind: 'completion' | 'chat';
  model: string | undefined;
  stream: boolean;
  includeUsage: boolean;
  maxTokens: number | undefined;
  ignoreEos: boolean;
  /** Text to count prompt tokens from, or a count already known (token-id prompts, with their ids). */
  prompt: { text: string } | { tokens: number; ids: number[] };
  /** Chat: the messages as sent (roles and text), for the request log. */
  messages?: Array<{ role: string; content: string }>;
}

/** Validate a parsed JSON body; returns the request or a one-line error message. */
export function parseGenerationRequest(kind: 'completion' | 'chat', body: unknown): GenerationRequest | string {
  if (kind === 'completion') {
    const r = completionRequestSchema.safeParse(body);
    if (!r.success) return formatZodIssues(r.error).join('; ');
    const p = r.data.prompt;
    const first = Array.isArray(p) && p.length === 1 ? p[0]! : p;
    const prompt = typeof first === 'string' ? { text: first } : { tokens: (first as number[]).length, ids: first as number[] };
    return { kind, ...shared(r.data), maxTokens: r.data.max_tokens ?? undefined, prompt };
  }
  const r = chatRequestSchema.safeParse(body);
  if (!r.success) return formatZodIssues(r.error).join('; ');
  let text = '';
  const messages = r.data.messages.map((m) => {
    const content = typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((part) => part.text ?? '').join('') : '';
    text += content;
    return { role: m.role, content };
  });
  const maxTokens = r.data.max_completion_tokens ?? r.data.max_tokens ?? undefined;
  return { kind, ...shared(r.data), maxTokens, prompt: { text }, messages };
}

function shared(data: z.infer<z.ZodObject<typeof common>>) {
  return {
    model: data.model ?? undefined,
    stream: data.stream === true,
    includeUsage: data.stream_options?.include_usage === true,
    ignoreEos: data.ignore_eos === true,
  };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'BadRequestError',
  401: 'Unauthorized',
  404: 'NotFoundError',
  405: 'MethodNotAllowed',
  413: 'BadRequestError',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

/**
 * The error JSON of OpenAI and of current vLLM: {"error": {message, type, param, code}}. OpenAI SDKs
 * read `error.message`; a flat body (older vLLM's {object: 'error', message, ...}) makes them print
 * only "400 status code (no body)".
 */
export function errorBody(status: number, message: string): string {
  return JSON.stringify({ error: { message, type: ERROR_TYPES[status] ?? 'Error', param: null, code: status } });
}
