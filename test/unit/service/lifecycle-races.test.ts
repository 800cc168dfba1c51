// Interleavings no real cluster produces on demand: a `service stop` that lands while `service
// start` is inside sbatch, and a `service ls` that records FAILED while a stop is cancelling.
// The executor is a fake that runs the other process's step at the chosen moment.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCluster } from '../../../src/config/cluster.js';
import { parseConfigText } from '../../../src/config/load.js';
import { startService, stopService, waitService } from '../../../src/service/lifecycle.js';
import { ServiceError } from '../../../src/errors.js';
import type { ServiceRecord } from '../../../src/service/record.js';
import { ServiceStore } from '../../../src/service/store.js';
import { fakeExecutor, type FakeAnswer } from '../../helpers/fake-executor.js';

const cluster = resolveCluster(parseConfigText('clusters:\n  hpc:\n    executor: local\n', 't'), 'hpc');
const newStore = () => new ServiceStore({ path: join(mkdtempSync(join(tmpdir(), 'aibench-races-')), 'services.json') });
const cancelled = (id: string) => ({ stdout: `${id}|CANCELLED|None|node1|0:01|aibench-svc\n` });

const record = (over: Partial<ServiceRecord> = {}): ServiceRecord => ({
  id: 'opt-1', model: 'facebook/opt-125m', cluster: 'hpc', job_id: '4242', status: 'READY', gpus: 0, vllm_args: [],
  created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('service lifecycle races', () => {
  it('a stop during sbatch wins: the start cancels the job it just got and says so', async () => {
    const store = newStore();
    let stopResult: unknown;
    const answer: FakeAnswer = async (argv) => {
      if (argv[0] === 'sbatch') {
        // Another process: `service stop opt-1` sees PENDING with no job id yet.
        const pending = (await store.read())['opt-1']!;
        expect(pending).toMatchObject({ status: 'PENDING', job_id: '' });
        stopResult = await stopService({ ex: fakeExecutor(), cluster }, pending, { store });
        return { stdout: '4242\n' };
      }
      if (argv[0] === 'squeue') return cancelled('4242');
      return {};
    };
    const ex = fakeExecutor(answer);
    const error = await startService({ ex, cluster }, { model: 'facebook/opt-125m', id: 'opt-1', wait: false }, { store }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as Error).message).toBe('Service opt-1 was stopped while its job was being submitted; job 4242 was cancelled');
    expect(ex.calls).toContainEqual(['scancel', '4242']);
    expect(stopResult).toMatchObject({ record: { status: 'STOPPED' } });
    expect((await store.read())['opt-1']).toMatchObject({ status: 'STOPPED', job_id: '' });
  });

  it('a stop keeps a FAILED recorded while it was cancelling (and its reason)', async () => {
    const store = newStore();
    await store.update((records) => void (records['opt-1'] = record()));
    const ex = fakeExecutor(async (argv) => {
      if (argv[0] === 'scancel') {
        // Meanwhile `service ls` found the job dead of OOM.
        await store.update((records) => void (records['opt-1'] = { ...records['opt-1']!, status: 'FAILED', reason: 'job ended OUT_OF_MEMORY' }));
      }
      if (argv[0] === 'squeue') return cancelled('4242');
      return {};
    });
    const { record: after } = await stopService({ ex, cluster }, record(), { store });
    expect(after).toMatchObject({ status: 'FAILED', reason: 'job ended OUT_OF_MEMORY' });
    expect((await store.read())['opt-1']).toMatchObject({ status: 'FAILED', reason: 'job ended OUT_OF_MEMORY' });
  });

  it('a stop does not mark a new job (same id, restarted meanwhile) STOPPED', async () => {
    const store = newStore();
    await store.update((records) => void (records['opt-1'] = record()));
    const ex = fakeExecutor(async (argv) => {
      if (argv[0] === 'scancel') await store.update((records) => void (records['opt-1'] = record({ job_id: '4243', status: 'PENDING' })));
      if (argv[0] === 'squeue') return cancelled('4242');
      return {};
    });
    await stopService({ ex, cluster }, record(), { store });
    expect(ex.calls).toContainEqual(['scancel', '4242']);
    expect((await store.read())['opt-1']).toMatchObject({ job_id: '4243', status: 'PENDING' });
  });

  it('wait: a READY service is returned as it is, a final one is an error naming its status', async () => {
    const ex = fakeExecutor();
    expect(await waitService({ ex, cluster }, record())).toEqual(record());
    await expect(waitService({ ex, cluster }, record({ status: 'FAILED', reason: 'job ended FAILED (exit 1)' }))).rejects.toThrow('Service opt-1 is FAILED (job ended FAILED (exit 1)); start it again');
    expect(ex.calls).toEqual([]);
  });
});
