import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/errors.js';
import { computeMetrics } from '../../../../src/bench/results/metrics.js';
import {
  parseResultDocument, ResultDocumentSchema, sloFromConfig, sloToConfig, SweepDocumentSchema, toRequestDetail, toResultFields, toVllmDetailArrays,
} from '../../../../src/bench/results/result-schema.js';
import type { RequestRecord } from '../../../../src/bench/engine/types.js';

const record: RequestRecord = {
  index: 0, startMs: 10, scheduledMs: 8, chunkTimesMs: [30, 35, 45], endMs: 50, success: true,
  promptTokens: 12, outputTokens: 3, outputTokensSource: 'usage', expectedOutputTokens: 3,
};

function validDoc(): Record<string, unknown> {
  const metrics = computeMetrics([record], { durationS: 1, slo: { ttftMs: 100 }, percentiles: [90, 99, 99.9] });
  return {
    schema_version: 1,
    aibench_version: '0.1.0',
    started_at: '2025-01-01T00:00:00.000Z',
    ended_at: '2025-01-01T00:01:00.000Z',
    duration_s: 1,
    config: {
      target: { url: 'http://node1:8000', model: 'facebook/opt-125m', api: 'completions' },
      load: { kind: 'rate', rate: 'inf', burstiness: 1 },
      stop: { duration_s: 60, on_deadline: 'cut' },
      dataset: { kind: 'random', input_len: 128, output_len: 32, range_ratio: 0, seed: 0 },
      warmup: { num_requests: 2 },
      slo: { ttft_ms: 100 },
      percentiles: [90, 99, 99.9],
    },
    tokenizer: { kind: 'fallback', name: 'cl100k_base' },
    provenance: { cluster: 'hpc', job_id: '123' },
    client: { event_loop_delay_p99_ms: 1.2, event_loop_delay_max_ms: 3, send_lag_p99_ms: 0.5, send_lag_max_ms: 2 },
    ...toResultFields(metrics),
    requests: [toRequestDetail(record)],
  };
}

