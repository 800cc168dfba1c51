// GPU telemetry end to end on the test cluster: fake nvidia-smi (real capture values) -> agent ->
// `aibench tunnel` (reverse forward through the REAL sshd) -> real Pushgateway / Prometheus.
// The tunnels are this file's own: stopping one never touches the shared daemons.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCluster } from '../../src/config/cluster.js';
import { parseConfigText } from '../../src/config/load.js';
import { runDoctor } from '../../src/doctor/checks.js';
import { createExecutor } from '../../src/exec/create.js';
import type { SshConfig } from '../../src/config/schema.js';
import { runAgent, type AgentEvent } from '../../src/telemetry/agent.js';
import { oneSink } from '../../src/grafana/queries.js';
import { runTunnel } from '../../src/telemetry/tunnel.js';
import { readTunnelStatus, type TunnelStatus } from '../../src/telemetry/tunnel-status.js';
import { testCluster } from '../helpers/cluster.js';
import { poll } from '../helpers/poll.js';

const tc = testCluster();
const FAKE_BIN = resolve(import.meta.dirname, '../fixtures/bin');
let ssh: SshConfig;
let work: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

type PromSeries = { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] };
async function prom(expr: string, time?: number): Promise<PromSeries[]> {
  const url = new URL('/api/v1/query', tc.prometheusUrl);
  url.searchParams.set('query', expr);
  if (time !== undefined) url.searchParams.set('time', String(time / 1000));
  const body = (await (await fetch(url)).json()) as { data: { result: PromSeries[] } };
  return body.data.result;
}

/** A tunnel from 127.0.0.1:remotePort on the "login node" (sshd) to local; stop() aborts it. */
function startTunnel(name: string, remotePort: number, local: string) {
  const controller = new AbortController();
  const statusFile = join(work, `${name}.json`);
  const log: string[] = [];
  const done = runTunnel(
    { cluster: name, ssh, forwards: [{ remoteBind: '127.0.0.1', remotePort, local }], statusFile, checkMs: 250, backoff: { initialMs: 200, maxMs: 1000, seed: 1 }, log: (l) => log.push(l) },
    controller.signal,
  );
  const status = () => readTunnelStatus(statusFile);
  return { status, log, stop: async () => (controller.abort(), await done) };
}

const connected = (s: TunnelStatus | undefined) => (s?.connected && s.forwards.every((f) => f.forwarded) ? s : undefined);

/** The pids of the sshd session that holds a forwarded port on the "login node". */
async function listenerPids(port: number): Promise<number[]> {
  const ss = await execa('ss', ['-Hltnp', `sport = :${port}`]);
  return [...new Set([...ss.stdout.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])))];
}

beforeAll(async () => {
  const config = parseConfigText(await readFile(tc.configPath, 'utf8'), tc.configPath);
  const cluster = config.clusters['tc-ssh'];
  if (cluster?.executor !== 'ssh') throw new Error('Expected tc-ssh in the test cluster config');
  ssh = cluster.ssh;
  work = await mkdtemp(join(tmpdir(), 'aibench-telemetry-'));
  process.env.PATH = `${FAKE_BIN}:${process.env.PATH}`;
  process.env.FAKE_NVIDIA_SMI_SCENARIO = 'h100x2';
});

afterAll(() => {
  process.env.PATH = (process.env.PATH ?? '').replace(`${FAKE_BIN}:`, '');
});

