// The small JSON status file `aibench tunnel up` keeps under local state, read by `tunnel status`
// and `tunnel down` (which signals the recorded pid).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { localStateDir } from '../config/paths.js';

export interface TunnelStatus {
  pid: number;
  cluster: string;
  target: string;
  /** forwarding: SSH is up, sshd refused a forward (its port still held) and it is being asked again. */
  state: 'connecting' | 'forwarding' | 'connected' | 'reconnecting' | 'stopped';
  connected: boolean;
  forwards: { remote: string; local: string; forwarded: boolean }[];
  bytesIn: number;
  bytesOut: number;
  reconnects: number;
  startedAt: string;
  connectedSince?: string | undefined;
  lastError?: string | undefined;
  updatedAt: string;
}

/** $XDG_STATE_HOME/aibench/tunnel/<cluster>.json */
export function tunnelStatusPath(cluster: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(localStateDir(env), 'tunnel', `${cluster}.json`);
}

/** Write atomically (temp + rename): a reader never sees half a document. */
export async function writeTunnelStatus(file: string, status: TunnelStatus): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(status, null, 2)}\n`, { mode: 0o644 });
}

/** The status, or undefined when no tunnel was ever started for this cluster. */
export async function readTunnelStatus(file: string): Promise<TunnelStatus | undefined> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
  return text === undefined ? undefined : (JSON.parse(text) as TunnelStatus);
}

/** Whether a process with this pid exists (signal 0 probes without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
