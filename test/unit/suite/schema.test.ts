import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { planSuite, renderPlanTable } from '../../../src/suite/plan.js';
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

describe('suite plan', () => {
  it('expands services x load x lengths with stable ids and minutes converted once', () => {
    const plan = planSuite(parseSuite(base, 'x'));
    expect(plan.tasks.map((t) => t.id)).toEqual([
      'a__c1_in128_out64', 'a__c1_in512_out64', 'a__c8_in128_out64', 'a__c8_in512_out64',
      'b__c1_in128_out64', 'b__c1_in512_out64', 'b__c8_in128_out64', 'b__c8_in512_out64',
    ]);
    expect(plan.tasks[0]).toMatchObject({ file: 'a__c1_in128_out64.json', stop: { durationS: 30 }, tier: 0 });
    expect(planSuite(parseSuite(base, 'x')).tasks.map((t) => t.id)).toEqual(plan.tasks.map((t) => t.id));
  });

  it('bindings override matrix keys per service; rates get their own ids; fail_on adds up', () => {
    const plan = planSuite(parseSuite({
      ...base, priority: 'interactive', fail_on: ['failed>0'],
      benchmarks: [{ service: 'b', matrix: { concurrency: undefined, rate: [2.5, 'inf'], num_requests: 10, input_len: [16] }, fail_on: ['p99_ttft_ms>100'] }],
    }, 'x'));
    expect(plan.services.map((s) => s.id)).toEqual(['b']);
    expect(plan.tasks.map((t) => t.id)).toEqual(['b__r2.5_in16_out64', 'b__rinf_in16_out64']);
    expect(plan.tasks[0]).toMatchObject({ tier: 2, stop: { durationS: 30, numRequests: 10 }, failOn: ['failed>0', 'p99_ttft_ms>100'], load: { kind: 'rate', rate: 2.5, burstiness: 1 } });
  });

  it('renders the dry-run table', () => {
    const table = renderPlanTable(planSuite(parseSuite(base, 'x')));
    expect(table).toContain('suite unit: 8 benchmark(s) on 2 service(s)');
    expect(table).toContain('a__c8_in512_out64');
    expect(table).toContain('slurm (default) (1 GPU)');
  });
});
