// The tunnel's connection logic with a fake SSH link (nothing real can refuse a forward on demand
// and then free it; the real sshd case is in test/integration/telemetry.test.ts): a refused forward
// is asked for again on the same connection, a dropped link is reconnected, keepalive reaches sshd.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tunnelKeepalive } from '../../../src/cli/tunnel.js';
import type { SshConfig } from '../../../src/config/schema.js';
import { TUNNEL_KEEPALIVE, runTunnel, type TunnelLink } from '../../../src/telemetry/tunnel.js';
import { readTunnelStatus, type TunnelStatus } from '../../../src/telemetry/tunnel-status.js';
import { poll } from '../../helpers/poll.js';

/** A link whose forwardIn fails `refusals` times (sshd: port in use) before binding. */
class FakeLink implements TunnelLink {
  readonly label = 'root@login:22';
  connected = true;
  forwardCalls = 0;
  closed = false;
  constructor(private refusals = 0, private readonly unreachable = false) {}
  async forwardIn(_bind: string, bindPort: number) {
    this.forwardCalls += 1;
    if (this.unreachable) {
      this.connected = false;
      throw new Error('connect ECONNREFUSED 10.0.0.1:22');
    }
    if (this.refusals > 0) {
      this.refusals -= 1;
      throw new Error(`sshd on ${this.label} refused to listen on 127.0.0.1:${bindPort}`);
    }
    return { port: bindPort, close: async () => undefined };
  }
  async close() {
    this.closed = true;
    this.connected = false;
  }
}

const ssh = { host: 'login', agent: true, strict_host_key_checking: 'yes', connect_timeout_s: 15, keepalive_interval_s: 15, keepalive_count_max: 3 } as SshConfig;
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function tunnel(links: FakeLink[]) {
  const statusFile = join(await mkdtemp(join(tmpdir(), 'aibench-tunnel-')), 'hpc.json');
  const opened: { link: FakeLink; ssh: SshConfig }[] = [];
  const log: string[] = [];
  const controller = new AbortController();
  const done = runTunnel({
    cluster: 'hpc', ssh, statusFile, checkMs: 10, log: (l) => log.push(l),
    forwards: [{ remoteBind: '127.0.0.1', remotePort: 19091, local: 'http://127.0.0.1:9' }],
    backoff: { initialMs: 20, maxMs: 40, seed: 1 }, forwardBackoff: { initialMs: 10, maxMs: 20, seed: 1 },
    openLink: (c) => {
      const link = links[Math.min(opened.length, links.length - 1)]!;
      opened.push({ link, ssh: c });
      return link;
    },
  }, controller.signal);
  const stop = async () => (controller.abort(), await done);
  stops.push(stop);
  const status = () => readTunnelStatus(statusFile);
  return { opened, log, status, stop };
}

const up = (s: TunnelStatus | undefined) => (s?.connected && s.forwards.every((f) => f.forwarded) ? s : undefined);

describe('runTunnel', () => {
  it('asks again for a forward sshd refuses (the old session holds the port) on the same connection', async () => {
    const link = new FakeLink(3);
    const t = await tunnel([link]);
    const s = await poll('the forward to be granted', async () => up(await t.status()), 10_000);
    expect(t.opened).toHaveLength(1); // no reconnect churn while the port is busy
    expect(link.forwardCalls).toBe(4);
    expect(s).toMatchObject({ state: 'connected', reconnects: 0, forwards: [{ remote: '127.0.0.1:19091', forwarded: true }] });
    expect(t.log.filter((l) => /refused to listen on 127\.0\.0\.1:19091; retrying on this connection to root@login:22 until the port is free$/.test(l))).toHaveLength(1);
    await t.stop();
    expect((await t.status())?.state).toBe('stopped');
    expect(link.closed).toBe(true);
  });

  it('reports "forwarding" while the connection is up and the port is still refused', async () => {
    const t = await tunnel([new FakeLink(Number.POSITIVE_INFINITY)]);
    const s = await poll('the forwarding state', async () => ((await t.status())?.state === 'forwarding' ? t.status() : undefined), 10_000);
    expect(s).toMatchObject({ connected: false, lastError: expect.stringMatching(/refused to listen/) });
    expect(t.opened).toHaveLength(1);
  });

  it('reconnects after the link drops and requests the forwards again', async () => {
    const first = new FakeLink();
    const second = new FakeLink();
    const t = await tunnel([first, second]);
    await poll('the first connection', async () => up(await t.status()), 10_000);
    first.connected = false; // keepalive timeout, killed sshd
    const s = await poll('the reconnect', async () => ((await t.status())?.reconnects === 1 ? up(await t.status()) : undefined), 10_000);
    expect(t.opened.map((o) => o.link)).toEqual([first, second]);
    expect(second.forwardCalls).toBe(1);
    expect(s.forwards[0]!.forwarded).toBe(true);
    expect(t.log).toContain('tunnel: connection to root@login:22 lost; reconnecting');
  });

  it('an unreachable login node is retried with new connections, the error logged once', async () => {
    const t = await tunnel([new FakeLink(0, true)]);
    await poll('three connection attempts', async () => (t.opened.length >= 3 ? true : undefined), 10_000);
    expect((await t.status())).toMatchObject({ connected: false, lastError: 'connect ECONNREFUSED 10.0.0.1:22' });
    expect(t.log.filter((l) => l.includes('ECONNREFUSED'))).toHaveLength(1);
  });

  it('connects with the tunnel keepalive (default: dead link noticed within 20 s), not the cluster one', async () => {
    const t = await tunnel([new FakeLink()]);
    await poll('the connection', async () => up(await t.status()), 10_000);
    expect(t.opened[0]!.ssh).toMatchObject({ host: 'login', keepalive_interval_s: TUNNEL_KEEPALIVE.intervalS, keepalive_count_max: TUNNEL_KEEPALIVE.countMax });
    // ssh2 drops the link on the (count-max + 1)-th probe tick without an answer.
    expect(TUNNEL_KEEPALIVE.intervalS * (TUNNEL_KEEPALIVE.countMax + 1)).toBeLessThanOrEqual(20);
  });
});

describe('tunnel up keepalive flags', () => {
  it.each([
    [{}, { intervalS: 4, countMax: 3 }],
    [{ keepaliveInterval: '2s', keepaliveCountMax: '5' }, { intervalS: 2, countMax: 5 }],
    [{ keepaliveInterval: '500ms' }, { intervalS: 0.5, countMax: 3 }],
  ])('%j -> %j', (flags, expected) => {
    expect(tunnelKeepalive(flags)).toEqual(expected);
  });

  it.each([
    [{ keepaliveInterval: '0s' }, /--keepalive-interval/],
    [{ keepaliveInterval: '2h' }, /--keepalive-interval: expected at most 1h/],
    [{ keepaliveCountMax: '0' }, /keepalive/i],
    [{ keepaliveCountMax: 'x' }, /keepalive/i],
  ])('refuses %j naming the flag', (flags, message) => {
    expect(() => tunnelKeepalive(flags)).toThrow(message);
  });
});
