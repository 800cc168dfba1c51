// Replica groups and OOM retries, by what the store holds: which records an id names, and that
// only an attempt whose job ended FAILED out of memory is retried (a timed-out one may still run).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCluster } from '../../../src/config/cluster.js';
import { parseConfigText } from '../../../src/config/load.js';
import { checkReplicas, replicaIds, resolveServices } from '../../../src/service/group.js';
import { failedAttempt } from '../../../src/service/oom-retry.js';
import type { ServiceRecord } from '../../../src/service/record.js';
import { ServiceStore } from '../../../src/service/store.js';
import { simulatedOomLog } from '../../../src/sim/oom.js';
import { fakeExecutor } from '../../helpers/fake-executor.js';

const rec = (id: string, over: Partial<ServiceRecord> = {}): ServiceRecord => ({
  id, model: 'm', cluster: 'hpc', job_id: '1', status: 'READY', gpus: 0, vllm_args: [], created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', ...over,
});

describe('resolveServices', () => {
  it('names a service, or the replicas of a group in order; a running group wins over an ended service of its name', () => {
    const records = { 'g-2': rec('g-2', { group: 'g', replica: 2 }), 'g-1': rec('g-1', { group: 'g', replica: 1 }), solo: rec('solo') };
    expect(resolveServices(records, 'solo').map((r) => r.id)).toEqual(['solo']);
    expect(resolveServices(records, 'g').map((r) => r.id)).toEqual(['g-1', 'g-2']);
    expect(resolveServices({ ...records, g: rec('g', { status: 'STOPPED' }) }, 'g').map((r) => r.id)).toEqual(['g-1', 'g-2']);
    expect(resolveServices({ ...records, g: rec('g') }, 'g').map((r) => r.id)).toEqual(['g']);
    expect(() => resolveServices(records, 'nope')).toThrow(/Unknown service "nope"; known services: g-1, g-2, solo/);
  });

  it('replica counts and ids', () => {
    expect(replicaIds('grp', 3)).toEqual(['grp-1', 'grp-2', 'grp-3']);
    expect(() => checkReplicas(0)).toThrow(/--replicas: expected a whole number from 1 to 64/);
    expect(() => checkReplicas(2.5)).toThrow(/--replicas/);
  });
});

describe('failedAttempt', () => {
  const cluster = resolveCluster(parseConfigText('clusters:\n  hpc:\n    executor: local\n    paths: { state_dir: /s }\n', 't'), 'hpc');
  const log = `${simulatedOomLog({ gpuMemoryUtilization: 0.9, oomAboveUtilization: 0.8 }, 7)!.join('\n')}\n`;
  // The job's output exists; its tail is the vLLM failure.
  const ex = fakeExecutor((argv) => (argv[0] === 'sh' ? { stdout: `${log.length}\n${log}` } : {}));

  async function storeWith(record: ServiceRecord): Promise<ServiceStore> {
    const store = new ServiceStore({ path: join(mkdtempSync(join(tmpdir(), 'aibench-grp-')), 'services.json') });
    await store.update((r) => void (r[record.id] = record));
    return store;
  }

  it('a job that ended FAILED out of memory gets the next step of the ladder', async () => {
    const record = rec('s', { status: 'FAILED', job_state: 'FAILED (exit 1)' });
    const outcome = await failedAttempt({ ex, cluster }, record, await storeWith(record), [], undefined);
    expect(outcome).toMatchObject({ state: 'FAILED (exit 1)', cause: expect.stringMatching(/free GPU memory/), next: { change: '--gpu-memory-utilization 0.9 -> 0.85' } });
  });

  it('a job still starting (the wait timed out) is not retried, whatever its log says', async () => {
    const record = rec('s', { status: 'STARTING', job_state: 'RUNNING' });
    expect(await failedAttempt({ ex, cluster }, record, await storeWith(record), [], undefined)).toEqual({ state: 'STARTING' });
  });
});
