// The forms' JavaScript executed as the Business Forms plugin runs it: Grafana's replaceVariables
// on the code, then `new Function('context', code)(context)` with context.panel.elements.
import { describe, expect, it, vi } from 'vitest';
import { buildDashboards } from '../../../src/grafana/build.js';
import {
  CANCEL_SERVICE_CODE, SERVICE_OPTIONS_CODE, START_BENCHMARK_PAYLOAD, START_BENCHMARK_VALIDATE, START_SERVICE_PAYLOAD,
} from '../../../src/grafana/form-code.js';
import type { FormElement } from '../../../src/grafana/form-model.js';
import { FORM_PANEL_TYPE, startBenchmarkForm } from '../../../src/grafana/forms.js';

/** A small stand-in for Grafana's templateSrv.replace: ${name}, ${name:raw}, ${name:json}, $name. */
function replaceVariables(code: string, vars: Record<string, string>): string {
  return code.replace(/\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g, (match, braced?: string, format?: string, bare?: string) => {
    const name = braced ?? bare!;
    if (!(name in vars)) return match;
    return format === 'json' ? JSON.stringify(vars[name]) : vars[name]!;
  });
}

function run(code: string, context: unknown, vars: Record<string, string> = {}): unknown {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('context', replaceVariables(code, vars))(context);
}

const benchmarkElements = () => (startBenchmarkForm().build().options as { elements: FormElement[] }).elements;

function withValues(values: Record<string, unknown>) {
  return benchmarkElements().map((e) => (e.id in values ? { ...e, value: values[e.id] } : e));
}

const payload = (values: Record<string, unknown>) => run(START_BENCHMARK_PAYLOAD, { panel: { elements: withValues({ service_id: 'svc-1', ...values }), initial: {} } });

describe('Start benchmark getPayload', () => {
  it('converts Duration (min) to duration_seconds and never sends the raw form values', () => {
    expect(payload({ duration_min: 5 })).toEqual({ service_id: 'svc-1', concurrency: 8, input_len: 1024, output_len: 128, duration_seconds: 300, run_now: false });
    expect(payload({ duration_min: 0.5 })).toMatchObject({ duration_seconds: 30 });
    expect(payload({ duration_min: 0.1 })).toMatchObject({ duration_seconds: 6 });
    expect(payload({ duration_min: '2' })).toMatchObject({ duration_seconds: 120 });
    expect(payload({ duration_min: 5 })).not.toHaveProperty('duration_min');
  });

  it('keeps 0 and false (no || defaults)', () => {
    expect(payload({ concurrency: 0, run_now: false, rate: 0 })).toMatchObject({ concurrency: 0, run_now: false, rate: 0 });
    expect(payload({ run_now: true })).toMatchObject({ run_now: true });
    expect(payload({ rate: null })).not.toHaveProperty('rate');
  });

  it.each([[''], [null], [undefined], [0], [-1], ['abc'], [Number.NaN], [20_000]])('refuses Duration %s', (duration) => {
    expect(() => payload({ duration_min: duration })).toThrow(/Duration \(min\)/);
  });

  it.each([[0.000001], ['0.000001'], [0.000008]])('refuses Duration %s: > 0 but 0 s once rounded to the millisecond', (duration) => {
    expect(() => payload({ duration_min: duration })).toThrow(
      `Duration (min): expected minutes worth at least 0.001 s (1 ms; this rounds to 0 s), got ${JSON.stringify(duration)}`,
    );
  });

  it('accepts the shortest Duration that rounds to 1 ms', () => {
    expect(payload({ duration_min: 0.00001 })).toMatchObject({ duration_seconds: 0.001 });
  });

  it('refuses a missing service', () => {
    expect(() => payload({ service_id: null })).toThrow(/Service/);
  });

  it('the form disables Submit while Duration is empty or negative, and enables it when valid', () => {
    for (const [duration, enabled] of [[5, true], [0.5, true], ['', false], [-1, false], [0, false], [0.000001, false]] as const) {
      const panel = { elements: withValues({ service_id: 'svc-1', duration_min: duration }), enableSubmit: vi.fn(), disableSubmit: vi.fn(), setError: vi.fn() };
      run(START_BENCHMARK_VALIDATE, { panel });
      expect(panel.enableSubmit.mock.calls.length, String(duration)).toBe(enabled ? 1 : 0);
      expect(panel.disableSubmit.mock.calls.length, String(duration)).toBe(enabled ? 0 : 1);
    }
  });

  it('the Duration element itself has min > 0 and the panel is wired for custom payloads', () => {
    const panel = startBenchmarkForm().build() as { type: string; options: { update: { payloadMode: string; getPayload: string; method: string; url: string }; updateEnabled: string; elementValueChanged: string } };
    expect(panel.type).toBe(FORM_PANEL_TYPE);
    expect(panel.options.update).toMatchObject({ payloadMode: 'custom', getPayload: START_BENCHMARK_PAYLOAD, method: 'POST', url: '${control_api_url:raw}/api/benchmarks' });
    expect(panel.options.updateEnabled).toBe('manual');
    expect(panel.options.elementValueChanged).toBe(START_BENCHMARK_VALIDATE);
    const duration = benchmarkElements().find((e) => e.id === 'duration_min');
    expect(duration).toMatchObject({ type: 'number', title: 'Duration (min)' });
    expect((duration as { min: number }).min).toBeGreaterThan(0);
  });

  it('payload code has no `$` for Grafana to substitute by accident', () => {
    for (const code of [START_BENCHMARK_PAYLOAD, START_SERVICE_PAYLOAD, START_BENCHMARK_VALIDATE, SERVICE_OPTIONS_CODE]) expect(code).not.toContain('$');
  });
});

