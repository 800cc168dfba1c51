// The control API over the REAL core on the test cluster: a config copy whose services run the
// simulator (`vllm_command: <node> <repo>/bin/aibench.js sim`), a private store, results dir and
// token, and a server on 127.0.0.1:0. Used by api.test.ts and api-browser.test.ts.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { request } from 'undici';
import type { ControlCore } from '../../src/api/control-core.js';
import { errorMessage } from '../../src/errors.js';
import { createClusterCore } from '../../src/api/cluster-core.js';
import { resultsDir } from '../../src/bench/results/results-store.js';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { ServiceStore } from '../../src/service/index.js';
import { testCluster } from '../helpers/cluster.js';
import { poll } from '../helpers/poll.js';
import { BIN } from '../helpers/run-bin.js';

export const FAST_SIM = ['--itl-ms=1', '--prefill-overhead-ms=1', '--prefill-ms-per-token=0'];

export interface ApiHarness extends ApiServer {
  token: string;
  core: ControlCore;
  config: Config;
  store: ServiceStore;
  resultsDir: string;
  /** Job ids seen, for cleanup (only this file's jobs are ever cancelled). */
  jobIds: Set<string>;
  /** What the core logged (readiness outcomes), for failure messages. */
  log: Array<[string, Record<string, unknown> | undefined]>;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/** Start the API over the real core with `corsOrigins`. */
export async function startRealApi(corsOrigins: string[] = []): Promise<ApiHarness> {
  const tc = testCluster();
  const dir = mkdtempSync(join(tmpdir(), 'aibench-api-it-'));
  const configPath = join(dir, 'config.yaml');
  const generated = readFileSync(tc.configPath, 'utf8');
  writeFileSync(configPath, generated.replace(/^(\s+)paths: /gm, `$1vllm_command: ${process.execPath} ${BIN} sim\n$1aibench_command: ${JSON.stringify(`${process.execPath} ${BIN}`)}\n$1paths: `));
  const token = `it-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, token);
  chmodSync(tokenFile, 0o600);
  const results = resultsDir({ XDG_STATE_HOME: join(dir, 'state') });
  const { config } = await loadConfig(configPath);
  const log: Array<[string, Record<string, unknown> | undefined]> = [];
  const store = new ServiceStore({ path: join(dir, 'services.json') });
  const core = await createClusterCore({ config, cluster: 'tc-ssh', journalPath: join(dir, 'state', 'benchmarks.json'), log: (msg, fields) => log.push([msg, fields]), store, resultsDir: results });
  const server = await startApiServer({ listen: '127.0.0.1:0', tokenFile, corsOrigins, core, logWrite: () => undefined });
  const jobIds = new Set<string>();
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await request(`${server.url}${path}`, {
      method: method as 'GET',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = (await res.body.json().catch(() => undefined)) as any;
    for (const id of JSON.stringify(parsed ?? '').matchAll(/"job_id":"(\d+)"/g)) jobIds.add(id[1] ?? '');
    return { status: res.statusCode, body: parsed };
  };
  return {
    ...server, token, core, config, store, resultsDir: results, jobIds, log, call,
    async stop() {
      await server.close();
      await core.close();
      if (jobIds.size > 0) await execa('scancel', [...jobIds], { reject: false, env: { SLURM_CONF: tc.slurmConf } });
    },
  };
}

/** True while Slurm still lists the job. */
export async function inSqueue(jobId: string): Promise<boolean> {
  const res = await execa('squeue', ['--noheader', '--format=%i', `--jobs=${jobId}`], { reject: false, env: { SLURM_CONF: testCluster().slurmConf } });
  return res.stdout.split('\n').some((l) => l.trim() === jobId);
}

/** POST a service and wait until GET /api/services shows it READY. */
export async function readyService(api: ApiHarness, name: string): Promise<{ id: string; job_id: string }> {
  const started = await api.call('POST', '/api/services', { model: 'facebook/opt-125m', name, cluster: 'tc-ssh', vllm_args: FAST_SIM });
  if (started.status !== 202) throw new Error(`POST /api/services: ${started.status} ${JSON.stringify(started.body)}`);
  let seen: unknown;
  return poll('service READY', async () => {
    const list = await api.call('GET', '/api/services');
    const svc = (list.body as Array<{ id: string; status: string; job_id: string }>).find((s) => s.id === name);
    seen = svc;
    if (svc?.status === 'FAILED' || svc?.status === 'LOST') throw new Error(`service ${svc.status}`);
    return svc?.status === 'READY' ? svc : undefined;
  }, 90_000).catch((error: unknown) => {
    throw new Error(`${errorMessage(error)}; last record ${JSON.stringify(seen)}; core log ${JSON.stringify(api.log)}`);
  });
}

/** Poll GET /api/services/:id until the service is STOPPED (a DELETE answers 202 before the job is gone). */
export function stoppedService(api: ApiHarness, name: string): Promise<Record<string, unknown>> {
  return poll(`${name} STOPPED`, async () => {
    const got = await api.call('GET', `/api/services/${name}`);
    if (got.status !== 200 || got.body.stop_error !== undefined) throw new Error(JSON.stringify(got));
    return got.body.status === 'STOPPED' ? got.body : undefined;
  }, 90_000);
}
