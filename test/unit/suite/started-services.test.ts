// The output directory's record of started services: what a killed run leaves for the next one.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { serviceFingerprint } from '../../../src/suite/slurm-services.js';
import { parseSuite } from '../../../src/suite/schema.js';
import { STARTED_SERVICES_FILE, StartedServices } from '../../../src/suite/started-services.js';

const entry = (service: string, serviceId: string, jobId = '') => ({ service, service_id: serviceId, cluster: 'tc', job_id: jobId, fingerprint: 'f', state: 'started' as const });

describe('StartedServices', () => {
  it('records each start and stop; the next open finds what was left started, for its own suite only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'suite-started-'));
    const first = await StartedServices.open(dir, 'nightly');
    expect(first.leftovers).toEqual([]);
    await first.record(entry('a', 'a-111111'));
    await first.record(entry('a', 'a-111111', '41'));
    await first.record(entry('b', 'b-222222', '42'));
    await first.stopped(entry('b', 'b-222222', '42'));
    const other = await StartedServices.open(dir, 'weekly');
    await other.record(entry('a', 'a-333333', '43'));
    const file = JSON.parse(readFileSync(join(dir, STARTED_SERVICES_FILE), 'utf8')) as { kind: string; services: Array<{ suite: string; service_id: string; state: string; job_id: string }> };
    expect(file.kind).toBe('suite-services');
    expect(file.services.map((s) => `${s.suite}/${s.service_id}/${s.job_id}/${s.state}`)).toEqual(['nightly/a-111111/41/started', 'nightly/b-222222/42/stopped', 'weekly/a-333333/43/started']);
    const next = await StartedServices.open(dir, 'nightly');
    expect(next.leftovers.map((e) => [e.service, e.service_id, e.job_id])).toEqual([['a', 'a-111111', '41']]);
  });

  it('a file that is not the record is refused naming it (never read as "nothing left")', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'suite-started-'));
    writeFileSync(join(dir, STARTED_SERVICES_FILE), '{"kind":"suite-services","services":[{"suite":"x"}]}');
    await expect(StartedServices.open(dir, 'x')).rejects.toMatchObject({ exitCode: ExitCode.USAGE, message: expect.stringContaining(`${join(dir, STARTED_SERVICES_FILE)}: services[0].service:`) });
    writeFileSync(join(dir, STARTED_SERVICES_FILE), 'not json');
    await expect(StartedServices.open(dir, 'x')).rejects.toThrow(/services\.json: expected the suite's record of started services \(JSON\)/);
  });
});

describe('serviceFingerprint', () => {
  it('changes with every setting that shapes the server, not with its description or start timeout', () => {
    const service = (extra: Record<string, unknown>) => {
      const s = parseSuite({ name: 'f', services: [{ id: 'a', model: 'm', ...extra }], matrix: { concurrency: [1], input_len: [1], output_len: [1], num_requests: 1 } }, 'x').services[0];
      if (s?.kind !== 'slurm') throw new Error('expected a slurm service');
      return s;
    };
    const base = serviceFingerprint(service({}), 'tc');
    expect(serviceFingerprint(service({ description: 'x', start_timeout_min: 3 }), 'tc')).toBe(base);
    for (const extra of [{ model: 'n' }, { gpus: 1 }, { vllm_args: ['--x'] }, { time: '01:00:00' }, { partition: 'p' }, { api_key_file: '/k' }]) {
      expect(serviceFingerprint(service(extra), 'tc')).not.toBe(base);
    }
    expect(serviceFingerprint(service({}), 'other')).not.toBe(base);
  });
});
