// The test cluster itself: real Slurm, sshd, Pushgateway and Prometheus answer as the other
// integration tests expect them to.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { testCluster } from '../helpers/cluster.js';
import { poll } from '../helpers/poll.js';

const cluster = testCluster();
const slurmEnv = { SLURM_CONF: cluster.slurmConf };

function sshArgs(knownHosts: string): string[] {
  return [
    '-i', cluster.sshKey, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes',
    '-p', String(cluster.sshPort), `${cluster.sshUser}@${cluster.sshHost}`,
  ];
}

/** The first sample value of an instant query, or undefined while the result is empty. */
async function queryValue(expr: string, time?: number): Promise<string | undefined> {
  const url = new URL('/api/v1/query', cluster.prometheusUrl);
  url.searchParams.set('query', expr);
  if (time !== undefined) url.searchParams.set('time', String(time / 1000));
  const body = (await (await fetch(url)).json()) as { data?: { result?: { value: [number, string] }[] } };
  return body.data?.result?.[0]?.value[1];
}

describe('test cluster', () => {
  it('exports SLURM_CONF to test workers and writes a valid aibench config', async () => {
    expect(process.env.SLURM_CONF).toBe(cluster.slurmConf);
    const config = parseConfigText(await readFile(cluster.configPath, 'utf8'), cluster.configPath);
    expect(config.default_cluster).toBe('tc-local');
    expect(config.clusters['tc-local']?.executor).toBe('local');
    const ssh = config.clusters['tc-ssh'];
    expect(ssh?.executor === 'ssh' && ssh.ssh).toMatchObject({ host: cluster.sshHost, port: cluster.sshPort, agent: false });
    expect(ssh?.paths.state_dir).toBe(cluster.stateDir);
  });

  it('Slurm: sinfo shows the node ready', async () => {
    // `completing` while an earlier file's job is still finishing; never down or drained.
    const state = await poll('the node idle, mixed or allocated', async () => {
      const { stdout } = await execa('sinfo', ['-h', '-N', '-p', cluster.partition, '-o', '%T'], { env: slurmEnv });
      return /^(idle|mixed|allocated)$/.test(stdout.trim()) ? stdout.trim() : undefined;
    });
    expect(state).toMatch(/^(idle|mixed|allocated)$/);
  });

  it('Slurm: an sbatch job completes and writes its output', async () => {
    const dir = await mkdtemp(join(cluster.stateDir, 'tc-test-'));
    const out = join(dir, 'job.out');
    const { stdout } = await execa('sbatch', ['--parsable', '-J', 'tc-test', '-o', out, '--wrap', 'echo "hello $SLURM_JOB_ID"'], { env: slurmEnv });
    const jobId = stdout.trim().split(';')[0]!;
    const state = await poll(`job ${jobId} to finish`, async () => {
      const show = await execa('scontrol', ['show', 'job', '-o', jobId], { env: slurmEnv });
      const s = /JobState=(\S+)/.exec(show.stdout)?.[1];
      return s && !['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING'].includes(s) ? s : undefined;
    }, 60_000);
    expect(state).toBe('COMPLETED');
    expect(await readFile(out, 'utf8')).toBe(`hello ${jobId}\n`);
    await rm(dir, { recursive: true, force: true });
  });

  it('sshd: the generated key and known_hosts run Slurm commands remotely', async () => {
    const { stdout } = await execa('ssh', [...sshArgs(cluster.knownHosts), 'echo "$SLURM_CONF"; sinfo -h -o %P']);
    expect(stdout.split('\n')).toEqual([cluster.slurmConf, `${cluster.partition}*`]);
  });

  it('sshd: an unknown host key is refused', async () => {
    const dir = await mkdtemp(join(cluster.stateDir, 'tc-test-'));
    const empty = join(dir, 'known_hosts');
    await writeFile(empty, '');
    const result = await execa('ssh', [...sshArgs(empty), 'true'], { reject: false });
    expect(result.exitCode).toBe(255);
    expect(result.stderr).toMatch(/Host key verification failed/);
    await rm(dir, { recursive: true, force: true });
  });

  it('Pushgateway: a pushed metric reaches Prometheus', async () => {
    const instance = `tc-${process.pid}-${Date.now()}`;
    const group = new URL(`/metrics/job/tc_test/instance/${instance}`, cluster.pushgatewayUrl);
    const push = await fetch(group, { method: 'PUT', body: '# TYPE aibench_tc_probe gauge\naibench_tc_probe 42\n' });
    expect(push.status).toBe(200);
    const value = await poll('the pushed sample in Prometheus', () => queryValue(`aibench_tc_probe{instance="${instance}"}`));
    expect(value).toBe('42');
    await fetch(group, { method: 'DELETE' });
  });

  it('Prometheus: file_sd targets dropped in prometheus/targets are scraped', async () => {
    // A /metrics of our own, not the Pushgateway: scraping that without honor_labels would copy every
    // pushed group into Prometheus under another job, and other tests count those series.
    const server = createServer((_req, res) => res.end('# TYPE aibench_tc_file_sd_probe gauge\naibench_tc_file_sd_probe 7\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const file = join(cluster.dir, 'prometheus/targets', `tc-test-${process.pid}.json`);
    const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    await writeFile(file, JSON.stringify([{ targets: [target], labels: { job: 'tc_file_sd' } }]));
    try {
      expect(await poll('the file_sd target up', () => queryValue(`up{job="tc_file_sd", instance="${target}"} == 1`))).toBe('1');
      expect(await poll('the scraped sample', () => queryValue(`aibench_tc_file_sd_probe{instance="${target}"}`))).toBe('7');
    } finally {
      await rm(file, { force: true });
      server.close();
    }
  });

  it('Prometheus: the remote-write receiver is on and accepts out-of-order samples', async () => {
    const write = (body: Uint8Array<ArrayBuffer>) =>
      fetch(new URL('/api/v1/write', cluster.prometheusUrl), {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy', 'X-Prometheus-Remote-Write-Version': '0.1.0' },
      });
    // An empty body is not valid snappy: 400 (with the receiver off the route would be 404).
    const empty = await write(new Uint8Array());
    expect(empty.status).toBe(400);
    expect(await empty.text()).toMatch(/snappy/);

    // A newer sample first, then one 10 minutes older for the same series: only accepted with
    // out_of_order_time_window (a spooled outage back-filled through remote-write).
    const labels = { __name__: 'aibench_tc_remote_write', instance: `tc-${process.pid}-${Date.now()}` };
    const now = Date.now();
    expect((await write(writeRequest(labels, 1, now))).status).toBe(204);
    expect((await write(writeRequest(labels, 2, now - 600_000))).status).toBe(204);
    const expr = `aibench_tc_remote_write{instance="${labels.instance}"}`;
    expect(await poll('the back-filled sample', () => queryValue(expr, now - 600_000))).toBe('2');
  });
});

// --- a minimal remote-write encoder (protobuf WriteRequest, snappy block of literals) ---

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function field(tag: number, bytes: number[]): number[] {
  return [tag, ...varint(bytes.length), ...bytes];
}

/** One series with one sample; label names must be sorted (__name__ first). */
function writeRequest(labels: Record<string, string>, value: number, timestampMs: number): Uint8Array<ArrayBuffer> {
  const enc = new TextEncoder();
  const labelBytes = Object.entries(labels).flatMap(([k, v]) => field(0x0a, [...field(0x0a, [...enc.encode(k)]), ...field(0x12, [...enc.encode(v)])]));
  const double = new Uint8Array(8);
  new DataView(double.buffer).setFloat64(0, value, true);
  const sample = field(0x12, [0x09, ...double, 0x10, ...varint(timestampMs)]);
  const proto = field(0x0a, [...labelBytes, ...sample]);
  // Snappy: uncompressed length, then literal chunks (tag 61<<2: length-1 in two bytes).
  const out = [...varint(proto.length)];
  for (let i = 0; i < proto.length; i += 65_536) {
    const chunk = proto.slice(i, i + 65_536);
    out.push(61 << 2, (chunk.length - 1) & 0xff, (chunk.length - 1) >> 8, ...chunk);
  }
  return new Uint8Array(out);
}
