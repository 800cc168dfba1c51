// `service ls` reconciles the store with Slurm. A `service start` that marks its record READY while
// squeue is being asked must not be undone by the STARTING worked out from the copy read before.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCluster } from '../../../src/config/cluster.js';
import { parseConfigText } from '../../../src/config/load.js';
import type { Executor } from '../../../src/exec/types.js';
import { fakeExecutor } from '../../helpers/fake-executor.js';
import { listServices, surveyServices } from '../../../src/service/query.js';
import { SshError } from '../../../src/errors.js';
import type { ServiceRecord } from '../../../src/service/record.js';
import { ServiceStore } from '../../../src/service/store.js';

const config = parseConfigText('clusters:\n  hpc:\n    executor: local\n', 't');

const record = (over: Partial<ServiceRecord> = {}): ServiceRecord => ({
  id: 'opt-1', model: 'facebook/opt-125m', cluster: 'hpc', job_id: '4242', status: 'STARTING', gpus: 0, vllm_args: [],
  created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
  ...over,
});

/** Answers squeue with `line`, after running `during` (what another process does meanwhile). */
const squeueExecutor = (line: string, during: () => Promise<void> = async () => undefined) =>
  fakeExecutor(async (argv) => {
    if (argv[0] !== 'squeue') return {};
    await during();
    return { stdout: `${line}\n` };
  });

const openWith = (ex: Executor) => async (_c: unknown, name: string | undefined) => ({ ex, cluster: resolveCluster(config, name) });

describe('listServices', () => {
  it('keeps a READY written while squeue was asked, and still records the job facts', async () => {
    const store = new ServiceStore({ path: join(mkdtempSync(join(tmpdir(), 'aibench-query-')), 'services.json') });
    // Read as PENDING; squeue says RUNNING (-> STARTING); meanwhile `service start` saw it serve.
    await store.update((records) => void (records['opt-1'] = record({ status: 'PENDING' })));
    const markReady = () => store.update((records) => void (records['opt-1'] = { ...records['opt-1']!, status: 'READY', ready_at: '2026-01-01T00:00:05.000Z' }));
    const [listed] = await listServices(config, { store, open: openWith(squeueExecutor('4242|RUNNING|None|node7|0:05|aibench-opt-1', markReady)) });
    expect(listed).toMatchObject({ status: 'READY', ready_at: '2026-01-01T00:00:05.000Z', job_state: 'RUNNING', node: 'node7' });
    expect((await store.read())['opt-1']).toMatchObject({ status: 'READY', job_state: 'RUNNING', node: 'node7' });
  });

  it('does not apply a report to a record replaced meanwhile by a new job under the same id', async () => {
    const store = new ServiceStore({ path: join(mkdtempSync(join(tmpdir(), 'aibench-query-')), 'services.json') });
    await store.update((records) => void (records['opt-1'] = record()));
    const restart = () => store.update((records) => void (records['opt-1'] = record({ job_id: '4243', status: 'PENDING' })));
    const [listed] = await listServices(config, { store, open: openWith(squeueExecutor('4242|FAILED|NonZeroExitCode|node7|0:05|aibench-opt-1', restart)) });
    expect(listed).toMatchObject({ job_id: '4243', status: 'PENDING' });
  });

  it('writes what Slurm says when nothing raced: a failed job makes the service FAILED', async () => {
    const store = new ServiceStore({ path: join(mkdtempSync(join(tmpdir(), 'aibench-query-')), 'services.json') });
    await store.update((records) => void (records['opt-1'] = record({ status: 'READY' })));
    const [listed] = await listServices(config, { store, open: openWith(squeueExecutor('4242|FAILED|NonZeroExitCode|node7|0:05|aibench-opt-1')) });
    expect(listed).toMatchObject({ status: 'FAILED', job_state: 'FAILED', reason: 'job ended FAILED' });
  });
});

describe('surveyServices', () => {
  it('lists every cluster that answers and names the one that does not; its services keep their last known record', async () => {
    const two = parseConfigText('clusters:\n  hpc:\n    executor: local\n  down:\n    executor: local\n', 't');
    const store = new ServiceStore({ path: join(mkdtempSync(join(tmpdir(), 'aibench-query-')), 'services.json') });
    await store.update((records) => {
      records['opt-1'] = record({ status: 'PENDING' });
      records['opt-2'] = record({ id: 'opt-2', cluster: 'down', job_id: '77', status: 'READY', created_at: '2026-01-02T00:00:00.000Z' });
    });
    const refused = new SshError('Connection refused by 10.0.0.9:22', { code: 'E_SSH_REFUSED' });
    const open = async (_c: unknown, name: string | undefined) => {
      if (name === 'down') throw refused;
      return { ex: squeueExecutor('4242|RUNNING|None|node7|0:05|aibench-opt-1'), cluster: resolveCluster(two, name) };
    };
    const survey = await surveyServices(two, { store, open });
    expect(survey.services.map((s) => [s.id, s.status])).toEqual([['opt-1', 'STARTING'], ['opt-2', 'READY']]);
    expect(survey.unreachable).toEqual([{ cluster: 'down', error: refused }]);
    // The strict form (what `service status` and the API use) still fails on the silent cluster.
    await expect(listServices(two, { store, open })).rejects.toBe(refused);
  });
});
