// What `aibench tunnel up` tells the world: the status file (`tunnel status` reads it) and the
// log lines, each change of state written once, each distinct error logged once.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorMessage } from '../errors.js';
import { writeTunnelStatus, type TunnelStatus } from './tunnel-status.js';

/** The status of one `tunnel up` run and the operations that change it. */
export class TunnelRecorder {
  readonly status: TunnelStatus;
  private everConnected = false;
  private lastLogged = '';

  constructor(
    private readonly file: string,
    init: Pick<TunnelStatus, 'cluster' | 'target' | 'forwards'>,
    readonly log: (line: string) => void,
  ) {
    this.status = { pid: process.pid, state: 'connecting', connected: false, bytesIn: 0, bytesOut: 0, reconnects: 0, startedAt: new Date().toISOString(), updatedAt: '', ...init };
  }

  /** Create the status file's directory and write the first status. */
  async open(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await this.save();
  }

  /** Write the status atomically (a failed write is retried with the next change). */
  save(): Promise<void> {
    return writeTunnelStatus(this.file, { ...this.status, updatedAt: new Date().toISOString() }).catch(() => undefined);
  }

  countBytes(direction: 'in' | 'out', n: number): void {
    if (direction === 'in') this.status.bytesIn += n;
    else this.status.bytesOut += n;
  }

  /** Forward `i` is up on the remote port sshd bound. */
  forwarded(i: number, remote: string): void {
    Object.assign(this.status.forwards[i]!, { forwarded: true, remote });
  }

  /** SSH is up but sshd refused a forward (its port may still be held by the old session). */
  async refused(error: unknown, label: string): Promise<void> {
    this.problem(errorMessage(error), `; retrying on this connection to ${label} until the port is free`);
    this.status.state = 'forwarding';
    await this.save();
  }

  /** Every forward is up. */
  async connected(label: string): Promise<void> {
    if (this.everConnected) this.status.reconnects += 1;
    this.everConnected = true;
    Object.assign(this.status, { state: 'connected', connected: true, connectedSince: new Date().toISOString(), lastError: undefined });
    this.lastLogged = '';
    this.log(`tunnel: connected to ${label}; forwarding ${this.status.forwards.map((f) => `${f.remote} -> ${f.local}`).join(', ')}`);
    await this.save();
  }

  /** The connection failed or could not be opened. */
  failed(error: unknown): void {
    this.problem(errorMessage(error), '');
  }

  /** The connection is gone (or the tunnel stops): no forward is up. */
  async down(stopping: boolean): Promise<void> {
    for (const f of this.status.forwards) f.forwarded = false;
    Object.assign(this.status, { connected: false, state: stopping ? 'stopped' : 'reconnecting', connectedSince: undefined });
    await this.save();
  }

  private problem(message: string, suffix: string): void {
    this.status.lastError = message;
    if (message !== this.lastLogged) this.log(`tunnel: ${message}${suffix}`);
    this.lastLogged = message;
  }
}
