// `aibench tunnel up`: keep reverse forwards (ssh2 forwardIn) from ports on the login node back to
// the local Pushgateway / Prometheus. Each forward lands on a local byte-counting relay. A dead
// link is noticed by SSH keepalive (a probe every interval, given up after count-max unanswered:
// at most interval x (count-max + 1), 16 s by default); then it reconnects with backoff. After a
// half-dead link the old sshd session may still hold the remote port: the new connection keeps
// asking for the forward, with its own short backoff, until sshd frees the port.
import type { SshConfig } from '../config/schema.js';
import { sleep } from '../common/sleep.js';
import { createSshExecutor } from '../exec/ssh-executor.js';
import { startTcpProxy } from '../exec/tcp-proxy.js';
import type { Forward } from '../exec/types.js';
import { retryBackoff, type RetryBackoff, type RetryBackoffOptions } from './backoff.js';
import { TunnelRecorder } from './tunnel-recorder.js';

export interface TunnelForwardSpec {
  remoteBind: string;
  remotePort: number;
  /** The local service, e.g. http://127.0.0.1:9091 (only host and port are used). */
  local: string;
}

/** The SSH connection a tunnel needs (SshExecutor is one; tests pass a fake). */
export interface TunnelLink {
  readonly label: string;
  readonly connected: boolean;
  forwardIn(bindAddr: string, bindPort: number, localHost: string, localPort: number): Promise<Forward>;
  close(): Promise<void>;
}

/** Keepalive defaults: a probe every 4 s, the link dead after 3 unanswered (noticed within 16 s). */
export const TUNNEL_KEEPALIVE = { intervalS: 4, countMax: 3 } as const;

interface TunnelOptions {
  cluster: string;
  ssh: SshConfig;
  forwards: TunnelForwardSpec[];
  statusFile: string;
  env?: NodeJS.ProcessEnv;
  /** Between reconnects (default 1 s doubling to 30 s). */
  backoff?: RetryBackoffOptions;
  /** Between requests for a forward sshd refused on a live connection (default 0.5 s doubling to 5 s). */
  forwardBackoff?: RetryBackoffOptions;
  /** SSH keepalive for the tunnel's connection (default TUNNEL_KEEPALIVE); overrides the cluster's. */
  keepalive?: { intervalS: number; countMax: number };
  /** How often the link is checked and the status file refreshed. */
  checkMs?: number;
  log?: (line: string) => void;
  /** Opens the SSH connection (default: an SshExecutor with the tunnel's keepalive). */
  openLink?: (ssh: SshConfig) => TunnelLink;
}

/** host and port of a local URL (http://host:port or host:port). */
function localTarget(local: string): { host: string; port: number } {
  const url = new URL(/^[a-z]+:\/\//i.test(local) ? local : `tcp://${local}`);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

/** Run the tunnel in the foreground until signal aborts; the status file tracks it. */
export async function runTunnel(options: TunnelOptions, signal: AbortSignal): Promise<void> {
  const forwards = options.forwards.map((f) => ({ remote: `${f.remoteBind}:${f.remotePort}`, local: f.local, forwarded: false }));
  const rec = new TunnelRecorder(options.statusFile, { cluster: options.cluster, target: options.ssh.host, forwards }, options.log ?? ((line) => process.stderr.write(`${line}\n`)));
  await rec.open();
  const relays: Forward[] = [];
  const reconnect = retryBackoff({ initialMs: 1000, maxMs: 30_000, ...options.backoff });
  const refused = retryBackoff({ initialMs: 500, maxMs: 5000, ...options.forwardBackoff });
  const keepalive = options.keepalive ?? TUNNEL_KEEPALIVE;
  const ssh: SshConfig = { ...options.ssh, keepalive_interval_s: keepalive.intervalS, keepalive_count_max: keepalive.countMax };
  const open = options.openLink ?? ((c: SshConfig) => createSshExecutor(c, { env: options.env ?? process.env }));
  try {
    for (const f of options.forwards) {
      const t = localTarget(f.local);
      relays.push(await startTcpProxy('127.0.0.1', 0, t.host, t.port, (dir, n) => rec.countBytes(dir, n)));
    }
    while (!signal.aborted) {
      const link = open(ssh);
      try {
        if (await forwardAll(link, options.forwards, relays, rec, refused, signal)) {
          reconnect.reset();
          await rec.connected(link.label);
          await watch(link, rec, options.checkMs ?? 1000, signal);
        }
      } catch (error) {
        rec.failed(error);
      } finally {
        await link.close().catch(() => undefined);
        await rec.down(signal.aborted);
      }
      if (!signal.aborted) await sleep(reconnect.next(), signal);
    }
  } finally {
    await Promise.allSettled(relays.map((r) => r.close()));
    await rec.down(true);
    rec.log('tunnel: stopped');
  }
}

/**
 * Ask for every forward not yet up, and keep asking on this connection while sshd refuses one
 * (after a half-dead link the old session holds the port until sshd notices it is gone). True once
 * all are up; false when the link dropped or the tunnel stops; a failure to connect throws.
 */
async function forwardAll(link: TunnelLink, specs: readonly TunnelForwardSpec[], relays: readonly Forward[], rec: TunnelRecorder, backoff: RetryBackoff, signal: AbortSignal): Promise<boolean> {
  backoff.reset();
  for (;;) {
    for (const [i, f] of specs.entries()) {
      if (rec.status.forwards[i]!.forwarded) continue;
      try {
        const fw = await link.forwardIn(f.remoteBind, f.remotePort, '127.0.0.1', relays[i]!.port);
        rec.forwarded(i, `${f.remoteBind}:${fw.port}`);
      } catch (error) {
        if (!link.connected) throw error; // not a refused forward: the connection itself failed
        await rec.refused(error, link.label);
      }
    }
    if (rec.status.forwards.every((f) => f.forwarded)) return true;
    if (signal.aborted || !link.connected) return false;
    await sleep(backoff.next(), signal);
  }
}

// Refresh the status file every checkMs until the link drops (keepalive timeout, killed sshd) or the tunnel stops.
async function watch(link: TunnelLink, rec: TunnelRecorder, checkMs: number, signal: AbortSignal): Promise<void> {
  while (!signal.aborted && link.connected) {
    await sleep(checkMs, signal);
    await rec.save();
  }
  if (!signal.aborted) rec.log(`tunnel: connection to ${link.label} lost; reconnecting`);
}