function issues(value: unknown): string {
  try {
    parseResultDocument(value, 'run.json');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected the document to be refused');
}

describe('ResultDocumentSchema', () => {
  it('accepts a valid document, keeps percentile fields and applies defaults', () => {
    const doc = parseResultDocument(validDoc());
    expect(doc.kind).toBe('run');
    if (doc.kind !== 'run') return;
    expect(doc['p99.9_ttft_ms']).toBe(20);
    expect(doc.mean_tpot_ms).toBe(10); // e2el 40, ttft 20 -> (40 - 20) / (3 - 1)
    expect(doc.provenance).toEqual({ cluster: 'hpc', job_id: '123' });
    expect(doc.config.warmup).toEqual({ num_requests: 2 });
  });

  it('refuses an unknown top-level key with its name', () => {
    expect(issues({ ...validDoc(), bogus: 1 })).toMatch(/\(root\): unknown key "bogus"/);
  });

  it('refuses an unknown nested key with its path', () => {
    const doc = validDoc();
    (doc.config as { target: Record<string, unknown> }).target.token = 'secret';
    expect(issues(doc)).toMatch(/config\.target: unknown key "token"/);
  });

  it.each([
    ['p101_ttft_ms', 1, /p101_ttft_ms/],
    ['p99_ttft_ms', 'fast', /p99_ttft_ms/],
    ['mean_ttft_ms', -Infinity, /mean_ttft_ms/],
    ['schema_version', 2, /schema_version/],
    ['completed', 2, /num_prompts: expected completed \+ failed \+ cut \(2\)/],
    ['ended_at', '2024-12-31T00:00:00Z', /ended_at: expected ended_at not before started_at/],
  ])('refuses %s = %j', (key, value, message) => {
    expect(issues({ ...validDoc(), [key]: value })).toMatch(message);
  });

  it.each([
    ['itls', [[1, 2], [3, 'x']], /itls\[1\]\[1\]: expected a finite number, got "x"/],
    ['itls', [[1, 2], 5], /itls\[1\]: expected an array of finite numbers/],
    ['ttfts', [0.1, null], /ttfts\[1\]: expected a finite number, got null/],
    ['input_lens', [12, 1.5], /input_lens\[1\]: expected a non-negative integer, got 1.5/],
    ['output_lens', [-1], /output_lens\[0\]: expected a non-negative integer, got -1/],
  ])('names the bad element of a detail array: %s = %j', (key, value, message) => {
    expect(issues({ ...validDoc(), [key]: value })).toMatch(message);
  });

  it('names the bad ITL gap of a request', () => {
    const doc = validDoc();
    (doc.requests as Array<{ itl_ms: unknown[] }>)[0]!.itl_ms = [5, Number.NaN];
    expect(issues(JSON.parse(JSON.stringify(doc).replace('null]', '"NaN"]')))).toMatch(/requests\[0\]\.itl_ms\[1\]: expected a finite number, got "NaN"/);
  });

  it('applies cross-field rules', () => {
    const noStop = validDoc();
    (noStop.config as Record<string, unknown>).stop = { on_deadline: 'finish' };
    expect(issues(noStop)).toMatch(/config\.stop: expected duration_s or num_requests/);

    const noSlo = validDoc();
    delete (noSlo.config as Record<string, unknown>).slo;
    expect(issues(noSlo)).toMatch(/request_goodput: expected request_goodput only with config\.slo/);

    const shareGpt = validDoc();
    (shareGpt.config as Record<string, unknown>).dataset = { kind: 'sharegpt', seed: 1 };
    expect(issues(shareGpt)).toMatch(/config\.dataset\.path: expected path for a sharegpt dataset/);

    const creds = validDoc();
    (creds.config as { target: Record<string, unknown> }).target.url = 'http://user:pw@node1:8000';
    expect(issues(creds)).toMatch(/config\.target\.url: expected a URL without credentials/);
  });

  it('refuses an unknown load kind', () => {
    const doc = validDoc();
    (doc.config as Record<string, unknown>).load = { kind: 'burst' };
    expect(issues(doc)).toMatch(/config\.load/);
  });

  it('accepts a sweep of runs and refuses an empty one', () => {
    const sweep = {
      schema_version: 1, kind: 'sweep', aibench_version: '0.1.0',
      started_at: '2025-01-01T00:00:00Z', ended_at: '2025-01-01T01:00:00Z', runs: [validDoc(), validDoc()],
    };
    expect(SweepDocumentSchema.parse(sweep).runs).toHaveLength(2);
    expect(parseResultDocument(sweep).kind).toBe('sweep');
    expect(issues({ ...sweep, runs: [] })).toMatch(/runs/);
    expect(issues({ ...sweep, runs: [{ ...validDoc(), extra: true }] })).toMatch(/extra/);
  });

  it('round-trips through JSON', () => {
    const doc = ResultDocumentSchema.parse(validDoc());
    expect(ResultDocumentSchema.parse(JSON.parse(JSON.stringify(doc)))).toEqual(doc);
  });
});

describe('request detail and SLO conversion', () => {
  it('derives the detail of one request', () => {
    // ttft 30-10 = 20, itl [5, 10], e2el 40, tpot (40-20)/(3-1) = 10, send lag 10-8 = 2
    expect(toRequestDetail(record)).toEqual({
      index: 0, success: true, prompt_tokens: 12, output_tokens: 3, output_tokens_source: 'usage', expected_output_tokens: 3,
      send_lag_ms: 2, ttft_ms: 20, tpot_ms: 10, e2el_ms: 40, itl_ms: [5, 10],
    });
  });
  it('converts SLOs both ways', () => {
    expect(sloToConfig({ ttftMs: 300, e2elMs: 2000 })).toEqual({ ttft_ms: 300, e2el_ms: 2000 });
    expect(sloToConfig({})).toBeUndefined();
    expect(sloFromConfig({ tpot_ms: 50 })).toEqual({ ttftMs: undefined, tpotMs: 50, e2elMs: undefined });
  });
});

describe('unknown keys are named even when other fields are invalid', () => {
  it('reports "bogus" next to missing fields', () => {
    const message = issues({ schema_version: 1, bogus: 1 });
    expect(message).toMatch(/\(root\): unknown key "bogus"/);
    expect(message).toMatch(/aibench_version: /);
  });
});

describe('vLLM-compatible fields', () => {
  it('are accepted, and duration must equal duration_s', async () => {
    const { ResultDocumentSchema } = await import('../../../../src/bench/results/result-schema.js');
    const base = validDoc() as { duration_s: number };
    const ok = ResultDocumentSchema.safeParse({ ...base, duration: base.duration_s, date: '20261122-174500', backend: 'openai', model_id: 'm', request_rate: 'inf', burstiness: 1, max_concurrency: 8 });
    expect(ok.success).toBe(true);
    const bad = ResultDocumentSchema.safeParse({ ...base, duration: base.duration_s + 1 });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('expected duration to equal duration_s');
  });
});

describe('toVllmDetailArrays', () => {
  it('lists measured requests in index order, in seconds, with vLLM\'s 0 for a failed request', () => {
    const failed: RequestRecord = { index: 1, startMs: 0, scheduledMs: 0, chunkTimesMs: [], endMs: 5, success: false, error: 'HTTP 500', promptTokens: 7, outputTokens: 0, outputTokensSource: 'chunks', expectedOutputTokens: 3 };
    const warm: RequestRecord = { ...record, index: 0, warmup: true };
    expect(toVllmDetailArrays([failed, { ...record, index: 2 }, warm])).toEqual({
      input_lens: [7, 12],
      output_lens: [0, 3],
      ttfts: [0, 0.02], // first chunk at 30, start at 10
      itls: [[], [0.005, 0.01]], // chunks 30 -> 35 -> 45
    });
    expect(ResultDocumentSchema.safeParse({ ...validDoc(), ...toVllmDetailArrays([record]) }).success).toBe(true);
  });
});