describe('the other forms', () => {
  const el = (id: string, value: unknown) => ({ id, value });

  it('Start service keeps gpus 0, drops blank optional fields, splits vLLM args', () => {
    const elements = [el('model', ' Qwen/Qwen2.5-0.5B '), el('cluster', ''), el('gpus', 0), el('vllm_args', '--max-num-seqs 64  --dtype half')];
    expect(run(START_SERVICE_PAYLOAD, { panel: { elements } })).toEqual({ model: 'Qwen/Qwen2.5-0.5B', gpus: 0, vllm_args: ['--max-num-seqs', '64', '--dtype', 'half'] });
    expect(() => run(START_SERVICE_PAYLOAD, { panel: { elements: [el('model', '')] } })).toThrow(/Model/);
  });

  it('the service dropdown lists non-terminal services from GET /api/services', () => {
    const onChangeElements = vi.fn();
    const panel = {
      initial: [
        { id: 'svc-1', model: 'm1', status: 'READY', cluster: 'c', endpoint: 'http://n1:8000' },
        { id: 'svc-2', model: 'm2', status: 'STOPPED', cluster: 'c', endpoint: null },
        { id: 'svc-3', model: 'm3', status: 'STARTING', cluster: 'c', endpoint: null },
      ],
      response: { ok: true, status: 200 },
      elements: benchmarkElements(),
      onChangeElements, enableSubmit: vi.fn(), disableSubmit: vi.fn(),
    };
    run(SERVICE_OPTIONS_CODE, { panel, grafana: { notifyError: vi.fn() } });
    const select = (onChangeElements.mock.calls[0]![0] as Array<{ id: string; options?: Array<{ value: string }> }>).find((e) => e.id === 'service_id');
    expect(select?.options?.map((o) => o.value)).toEqual(['svc-1', 'svc-3']);
    expect(panel.disableSubmit).toHaveBeenCalled(); // nothing chosen yet
  });

  it('Cancel sends DELETE /api/services/:id with the bearer token from the dashboard constants', async () => {
    const fetch = vi.fn(async () => ({ ok: true, status: 204 }));
    vi.stubGlobal('fetch', fetch);
    try {
      const context = { panel: { elements: [el('service_id', 'svc 1')], initialRequest: vi.fn() }, grafana: { notifySuccess: vi.fn(), notifyError: vi.fn() } };
      await run(CANCEL_SERVICE_CODE, context, { control_api_url: 'http://api:8787/', control_api_token: 't"ok' });
      expect(fetch).toHaveBeenCalledWith('http://api:8787/api/services/svc%201', { method: 'DELETE', headers: { Authorization: 'Bearer t"ok' } });
      expect(context.grafana.notifySuccess).toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('the administration dashboard carries the three forms and the control API constants', () => {
    const admin = buildDashboards()['administration.json'] as { panels: Array<{ type: string; title: string }>; templating: { list: Array<{ name: string; type: string }> } };
    expect(admin.panels.filter((p) => p.type === FORM_PANEL_TYPE).map((p) => p.title)).toEqual(['Start service', 'Start benchmark', 'Cancel service']);
    expect(admin.templating.list.filter((v) => v.type === 'constant').map((v) => v.name)).toEqual(['control_api_url', 'control_api_token']);
  });
});
