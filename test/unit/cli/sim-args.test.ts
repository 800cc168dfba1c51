import { describe, expect, it } from 'vitest';
import { parseSimArgs } from '../../../src/cli/sim-args.js';
import { DEFAULT_SIM_MODEL } from '../../../src/sim/options.js';
import { UsageError } from '../../../src/errors.js';

describe('parseSimArgs', () => {
  it('applies defaults (127.0.0.1, not vLLM 0.0.0.0)', () => {
    const { options, ignored } = parseSimArgs([]);
    expect(ignored).toEqual([]);
    expect(options).toMatchObject({
      model: DEFAULT_SIM_MODEL,
      servedModelNames: [DEFAULT_SIM_MODEL],
      host: '127.0.0.1',
      port: 8000,
      maxNumSeqs: 256,
      maxModelLen: 4096,
      prefillMsPerToken: 0.05,
      prefillOverheadMs: 5,
      itlMs: 10,
      jitter: 0,
      seed: 0,
      startupDelayS: 0,
      errorRate: 0,
      crashOnStart: false,
    });
    expect(options.apiKey).toBeUndefined();
    expect(options.defaultMaxTokens).toBeUndefined();
  });

  it('reads vllm serve style flags in both --flag value and --flag=value forms', () => {
    const { options } = parseSimArgs([
      'Qwen/Qwen2.5-0.5B', '--host', '0.0.0.0', '--port=0', '--max-num-seqs', '8', '--max_model_len', '2048',
      '--itl-ms', '20', '--prefill-overhead-ms=1.5', '--prefill-ms-per-token', '0', '--jitter', '0.1', '--seed', '-7',
      '--startup-delay', '2', '--error-rate', '0.25', '--crash-on-start', '--default-max-tokens', '32', '--ready-file', '/tmp/r.json',
    ]);
    expect(options).toMatchObject({
      model: 'Qwen/Qwen2.5-0.5B', host: '0.0.0.0', port: 0, maxNumSeqs: 8, maxModelLen: 2048, itlMs: 20,
      prefillOverheadMs: 1.5, prefillMsPerToken: 0, jitter: 0.1, seed: -7, startupDelayS: 2, errorRate: 0.25,
      crashOnStart: true, defaultMaxTokens: 32, readyFile: '/tmp/r.json',
    });
  });

  it('takes one or more served model names', () => {
    expect(parseSimArgs(['m', '--served-model-name', 'a', 'b', '--port', '1']).options).toMatchObject({ servedModelNames: ['a', 'b'], port: 1 });
    expect(parseSimArgs(['--model', 'm', '--served-model-name=a']).options.servedModelNames).toEqual(['a']);
  });

  it('takes the API key from the flag, else from VLLM_API_KEY', () => {
    expect(parseSimArgs(['--api-key', 'k1'], { VLLM_API_KEY: 'k2' }).options.apiKey).toBe('k1');
    expect(parseSimArgs([], { VLLM_API_KEY: 'k2' }).options.apiKey).toBe('k2');
  });

  it('ignores unknown flags, with or without values, and lists only their names', () => {
    const { options, ignored } = parseSimArgs([
      'm', '--tensor-parallel-size', '2', '--enforce-eager', '--hf-token', 'secret', '--gpu-memory-utilization=0.9',
      '--no-enable-chunked-prefill', '-tp', '4', '--port', '9',
    ]);
    expect(options.model).toBe('m');
    expect(options.port).toBe(9);
    expect(ignored).toEqual(['--tensor-parallel-size', '--enforce-eager', '--hf-token', '--no-enable-chunked-prefill', '-tp']);
    expect(options.gpuMemoryUtilization).toBe(0.9); // read by the simulated start-up memory check (--oom-above-utilization)
    expect(ignored.join(' ')).not.toContain('secret');
  });

  it('does not let a vLLM switch swallow the model that follows it', () => {
    expect(parseSimArgs(['--enforce-eager', 'm']).options.model).toBe('m');
    expect(parseSimArgs(['--enable-chunked-prefill', 'm']).options.model).toBe('m');
  });

  it.each([
    [['--itl-ms', '-1'], /--itl-ms: expected a number >= 0, got "-1"/],
    [['--port', '70000'], /--port: expected an integer from 0 to 65535.*got "70000"/],
    [['--port', '1.5'], /--port: .*got "1.5"/],
    [['--error-rate', '2'], /--error-rate: expected a fraction from 0 to 1, got "2"/],
    [['--jitter', 'abc'], /--jitter: expected a fraction from 0 to 1, got "abc"/],
    [['--max-num-seqs', '0'], /--max-num-seqs: expected an integer >= 1, got "0"/],
    [['--crash-on-start=maybe'], /--crash-on-start: expected true or false, got "maybe"/],
    [['--port'], /--port: expected a value, got nothing/],
    [['a', 'b'], /Expected one model argument, got "a", "b"/],
    [['a', '--model', 'b'], /Expected one model argument/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseSimArgs(argv)).toThrow(UsageError);
    expect(() => parseSimArgs(argv)).toThrow(message);
  });

  it('never echoes an invalid API key', () => {
    expect(() => parseSimArgs(['--api-key='])).toThrow(/--api-key: .*got \(hidden\)/);
  });
});
