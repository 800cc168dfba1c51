// `aibench tunnel up`: keep reverse forwards (ssh2 forwardIn) from ports on the login node back to
// the local Pushgateway / Prometheus. Each forward lands on a local byte-counting relay. When the
// SSH link dies (keepalive, a killed sshd, a network cut) the forwards die with it: reconnect with
// backoff + jitter and request them again, until the signal aborts.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SshConfig } from '../config/schema.js';
import { setTimeout as delay } from 'node:timers/promises';
import { errorMessage } from '../errors.js';
import { createSshExecutor } from '../exec/ssh-executor.js';
import { startTcpProxy } from '../exec/tcp-proxy.js';
import type { Forward } from '../exec/types.js';
import { retryBackoff, type RetryBackoffOptions } from './backoff.js';
import { writeTunnelStatus, type TunnelStatus } from './tunnel-status.js';

export interface TunnelForwardSpec {
  remoteBind: string;
  remotePort: number;
  /** The local service, e.g. http://127.0.0.1:9091 (only host and port are used). */
  local: string;
}

export interface TunnelOptions {
  cluster: string;
  ssh: SshConfig;
  forwards: TunnelForwardSpec[];
  statusFile: string;
  env?: NodeJS.ProcessEnv;
  backoff?: RetryBackoffOptions;
  /** How often the link is checked and the status file refreshed. */
  checkMs?: number;
  log?: (line: string) => void;
}

/** host and port of a local URL (http://host:port or host:port). */
export function localTarget(local: string): { host: string; port: number } {
  const url = new URL(/^[a-z]+:\/\//i.test(local) ? local : `tcp://${local}`);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

/** Run the tunnel in the foreground until signal aborts; the status file tracks it. */
export async function runTunnel(options: TunnelOptions, signal: AbortSignal): Promise<void> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const checkMs = options.checkMs ?? 1000;
  const backoff = retryBackoff({ initialMs: 1000, maxMs: 30_000, ...options.backoff });
  const status: TunnelStatus = {
    pid: process.pid, cluster: options.cluster, target: options.ssh.host, state: 'connecting', connected: false,
    forwards: options.forwards.map((f) => ({ remote: `${f.remoteBind}:${f.remotePort}`, local: f.local, forwarded: false })),
    bytesIn: 0, bytesOut: 0, reconnects: 0, startedAt: new Date().toISOString(), updatedAt: '',
  };
  await mkdir(dirname(options.statusFile), { recursive: true });
  const save = () => writeTunnelStatus(options.statusFile, { ...status, updatedAt: new Date().toISOString() }).catch(() => undefined);
  const relays: Forward[] = [];
  for (const f of options.forwards) {
    const t = localTarget(f.local);
    relays.push(await startTcpProxy('127.0.0.1', 0, t.host, t.port, (dir, n) => (dir === 'in' ? (status.bytesIn += n) : (status.bytesOut += n))));
  }
  let everConnected = false;
  let lastError = '';
  try {
    while (!signal.aborted) {
      const ex = createSshExecutor(options.ssh, { env: options.env ?? process.env });
      try {
        for (const [i, f] of options.forwards.entries()) {
          const fw = await ex.forwardIn(f.remoteBind, f.remotePort, '127.0.0.1', relays[i]!.port);
          status.forwards[i]!.forwarded = true;
          status.forwards[i]!.remote = `${f.remoteBind}:${fw.port}`;
        }
        if (everConnected) status.reconnects += 1;
        everConnected = true;
        Object.assign(status, { state: 'connected', connected: true, connectedSince: new Date().toISOString(), lastError: undefined });
        lastError = '';
        backoff.reset();
        log(`tunnel: connected to ${ex.label}; forwarding ${status.forwards.map((f) => `${f.remote} -> ${f.local}`).join(', ')}`);
        await save();
        while (!signal.aborted && ex.connected) {
          await sleep(checkMs, signal);
          await save();
        }
        if (!signal.aborted) log(`tunnel: connection to ${ex.label} lost; reconnecting`);
      } catch (error) {
        status.lastError = errorMessage(error);
        if (status.lastError !== lastError) log(`tunnel: ${status.lastError}`);
        lastError = status.lastError;
      } finally {
        await ex.close().catch(() => undefined);
        for (const f of status.forwards) f.forwarded = false;
        Object.assign(status, { connected: false, state: signal.aborted ? 'stopped' : 'reconnecting', connectedSince: undefined });
        await save();
      }
      if (!signal.aborted) await sleep(backoff.next(), signal);
    }
  } finally {
    await Promise.allSettled(relays.map((r) => r.close()));
    status.state = 'stopped';
    await save();
    log('tunnel: stopped');
  }
}

// Resolves after ms, or at once when the signal aborts (never rejects).
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return ms <= 0 || signal.aborted ? Promise.resolve() : delay(ms, undefined, { signal }).catch(() => undefined);
}
