// Prometheus file_sd target files: written atomically at READY, removed by stop and by the
// reconcile path of `service ls`; the exact JSON Prometheus reads (labels of dashboards/README.md).
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';
import { resolveCluster } from '../../../src/config/cluster.js';
import { UsageError } from '../../../src/errors.js';
import { startService, stopService, telemetryFor } from '../../../src/service/lifecycle.js';
import { listServices } from '../../../src/service/query.js';
import type { ServiceRecord } from '../../../src/service/record.js';
import { ServiceStore } from '../../../src/service/store.js';
import { fakeExecutor } from '../../helpers/fake-executor.js';
import { removeServiceTarget, serviceTargetGroups, targetFile, targetsDirOf, writeServiceTarget } from '../../../src/service/scrape-targets.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'aibench-targets-'));

const record = (over: Partial<ServiceRecord> = {}): ServiceRecord => ({
  id: 'opt-1', model: 'facebook/opt-125m', cluster: 'hpc', job_id: '4242', status: 'READY', gpus: 1, vllm_args: [],
  created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
  endpoint: { host: 'gpu-node-3', port: 8000, job_id: '4242', started_at: '2026-01-01T00:00:01Z' },
  ...over,
});

describe('service targets', () => {
  it('renders the file_sd group with service_id, slurm_job_id, model, cluster; none without an endpoint', () => {
    expect(serviceTargetGroups(record())).toEqual([
      { targets: ['gpu-node-3:8000'], labels: { service_id: 'opt-1', slurm_job_id: '4242', model: 'facebook/opt-125m', cluster: 'hpc' } },
    ]);
    expect(serviceTargetGroups(record({ endpoint: { host: 'fe80::1', port: 9, job_id: '1', started_at: 'x' } }))?.[0]?.targets).toEqual(['[fe80::1]:9']);
    const { endpoint: _, ...noEndpoint } = record();
    expect(serviceTargetGroups(noEndpoint)).toBeUndefined();
  });

  it('writes <dir>/aibench-<id>.json (creating the dir, no temp file left) and removes it idempotently', async () => {
    const dir = join(tmp(), 'targets');
    const path = await writeServiceTarget(dir, record());
    expect(path).toBe(join(dir, 'aibench-opt-1.json'));
    expect(JSON.parse(readFileSync(path!, 'utf8'))).toEqual(serviceTargetGroups(record()));
    expect(readdirSync(dir)).toEqual(['aibench-opt-1.json']);
    await removeServiceTarget(dir, 'opt-1');
    expect(existsSync(path!)).toBe(false);
    await expect(removeServiceTarget(dir, 'opt-1')).resolves.toBeUndefined();
  });

  it('targets_dir comes from the config, ~/ expanded on this machine', () => {
    expect(targetsDirOf(parseConfigText('{}', 't'))).toBeUndefined();
    expect(targetsDirOf(parseConfigText('monitoring: {targets_dir: ~/prom/targets}\n', 't'), { HOME: '/home/u' })).toBe('/home/u/prom/targets');
  });

  it('stopService removes the target, also for a service already stopped', async () => {
    const dir = tmp();
    const store = new ServiceStore({ path: join(tmp(), 'services.json') });
    await writeServiceTarget(dir, record());
    const cluster = resolveCluster(parseConfigText('clusters:\n  hpc:\n    executor: local\n', 't'), 'hpc');
    const ex = fakeExecutor();
    const result = await stopService({ ex, cluster, targetsDir: dir }, record({ status: 'STOPPED', job_state: 'CANCELLED' }), { store });
    expect(result.alreadyStopped).toBe(true);
    expect(existsSync(targetFile(dir, 'opt-1'))).toBe(false);
    expect(ex.calls).toEqual([]); // nothing cancelled
  });

  it('service ls removes the targets of services it finds gone (LOST), keeps the running ones', async () => {
    const dir = tmp();
    const store = new ServiceStore({ path: join(tmp(), 'services.json') });
    const gone = record({ id: 'gone-1', job_id: '7001' });
    await store.update((records) => void (records[gone.id] = gone));
    await writeServiceTarget(dir, gone);
    await writeServiceTarget(dir, record({ id: 'other-1' })); // not in the store: left alone
    const config = parseConfigText(`monitoring: {targets_dir: ${dir}}\nclusters:\n  hpc:\n    executor: local\n`, 't');
    // squeue/sacct print nothing and scontrol says "Invalid job id": no Slurm command knows the job.
    const ex = fakeExecutor({ exitCode: 1, stderr: 'slurm_load_jobs error: Invalid job id specified' });
    const [listed] = await listServices(config, { store, open: async (_c, name) => ({ ex, cluster: resolveCluster(config, name) }) });
    expect(listed?.status).toBe('LOST');
    expect(readdirSync(dir)).toEqual(['aibench-other-1.json']);
  });
});

describe('service start --telemetry', () => {
  it('is refused before anything is submitted when the cluster has no sink', async () => {
    const config = parseConfigText('clusters:\n  hpc:\n    executor: local\n', 't');
    const cluster = resolveCluster(config, 'hpc');
    const ex = fakeExecutor();
    const store = new ServiceStore({ path: join(tmp(), 'services.json') });
    const error = await startService({ ex, cluster }, { model: 'm', telemetry: true }, { store }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('--telemetry: cluster "hpc" has no telemetry sink: expected telemetry.pushgateway_url or telemetry.remote_write_url in its config');
    expect(ex.calls).toEqual([]);
    expect(await store.read()).toEqual({});
  });

  it('takes the sinks, interval and aibench_command from the cluster config', () => {
    const config = parseConfigText(
      'clusters:\n  hpc:\n    executor: local\n    aibench_command: node /opt/aibench/bin/aibench.js\n    telemetry: {pushgateway_url: "http://login1:9091"}\n', 't');
    expect(telemetryFor(resolveCluster(config, 'hpc'))).toEqual({ pushgatewayUrl: 'http://login1:9091', intervalS: 5, aibenchCommand: 'node /opt/aibench/bin/aibench.js' });
  });
});
