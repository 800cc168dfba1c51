// A second, real sshd for SSH fault tests: the test cluster's own sshd_config, host key and
// authorised user key, listening on a port of its own, run in the foreground by the test. drop()
// kills it and every per-connection sshd it forked (so established connections break, as on a
// network drop, and new ones are refused) and ends the commands they ran; start() brings it back
// with the same host key. The cluster's shared sshd is never touched.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestCluster } from './cluster.js';
import { poll } from './poll.js';

export interface SecondSshd {
  port: number;
  /** known_hosts with the host key for [127.0.0.1]:port. */
  knownHosts: string;
  /** Kill the listener and every connection it serves; resolves once the port refuses. */
  drop(): Promise<void>;
  /** Start (again); resolves once it greets with an SSH banner. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A free loopback port (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The banner's first bytes, or undefined when the port refuses or says nothing. */
function banner(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (text: string | undefined) => {
      socket.destroy();
      resolve(text);
    };
    socket.setTimeout(2000, () => done(undefined));
    socket.once('data', (d) => done(d.toString('latin1').slice(0, 4)));
    socket.once('error', () => done(undefined));
  });
}

/** Every live descendant of `root` (per /proc's parent links). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const [child, ppid] of parent) {
      if (ppid === pid) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return out;
}

/** Whether a process is an sshd (the listener or a per-connection one), by its command name. */
function isSshd(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sshd';
  } catch {
    return false;
  }
}

/** Start a second sshd beside the test cluster's (same keys and settings, its own port). */
export async function startSecondSshd(tc: TestCluster): Promise<SecondSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'aibench-sshd2-'));
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(config, readFileSync(join(tc.dir, 'ssh/sshd_config'), 'utf8')
    .replace(/^ListenAddress .*$/m, `ListenAddress 127.0.0.1:${port}`)
    .replace(/^PidFile .*$/m, `PidFile ${join(dir, 'sshd.pid')}`));
  const hostKey = readFileSync(join(tc.dir, 'ssh/ssh_host_ed25519_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostKey}\n`);
  let child: ChildProcess | undefined;

  const sshd: SecondSshd = {
    port,
    knownHosts,
    async start() {
      child = spawn('/usr/sbin/sshd', ['-D', '-f', config, '-E', join(dir, 'sshd.log')], { stdio: 'ignore' });
      await poll(`the second sshd to greet on ${port}`, async () => ((await banner(port)) === 'SSH-' ? true : undefined));
    },
    async drop() {
      const listener = child;
      if (listener?.pid === undefined || listener.exitCode !== null) return;
      const exited = new Promise((resolve) => listener.once('exit', resolve));
      // The sshd processes die at once, so the link drops. The commands they ran get SIGTERM, so their
      // shells' EXIT traps run: a login shell's tools must not be left half-done (the user's
      // ~/.bashrc may run `pyenv rehash`, whose lock, left behind by a SIGKILL, makes every later
      // SSH command on this machine wait 60 s for it).
      for (const pid of [listener.pid, ...descendants(listener.pid)]) {
        try {
          process.kill(pid, isSshd(pid) ? 'SIGKILL' : 'SIGTERM');
        } catch {
          // already gone
        }
      }
      await exited;
      await poll(`port ${port} to refuse`, async () => ((await banner(port)) === undefined ? true : undefined));
    },
    async close() {
      await sshd.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await sshd.start();
  return sshd;
}