describe('telemetry through aibench tunnel', () => {
  it('agent -> tunnel -> Pushgateway -> Prometheus; the tunnel reconnects after its sshd connection is killed', async () => {
    const port = await freePort();
    const tunnel = startTunnel('pgw', port, tc.pushgatewayUrl);
    const serviceId = `svc/tc-${randomBytes(4).toString('hex')}`; // '/' forces the @base64 grouping key
    const host = `tc-gpu-${process.pid}`;
    const agentStop = new AbortController();
    try {
      await poll('the tunnel forwarding', async () => connected(await tunnel.status()));
      const agent = runAgent({ pushgatewayUrl: `http://127.0.0.1:${port}`, intervalMs: 1000, spoolDir: join(work, 'spool-pgw'), spoolMaxBytes: 1e6, host, slurmJobId: '4242', serviceId, log: () => undefined }, agentStop.signal);

      const series = await poll('both GPUs in Prometheus', async () => {
        const r = await prom(`aibench_gpu_utilization_ratio{service_id="${serviceId}"}`);
        return r.length === 2 ? r : undefined;
      });
      const gpu0 = series.find((s) => s.metric.gpu === '0')!;
      expect(gpu0.metric).toMatchObject({ gpu: '0', uuid: 'GPU-00000000-0000-0000-0000-000000000000', model_name: 'NVIDIA H100 80GB HBM3', host, instance: host, job: 'aibench_gpu', slurm_job_id: '4242', service_id: serviceId });
      expect(gpu0.value![1]).toBe('1');
      // The status file is rewritten periodically, so its byte count can trail the push that just went through.
      await poll('the tunnel status to count the forwarded bytes', async () => ((await tunnel.status())?.bytesIn ?? 0) > 0 || undefined);

      // Kill the sshd process that serves this tunnel's connection (it holds the forwarded listener).
      const before = (await tunnel.status())!.reconnects;
      const pids = await listenerPids(port);
      expect(pids.length).toBeGreaterThan(0);
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      await poll('the tunnel to reconnect by itself', async () => {
        const s = connected(await tunnel.status());
        return s && s.reconnects > before ? s : undefined;
      });
      const ready = await poll('the Pushgateway through the re-forwarded port', async () => ((await fetch(`http://127.0.0.1:${port}/-/ready`)).ok ? true : undefined));
      expect(ready).toBe(true);

      agentStop.abort();
      const summary = await agent;
      expect(summary.samples).toBeGreaterThan(0);
      // Clean stop deletes the group from the Pushgateway.
      const groups = (await (await fetch(new URL('/api/v1/metrics', tc.pushgatewayUrl))).json()) as { data: { labels: Record<string, string> }[] };
      expect(groups.data.some((g) => g.labels.service_id === serviceId)).toBe(false);
    } finally {
      agentStop.abort();
      await tunnel.stop();
    }
    expect((await tunnel.status())?.state).toBe('stopped');
  }, 240_000);

  // A half-dead link: the sshd session serving the tunnel is stopped (SIGSTOP), so TCP stays up but
  // nothing answers. With the default keepalive (4 s x 3) the tunnel must notice within 20 s (the
  // old 15 s x 3 took ~54 s), reconnect, and keep asking for the port that the stopped session still
  // holds, until that session is resumed, sees its client gone and frees the port.
  it('a half-dead SSH link is noticed by keepalive, and the forward is taken again once the old session frees the port', async () => {
    const port = await freePort();
    const tunnel = startTunnel('halfdead', port, tc.pushgatewayUrl);
    let stopped: number[] = [];
    try {
      await poll('the tunnel forwarding', async () => connected(await tunnel.status()));
      stopped = await listenerPids(port);
      expect(stopped.length).toBeGreaterThan(0);
      for (const pid of stopped) process.kill(pid, 'SIGSTOP');
      const t0 = Date.now();
      const held = await poll('the tunnel to notice the dead link and ask again for the port the stopped session holds', async () => {
        const s = await tunnel.status();
        return s?.state === 'forwarding' ? s : undefined;
      }, 30_000);
      const noticedS = (Date.now() - t0) / 1000;
      console.log(`half-dead link: the tunnel was asking for the held port again ${noticedS} s after the sshd session stopped`);
      expect(held.lastError, `noticed after ${noticedS} s`).toMatch(/refused to listen on 127\.0\.0\.1:\d+/);
      expect(tunnel.log.some((l) => /connection to .* lost; reconnecting/.test(l))).toBe(true);
      const oldSession = stopped.splice(0);
      for (const pid of oldSession) process.kill(pid, 'SIGCONT');
      await poll('the forward once the old session let go of the port', async () => connected(await tunnel.status()));
      const ready = await poll('the Pushgateway through the re-forwarded port', async () => ((await fetch(`http://127.0.0.1:${port}/-/ready`)).ok ? true : undefined));
      expect(ready).toBe(true);
      const now = await listenerPids(port); // a new session holds it; the stopped one let go
      for (const pid of oldSession) expect(now).not.toContain(pid);
    } finally {
      for (const pid of stopped) process.kill(pid, 'SIGCONT'); // never leave a stopped sshd behind
      await tunnel.stop();
    }
  }, 180_000);

  it('an agent sending through both sinks: two copies told apart by via, every remote-write sample once, dashboards take one per GPU', async () => {
    const serviceId = `tc-both-${randomBytes(4).toString('hex')}`;
    const samples: number[] = [];
    const agentStop = new AbortController();
    const started = Date.now();
    const agent = runAgent({
      pushgatewayUrl: tc.pushgatewayUrl, remoteWriteUrl: new URL('/api/v1/write', tc.prometheusUrl).href, intervalMs: 1000,
      spoolDir: join(work, 'spool-both'), spoolMaxBytes: 1e6, host: `tc-gpu-${process.pid}`, slurmJobId: '88', serviceId,
      log: () => undefined, onEvent: (e) => void (e.type === 'sample' && samples.push(e.timestampMs)),
    }, agentStop.signal);
    try {
      const matcher = `service_id="${serviceId}"`;
      const copies = await poll('both copies in Prometheus', async () => {
        const r = await prom(`count by (via) (aibench_gpu_utilization_ratio{${matcher}})`);
        return r.length === 2 ? r : undefined;
      });
      expect(copies.map((c) => c.metric.via).sort()).toEqual(['pushgateway', 'remote_write']);
      expect(copies.map((c) => c.value![1])).toEqual(['2', '2']); // two GPUs through each sink
      expect(await prom(oneSink('aibench_gpu_utilization_ratio', matcher))).toHaveLength(2); // the dashboards' form: one per GPU
      await poll('six samples', async () => (samples.length >= 6 ? true : undefined));
    } finally {
      agentStop.abort();
      await agent;
    }
    const window = Math.ceil((Date.now() - started) / 1000) + 5;
    const [rw] = await prom(`aibench_gpu_utilization_ratio{service_id="${serviceId}", gpu="0", via="remote_write"}[${window}s]`);
    const stored = (rw?.values ?? []).map(([t]) => Math.round(t * 1000));
    expect(stored).toEqual(samples); // each sample once, at its own time: no Pushgateway scrapes mixed in
  }, 120_000);

  it('remote-write outage: samples spooled while the tunnel is down all land at their timestamps', async () => {
    const port = await freePort();
    let tunnel = startTunnel('prom', port, tc.prometheusUrl);
    const serviceId = `tc-rw-${randomBytes(4).toString('hex')}`;
    const samples: number[] = [];
    const spooled: number[] = [];
    let spoolBytes = -1;
    const onEvent = (e: AgentEvent) => {
      if (e.type === 'sample') samples.push(e.timestampMs);
      if (e.type === 'spooled') spooled.push(e.timestampMs);
      if (e.type === 'drained') spoolBytes = e.spoolBytes;
    };
    const agentStop = new AbortController();
    const started = Date.now();
    const agent = runAgent(
      { remoteWriteUrl: `http://127.0.0.1:${port}/api/v1/write`, intervalMs: 1000, spoolDir: join(work, 'spool-rw'), spoolMaxBytes: 50e6, host: `tc-gpu-${process.pid}`, slurmJobId: '77', serviceId, backoff: { initialMs: 250, maxMs: 1000, seed: 2 }, log: () => undefined, onEvent },
      agentStop.signal,
    );
    try {
      await poll('the tunnel forwarding', async () => connected(await tunnel.status()));
      const expr = `aibench_gpu_utilization_ratio{service_id="${serviceId}",gpu="0"}`;
      await poll('live samples in Prometheus', async () => ((await prom(expr)).length > 0 ? true : undefined));

      await tunnel.stop(); // outage: the login-node port is gone, sends fail, samples go to the spool
      await poll('~20 s of spooled samples', async () => (spooled.length >= 18 ? true : undefined), 40_000);
      tunnel = startTunnel('prom', port, tc.prometheusUrl);
      await poll('the spool to drain to zero', async () => (spoolBytes === 0 && samples.at(-1)! > spooled.at(-1)! ? true : undefined), 60_000);

      agentStop.abort();
      await agent;
      const window = Math.ceil((Date.now() - started) / 1000) + 5;
      const stored = await poll('every sample in Prometheus', async () => {
        const [s] = await prom(`${expr}[${window}s]`);
        const ts = new Set((s?.values ?? []).map(([t]) => Math.round(t * 1000)));
        return samples.every((t) => ts.has(t)) ? ts : undefined;
      });
      expect(spooled.length).toBeGreaterThanOrEqual(18);
      for (const t of spooled) expect(stored.has(t)).toBe(true); // zero lost during the outage
      expect(stored.size).toBe(samples.length);
    } finally {
      agentStop.abort();
      await agent.catch(() => undefined);
      await tunnel.stop();
    }
  }, 240_000);

  it('doctor: gateway-ports passes on the test sshd (GatewayPorts clientspecified) and is skipped locally', async () => {
    const config = parseConfigText(await readFile(tc.configPath, 'utf8'), tc.configPath);
    for (const [name, status] of [['tc-ssh', 'pass'], ['tc-local', 'skip']] as const) {
      const cluster = resolveCluster(config, name);
      const ex = await createExecutor(cluster);
      try {
        const check = (await runDoctor(ex, cluster)).find((c) => c.id === 'gateway-ports');
        expect(check, JSON.stringify(check)).toMatchObject({ status, required: false });
      } finally {
        await ex.close();
      }
    }
  });
});
