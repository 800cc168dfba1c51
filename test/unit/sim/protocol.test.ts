import { describe, expect, it } from 'vitest';
import { errorBody, parseGenerationRequest } from '../../../src/sim/protocol.js';

describe('parseGenerationRequest', () => {
  it('reads a completion with a string prompt and ignores fields it does not model', () => {
    expect(parseGenerationRequest('completion', { model: 'm', prompt: 'hi', max_tokens: 5, stream: true, stream_options: { include_usage: true }, temperature: 0.7, ignore_eos: true })).toEqual({
      kind: 'completion', model: 'm', stream: true, includeUsage: true, ignoreEos: true, maxTokens: 5, prompt: { text: 'hi' },
    });
  });

  it('counts token-id prompts directly and accepts one-element prompt lists', () => {
    expect(parseGenerationRequest('completion', { prompt: [1, 2, 3] })).toMatchObject({ prompt: { tokens: 3 }, maxTokens: undefined, stream: false });
    expect(parseGenerationRequest('completion', { prompt: [[1, 2]] })).toMatchObject({ prompt: { tokens: 2 } });
    expect(parseGenerationRequest('completion', { prompt: ['a b'] })).toMatchObject({ prompt: { text: 'a b' } });
  });

  it('concatenates chat message contents and prefers max_completion_tokens', () => {
    const r = parseGenerationRequest('chat', {
      messages: [{ role: 'system', content: 'A' }, { role: 'user', content: [{ type: 'text', text: 'B' }, { type: 'image_url', image_url: {} }] }, { role: 'assistant', content: null }],
      max_tokens: 9,
      max_completion_tokens: 4,
    });
    expect(r).toMatchObject({ kind: 'chat', prompt: { text: 'AB' }, maxTokens: 4 });
  });

  it.each([
    ['completion', {}, /prompt/],
    ['completion', { prompt: 'x', max_tokens: 0 }, /max_tokens/],
    ['completion', { prompt: 'x', max_tokens: 1.5 }, /max_tokens/],
    ['completion', { prompt: ['a', 'b'] }, /prompt/],
    ['completion', { prompt: 'x', n: 3 }, /n: the simulator supports n = 1 only/],
    ['chat', { messages: [] }, /messages/],
    ['chat', { messages: [{ content: 'x' }] }, /messages\[0\]\.role/],
    ['completion', 'just a string', /\(root\)/],
  ] as const)('rejects %s %j', (kind, body, message) => {
    const r = parseGenerationRequest(kind, body);
    expect(typeof r).toBe('string');
    expect(r).toMatch(message);
  });
});

describe('errorBody', () => {
  it('is OpenAI-shaped (as current vLLM answers): {error: {message, type, param, code}}', () => {
    expect(JSON.parse(errorBody(400, 'bad'))).toEqual({ error: { message: 'bad', type: 'BadRequestError', param: null, code: 400 } });
    expect(JSON.parse(errorBody(404, 'x')).error.type).toBe('NotFoundError');
  });
});
