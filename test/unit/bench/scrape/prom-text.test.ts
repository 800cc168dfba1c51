// The Prometheus text parser against a vLLM v1 exposition (test/fixtures/vllm/metrics-v1.txt), the
// format's corner cases, and a property: whatever samples are written in the format come back.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePromText, parseSampleLine } from '../../../../src/bench/scrape/prom-text.js';
import { hasVllmSeries, vllmPoint } from '../../../../src/bench/scrape/vllm-point.js';

const FIXTURE = readFileSync(resolve(import.meta.dirname, '../../../fixtures/vllm/metrics-v1.txt'), 'utf8');

describe('parsePromText on a vLLM v1 exposition', () => {
  const parsed = parsePromText(FIXTURE);
  it('reads every sample line and no error', () => {
    expect(parsed.errors).toEqual([]);
    expect(parsed.samples.length).toBe(FIXTURE.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length);
    expect(parsed.types.get('vllm:request_queue_time_seconds')).toBe('histogram');
    expect(parsed.types.get('vllm:num_preemptions_total')).toBe('counter');
  });
  it('keeps labels of labelled histograms apart, with _sum and _count', () => {
    const sum = parsed.samples.find((s) => s.name === 'vllm:request_queue_time_seconds_sum');
    expect(sum).toEqual({ name: 'vllm:request_queue_time_seconds_sum', labels: { engine: '0', model_name: 'meta-llama/Llama-3.1-8B-Instruct' }, value: 61.3 });
    const inf = parsed.samples.find((s) => s.name === 'vllm:request_queue_time_seconds_bucket' && s.labels.le === '+Inf');
    expect(inf?.value).toBe(512);
  });
  it('reduces it to the point a result needs (label sets combined, names kept as vLLM spells them)', () => {
    expect(hasVllmSeries(parsed)).toBe(true);
    const point = vllmPoint(parsed, 5);
    expect(point.values).toEqual({
      num_requests_running: 12, num_requests_waiting: 3, kv_cache_usage_perc: 0.4375, preemptions: 7, prompt_tokens: 523776,
      generation_tokens: 65472, requests_succeeded: 512, prefix_cache_queries: 523776, prefix_cache_hits: 130944,
    });
    expect(point.histograms.queue_time).toMatchObject({ sum: 61.3, count: 512, le: expect.arrayContaining([0.3, 7680]) });
    expect(point.histograms.queue_time?.cumulative.slice(0, 3)).toEqual([400, 480, 500]);
    expect(Object.keys(point.histograms).sort()).toEqual(['decode_time', 'e2e_latency', 'prefill_time', 'queue_time', 'ttft']);
  });
  it('an older vLLM without a metric leaves it absent, never 0', () => {
    const v0 = parsePromText('vllm:num_requests_running{model_name="m"} 2.0\nvllm:gpu_cache_usage_perc{model_name="m"} 0.5\n');
    const point = vllmPoint(v0, 0);
    expect(point.values).toEqual({ num_requests_running: 2 });
    expect(point.histograms).toEqual({});
  });
});

describe('parseSampleLine', () => {
  it.each([
    ['a 1', { name: 'a', labels: {}, value: 1 }],
    ['a_total{x="1",} 2.5e3 1395066363000', { name: 'a_total', labels: { x: '1' }, value: 2500, timestampMs: 1395066363000 }],
    ['a{path="C:\\\\DIR",msg="say \\"hi\\"\\n"} +Inf', { name: 'a', labels: { path: 'C:\\DIR', msg: 'say "hi"\n' }, value: Infinity }],
    ['a { x = "y" } -Inf', { name: 'a', labels: { x: 'y' }, value: -Infinity }],
  ])('%s', (line, expected) => expect(parseSampleLine(line)).toEqual(expected));
  it('NaN is a value', () => expect(Number.isNaN(parseSampleLine('a NaN').value)).toBe(true));
  it.each([['a{x=1} 2', /quoted value/], ['a{x="1" 2', /, or }/], ['a', /expected "<value>/], ['a 1 2 3', /expected "<value>/], ['a 12abc', /expected a number/], ['{x="1"} 2', /metric name/]])(
    'refuses %s',
    (line, message) => expect(() => parseSampleLine(line)).toThrow(message),
  );
  it('a bad line is reported with its number, the others are kept', () => {
    const parsed = parsePromText('a 1\nb{ 2\nc 3\n');
    expect(parsed.samples.map((s) => s.name)).toEqual(['a', 'c']);
    expect(parsed.errors).toEqual([{ line: 2, message: expect.stringMatching(/label name/) }]);
  });
});

describe('round trip (property)', () => {
  const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/);
  const sample = fc.record({
    name: fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,15}$/),
    labels: fc.dictionary(labelName, fc.string({ maxLength: 12 }), { maxKeys: 4 }),
    value: fc.double({ noNaN: true }),
  });
  const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  const format = (v: number) => (v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : Object.is(v, -0) ? '-0' : String(v));
  it('every sample written in the text format parses back to itself', () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 20 }), (samples) => {
        const text = samples.map((s) => `${s.name}{${Object.entries(s.labels).map(([k, v]) => `${k}="${escape(v)}"`).join(',')}} ${format(s.value)}`).join('\n');
        const parsed = parsePromText(text);
        expect(parsed.errors).toEqual([]);
        expect(parsed.samples).toEqual(samples.map((s) => ({ ...s, labels: { ...s.labels } })));
      }),
    );
  });
});
