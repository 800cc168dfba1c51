// Pre-serialised response bodies. The hot path builds a token chunk by concatenating a
// per-request head with a per-word tail, so no JSON.stringify runs per token.
import { TOKEN_JSON } from './tokens.js';

export type FinishReason = 'length' | 'stop';

export interface Usage {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens: number;
}

/** Everything a streamed response writes, as strings ready for the socket. */
export interface StreamTemplates {
  /** Sent once before the first token (chat: the assistant role delta), or ''. */
  opening: string;
  token(index: number): string;
  last(index: number, finish: FinishReason): string;
  usage(usage: Usage): string;
}

const DONE = 'data: [DONE]\n\n';
export { DONE as SSE_DONE };

const COMPLETION_TAIL = ',"logprobs":null,"finish_reason":null,"stop_reason":null}]}\n\n';
const CHAT_TAIL = '},"logprobs":null,"finish_reason":null}]}\n\n';
const COMPLETION_TOKEN_TAILS = TOKEN_JSON.map((t) => t + COMPLETION_TAIL);
const CHAT_TOKEN_TAILS = TOKEN_JSON.map((t) => t + CHAT_TAIL);

/** Ids look like vLLM's (`cmpl-<hex>`, `chatcmpl-<hex>`): a random per-process prefix plus a counter. */
let counter = 0;
const BOOT = Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
export function nextId(prefix: 'cmpl' | 'chatcmpl'): string {
  counter += 1;
  return `${prefix}-${BOOT}${counter.toString(16).padStart(24, '0')}`;
}

function envelope(id: string, object: string, created: number, model: string): string {
  return `{"id":${JSON.stringify(id)},"object":"${object}","created":${created},"model":${JSON.stringify(model)}`;
}

/** Templates for `POST /v1/completions` with stream: true. */
export function completionStream(id: string, created: number, model: string): StreamTemplates {
  const env = envelope(id, 'text_completion', created, model);
  const head = `data: ${env},"choices":[{"index":0,"text":`;
  return {
    opening: '',
    token: (k) => head + COMPLETION_TOKEN_TAILS[k % COMPLETION_TOKEN_TAILS.length]!,
    last: (k, finish) => `${head}${TOKEN_JSON[k % TOKEN_JSON.length]!},"logprobs":null,"finish_reason":"${finish}","stop_reason":null}]}\n\n`,
    usage: (u) => `data: ${env},"choices":[],"usage":${JSON.stringify(u)}}\n\n`,
  };
}

/** Templates for `POST /v1/chat/completions` with stream: true. */
export function chatStream(id: string, created: number, model: string): StreamTemplates {
  const env = envelope(id, 'chat.completion.chunk', created, model);
  const head = `data: ${env},"choices":[{"index":0,"delta":{"content":`;
  return {
    opening: `data: ${env},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`,
    token: (k) => head + CHAT_TOKEN_TAILS[k % CHAT_TOKEN_TAILS.length]!,
    last: (k, finish) => `${head}${TOKEN_JSON[k % TOKEN_JSON.length]!}},"logprobs":null,"finish_reason":"${finish}","stop_reason":null}]}\n\n`,
    usage: (u) => `data: ${env},"choices":[],"usage":${JSON.stringify(u)}}\n\n`,
  };
}

/** The whole non-streaming response body. */
export function fullResponse(kind: 'completion' | 'chat', id: string, created: number, model: string, text: string, finish: FinishReason, usage: Usage): string {
  const choice =
    kind === 'completion'
      ? { index: 0, text, logprobs: null, finish_reason: finish, stop_reason: null, prompt_logprobs: null }
      : { index: 0, message: { role: 'assistant', content: text, tool_calls: [] }, logprobs: null, finish_reason: finish, stop_reason: null };
  const object = kind === 'completion' ? 'text_completion' : 'chat.completion';
  return JSON.stringify({ id, object, created, model, choices: [choice], usage });
}
