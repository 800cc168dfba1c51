// The dashboards' forms and this API agree: the Start-benchmark / Start-service getPayload output
// passes the API's schemas as is (0 and false kept, no unknown keys), for the forms' default values.
import { describe, expect, it } from 'vitest';
import { BenchmarkRequestSchema, ServiceRequestSchema } from '../../../src/api/validation.js';
import { START_BENCHMARK_PAYLOAD, START_SERVICE_PAYLOAD } from '../../../src/grafana/form-code.js';
import { startBenchmarkForm, startServiceForm } from '../../../src/grafana/forms.js';

type Element = { id: string; value: unknown };
const elementsOf = (builder: { build(): unknown }, values: Record<string, unknown>): Element[] =>
  (builder.build() as { options: { elements: Element[] } }).options.elements.map((e) => (e.id in values ? { ...e, value: values[e.id] } : e));
const run = (code: string, elements: Element[]): unknown => new Function('context', code)({ panel: { elements } });

describe('forms -> API contract', () => {
  it.each([
    [{ service_id: 'svc-1', duration_min: 5 }, { duration_seconds: 300, run_now: false }],
    [{ service_id: 'svc-1', duration_min: 0.5, rate: 2, run_now: true }, { duration_seconds: 30, rate: 2, run_now: true }],
  ])('Start benchmark %j is accepted as %j', (values, expected) => {
    const parsed = BenchmarkRequestSchema.safeParse(run(START_BENCHMARK_PAYLOAD, elementsOf(startBenchmarkForm(), values)));
    expect(parsed.error?.issues).toBeUndefined();
    expect(parsed.data).toMatchObject({ service_id: 'svc-1', ...expected });
  });

  it('Start service with 0 GPUs keeps gpus: 0 and is accepted', () => {
    const payload = run(START_SERVICE_PAYLOAD, elementsOf(startServiceForm(), { model: 'facebook/opt-125m', gpus: 0, vllm_args: '--max-model-len 4096' }));
    expect(ServiceRequestSchema.parse(payload)).toEqual({ model: 'facebook/opt-125m', gpus: 0, vllm_args: ['--max-model-len', '4096'] });
  });
});
