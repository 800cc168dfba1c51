import { describe, expect, it } from 'vitest';
import { SSE_DONE, chatStream, completionStream, fullResponse, nextId } from '../../../src/sim/chunks.js';
import { outputText, tokenText, wordCount } from '../../../src/sim/tokens.js';

const parse = (event: string) => {
  expect(event.startsWith('data: ')).toBe(true);
  expect(event.endsWith('\n\n')).toBe(true);
  return JSON.parse(event.slice(6, -2));
};

describe('pre-serialised chunks', () => {
  it('completion chunks are valid JSON equal to what JSON.stringify would give', () => {
    const t = completionStream('cmpl-1', 123, 'org/"quoted"-model');
    expect(t.opening).toBe('');
    for (const k of [0, 1, wordCount(), 1000]) {
      expect(parse(t.token(k))).toEqual({
        id: 'cmpl-1', object: 'text_completion', created: 123, model: 'org/"quoted"-model',
        choices: [{ index: 0, text: tokenText(k), logprobs: null, finish_reason: null, stop_reason: null }],
      });
    }
    expect(parse(t.last(3, 'stop')).choices[0]).toMatchObject({ text: tokenText(3), finish_reason: 'stop' });
    expect(parse(t.usage({ prompt_tokens: 1, total_tokens: 3, completion_tokens: 2 }))).toMatchObject({ choices: [], usage: { prompt_tokens: 1, total_tokens: 3, completion_tokens: 2 } });
    expect(SSE_DONE).toBe('data: [DONE]\n\n');
  });

  it('chat chunks carry the role first, then content deltas', () => {
    const t = chatStream('chatcmpl-1', 5, 'm');
    expect(parse(t.opening)).toEqual({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 5, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] });
    expect(parse(t.token(2)).choices[0]).toEqual({ index: 0, delta: { content: tokenText(2) }, logprobs: null, finish_reason: null });
    expect(parse(t.last(2, 'length')).choices[0]).toMatchObject({ delta: { content: tokenText(2) }, finish_reason: 'length' });
  });

  it('non-streaming bodies and ids look like vLLM', () => {
    const usage = { prompt_tokens: 2, total_tokens: 5, completion_tokens: 3 };
    const c = JSON.parse(fullResponse('completion', 'cmpl-x', 1, 'm', outputText(3), 'length', usage));
    expect(c).toMatchObject({ object: 'text_completion', choices: [{ text: outputText(3), finish_reason: 'length' }], usage });
    const chat = JSON.parse(fullResponse('chat', 'chatcmpl-x', 1, 'm', 'hi', 'stop', usage));
    expect(chat).toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }] });
    expect(nextId('cmpl')).toMatch(/^cmpl-[0-9a-f]{32}$/);
    expect(nextId('chatcmpl')).not.toBe(nextId('chatcmpl'));
    expect(wordCount()).toBe(64);
  });
});
