import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { planSuite } from '../../../src/suite/plan.js';
import { parseSuite } from '../../../src/suite/schema.js';

const REPO = join(import.meta.dirname, '../../..');
const base = {
  name: 'unit',
  services: [{ id: 'a', model: 'org/model-a', gpus: 1 }, { id: 'b', url: 'http://127.0.0.1:8000' }],
  matrix: { concurrency: [1, 8], input_len: [128, 512], output_len: [64], duration_min: 0.5 },
};
const errorOf = (value: unknown): string => {
  try {
    parseSuite(value, 'suite.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

describe('suite schema', () => {
  it.each([
    [{ ...base, extra: 1 }, 'suite.yaml: (root): unknown key "extra"'],
    [{ ...base, priority: 'urgent' }, 'suite.yaml: priority:'],
    [{ ...base, services: [{ id: 'a', model: 'm', gpu: 1 }] }, 'suite.yaml: services[0]: unknown key "gpu"'],
    [{ ...base, services: [{ id: 'a', url: 'not a url' }] }, 'suite.yaml: services[0].url:'],
    [{ ...base, services: [{ id: 'a', model: 'm' }, { id: 'a', model: 'n' }] }, 'services[1].id: expected a unique id, got "a" twice'],
    [{ ...base, matrix: { ...base.matrix, concurrency: [0] } }, 'suite.yaml: matrix.concurrency[0]:'],
    [{ ...base, matrix: { ...base.matrix, duration_min: -1 } }, 'matrix.duration_min:'],
    [{ ...base, matrix: { input_len: [1], output_len: [1], num_requests: 5 } }, 'matrix: expected concurrency and/or rate (load levels), got neither'],
    [{ ...base, benchmarks: [{ service: 'zzz' }] }, 'benchmarks[0].service: expected one of the services (a, b), got "zzz"'],
    [{ ...base, fail_on: ['p99_ttft_ms>>5'] }, 'suite.yaml: fail_on[0]:'],
    [{ ...base, name: 'bad name' }, 'suite.yaml: name:'],
    [{ ...base, assert: ['server_metrics.preemptions = 0'] }, 'suite.yaml: assert[0]: unexpected "= 0" at column 28'],
    [{ ...base, benchmarks: [{ service: 'a', assert: ['gpu.watts < 1'] }] }, 'suite.yaml: benchmarks[0].assert[0]: unknown result field "gpu.watts"'],
    [{ ...base, assert_promql: ['max(x)'] }, "suite.yaml: assert_promql[0]: expected 'QUERY OP NUMBER'"],
  ])('%#: names file, key path and value', (value, message) => {
    expect(errorOf(value)).toContain(message);
  });

  it('infers the service kind from its keys', () => {
    const suite = parseSuite({ ...base, services: [...base.services, { id: 's', sim: { itl_ms: 1 } }] }, 'x');
    expect(suite.services.map((s) => s.kind)).toEqual(['slurm', 'url', 'sim']);
  });

  it.each(['nightly.yaml', 'smoke.yaml'])('profiles/%s is a valid suite', (file) => {
    const suite = parseSuite(parse(readFileSync(join(REPO, 'profiles', file), 'utf8')), file);
    expect(planSuite(suite).tasks.length).toBeGreaterThan(0);
  });
});

describe('suite assertions', () => {
  it('per suite and per benchmark, they reach every task spec; PromQL needs the config\'s Prometheus', () => {
    const suite = parseSuite({
      ...base, assert: ['server_metrics.preemptions == 0'], assert_promql: ['max(up) > 0'],
      benchmarks: [{ service: 'b', assert: ['ttft_breakdown.queue_ms < 100'] }],
    }, 'x');
    expect(() => planSuite(suite)).toThrow(/assert_promql: expected a Prometheus to ask/);
    const plan = planSuite(suite, { prometheus_url: 'http://127.0.0.1:9090' });
    expect(plan.tasks[0]?.spec.assert).toEqual(['server_metrics.preemptions == 0', 'ttft_breakdown.queue_ms < 100']);
    expect(plan.tasks[0]?.spec.assert_promql).toEqual(['max(up) > 0']);
    expect(plan.tasks[0]?.spec.prometheus_url).toBe('http://127.0.0.1:9090');
  });
});
