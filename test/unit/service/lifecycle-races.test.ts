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
import { poll } from '../../helpers/poll.js';

const cluster = resolveCluster(parseConfigText('clusters:\n  hpc:\n    executor: local\n', 't'), 'hpc');
const newStore = () => new ServiceStore({ path: join(mkdtempSync(join(tmpdir(), 'aibench-races-')), 'services.json') });
const cancelled = (id: string) => ({ stdout: `${id}|CANCELLED|None|node1|0:01|aibench-svc\n` });
const stoppedInStore = (store: ServiceStore) => poll('the stop to mark the reservation STOPPED', async () => ((await store.read())['opt-1']?.status === 'STOPPED' ? true : undefined));

const record = (over: Partial<ServiceRecord> = {}): ServiceRecord => ({
  id: 'opt-1', model: 'facebook/opt-125m', cluster: 'hpc', job_id: '4242', status: 'READY', gpus: 0, vllm_args: [],
  created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('service lifecycle races', () => {
  it('a stop during sbatch wins: the start cancels the job it got, writes its id, and the stop confirms it gone', async () => {
    const store = newStore();
    let stopping: Promise<unknown> | undefined;
    const answer: FakeAnswer = async (argv) => {
      if (argv[0] === 'sbatch') {
        // Another process: `service stop opt-1` sees PENDING with no job id yet, and runs while sbatch does.
        const pending = (await store.read())['opt-1']!;
        expect(pending).toMatchObject({ status: 'PENDING', job_id: '' });
        stopping = stopService({ ex: fakeExecutor(answer), cluster }, pending, { store });
        await stoppedInStore(store);
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
    // The stop waited for the job id and confirmed the job gone before it reported success.
    expect(await stopping).toMatchObject({ alreadyStopped: false, record: { status: 'STOPPED', job_id: '4242', job_state: 'CANCELLED' } });
    expect((await store.read())['opt-1']).toMatchObject({ status: 'STOPPED', job_id: '4242', job_state: 'CANCELLED' });
  });

  it('a stop that read the record before the start wrote its job id cancels that job (never "stopped" with the job running)', async () => {
    const store = newStore();
    await store.update((records) => void (records['opt-1'] = record({ job_id: '', status: 'PENDING' })));
    const seen = (await store.read())['opt-1']!;
    // Meanwhile `service start --no-wait` finished: the record now names job 4242, still PENDING.
    await store.update((records) => void (records['opt-1'] = { ...records['opt-1']!, job_id: '4242' }));
    const ex = fakeExecutor((argv) => (argv[0] === 'squeue' ? cancelled('4242') : {}));
    const result = await stopService({ ex, cluster }, seen, { store });
    expect(ex.calls).toContainEqual(['scancel', '4242']);
    expect(result).toMatchObject({ alreadyStopped: false, record: { status: 'STOPPED', job_id: '4242', job_state: 'CANCELLED' } });
    expect((await store.read())['opt-1']).toMatchObject({ status: 'STOPPED', job_id: '4242' });
  });

  it('a stop whose start gave the reservation back (sbatch failed) succeeds: nothing was submitted', async () => {
    const store = newStore();
    let stopping: Promise<unknown> | undefined;
    const answer: FakeAnswer = async (argv) => {
      if (argv[0] !== 'sbatch') return {};
      stopping = stopService({ ex: fakeExecutor(), cluster }, (await store.read())['opt-1']!, { store });
      await stoppedInStore(store);
      return { exitCode: 1, stderr: 'sbatch: error: Batch job submission failed: Invalid partition name specified\n' };
    };
    await expect(startService({ ex: fakeExecutor(answer), cluster }, { model: 'm', id: 'opt-1', wait: false }, { store })).rejects.toThrow(/Invalid partition/);
    expect(await stopping).toMatchObject({ alreadyStopped: false, record: { status: 'STOPPED', reason: expect.stringMatching(/before its job was submitted/) } });
    expect((await store.read())['opt-1']).toBeUndefined();
  });

  it('a stop that cannot confirm the job gone within its timeout fails naming the job', async () => {
    const store = newStore();
    await store.update((records) => void (records['opt-1'] = record()));
    const ex = fakeExecutor((argv) => (argv[0] === 'squeue' ? { stdout: '4242|RUNNING|None|node1|0:01|aibench-svc\n' } : {}));
    const error = await stopService({ ex, cluster }, record(), { store }, { timeoutMs: 1500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as Error).message).toMatch(/^Service opt-1: job 4242 is not confirmed gone: Cancelled, but still active after \d+ s: 4242 \(RUNNING\)/);
    expect((await store.read())['opt-1']).toMatchObject({ status: 'READY' });
  });

  it('a reservation whose start never reports a job id: success only when Slurm runs nothing under its name', async () => {
    const store = newStore();
    const reservation = record({ job_id: '', status: 'PENDING', created_at: new Date().toISOString() });
    await store.update((records) => void (records['opt-1'] = reservation));
    const named = (ids: string) => fakeExecutor((argv) => (argv[0] === 'squeue' && argv.includes('--name=aibench-svc-opt-1') ? { stdout: ids } : {}));
    const refused = await stopService({ ex: named('4250\n'), cluster }, reservation, { store }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect((refused as Error).message).toContain('its job is not confirmed gone: Slurm runs job 4250 under its name aibench-svc-opt-1');
    expect((refused as ServiceError).hint).toContain('aibench jobs cancel 4250');
    // Until its start settles (or a stop finds nothing under its name), the id stays taken.
    await expect(startService({ ex: fakeExecutor(), cluster }, { model: 'm', id: 'opt-1', wait: false }, { store })).rejects.toThrow('Service opt-1 already exists (STOPPED, job being submitted)');
    const ok = await stopService({ ex: named(''), cluster }, reservation, { store }, { timeoutMs: 300 });
    expect(ok.record).toMatchObject({ status: 'STOPPED', reason: expect.stringContaining('no job named aibench-svc-opt-1 is queued or running') });
    expect((await store.read())['opt-1']).toMatchObject({ status: 'STOPPED', job_id: '', reason: ok.record.reason });
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
