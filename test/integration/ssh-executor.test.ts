// SshExecutor against the real test sshd (scripts/test-cluster.sh). The "remote" side is this
// machine, so files and servers created here are visible to commands run over SSH.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshSchema } from '../../src/config/schema.js';
import { SshError, UsageError } from '../../src/errors.js';
import { createSshExecutor, type SshExecutor } from '../../src/exec/ssh-executor.js';
import { testCluster } from '../helpers/cluster.js';
import { sshKeyPair } from '../helpers/ssh-keys.js';

const tc = testCluster();
const work = mkdtempSync(join(tmpdir(), 'aibench-ssh-it-'));
// A HOME with no ~/.ssh and no agent: only what each test configures is used.
const env = { HOME: join(work, 'home'), USER: 'root', PATH: process.env.PATH ?? '/usr/bin:/bin' };

afterAll(() => rmSync(work, { recursive: true, force: true }));

function executor(overrides: Record<string, unknown> = {}): SshExecutor {
  const ssh = SshSchema.parse({
    host: tc.sshHost,
    port: tc.sshPort,
    user: tc.sshUser,
    identity_file: tc.sshKey,
    known_hosts_file: tc.knownHosts,
    connect_timeout_s: 20,
    ...overrides,
  });
  return createSshExecutor(ssh, { env });
}

async function connectError(ex: SshExecutor): Promise<SshError> {
  try {
    await ex.run(['true']);
  } catch (error) {
    return error as SshError;
  } finally {
    await ex.close();
  }
  throw new Error('expected the connection to fail');
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('SshExecutor against the test sshd', () => {
  const ex = executor();
  let http: Server;
  let httpPort: number;

  beforeAll(async () => {
    http = createServer((req, res) => res.end(`hello from ${req.url}`));
    httpPort = await listen(http);
  });
  afterAll(async () => {
    await ex.close();
    await ex.close(); // idempotent
    http.close();
  });

  it('has a user@host:port label', () => {
    expect(ex.label).toBe(`${tc.sshUser}@${tc.sshHost}:${tc.sshPort}`);
  });

  it('returns exit codes instead of throwing, with stderr captured', async () => {
    expect(await ex.run(['true'])).toEqual({ stdout: '', stderr: '', exitCode: 0, timedOut: false });
    const r = await ex.run(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, timedOut: false });
    expect((await ex.run(['/nonexistent/binary'])).exitCode).toBe(127);
  });

  it('reuses one connection for every command', async () => {
    const a = await ex.run(['sh', '-c', 'echo "$SSH_CONNECTION"']);
    const b = await ex.run(['sh', '-c', 'echo "$SSH_CONNECTION"']);
    expect(a.stdout.trim()).not.toBe('');
    expect(a.stdout).toBe(b.stdout); // same client port: same TCP connection
  });

  it('passes hostile argv, env and cwd literally', async () => {
    const marker = join(work, 'MARKER');
    const hostile = [`$(touch ${marker})`, `\`touch ${marker}\``, `'; touch ${marker}; '`, '"$HOME"', 'a\nb', '*', '~', '-n', '', ' x ', '|&;<>'];
    const r = await ex.run(['printf', '%s\\0', ...hostile]);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(hostile);

    const value = `$(touch ${marker}) \`touch ${marker}\` 'q' "d" \n;| ✓`;
    const e = await ex.run(['sh', '-c', 'printf %s "$AIBENCH_X"'], { env: { AIBENCH_X: value } });
    expect(e.stdout).toBe(value);

    const dir = mkdtempSync(join(work, "cwd $(touch MARKER) ' `touch MARKER` -"));
    expect((await ex.run(['pwd'], { cwd: dir })).stdout).toBe(`${dir}\n`);
    expect((await ex.run(['pwd'], { cwd: join(work, 'missing') })).exitCode).not.toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(dir, 'MARKER'))).toBe(false);
  });

  it('refuses an environment name that is not a shell identifier', async () => {
    await expect(ex.run(['true'], { env: { 'A;B': '1' } })).rejects.toThrow(UsageError);
  });

  it('feeds input on stdin and keeps multi-byte UTF-8 intact across chunks', async () => {
    const input = 'héllo ✓ ünïcode 🚀\n'.repeat(20_000);
    const r = await ex.run(['cat'], { input });
    expect(r.exitCode).toBe(0);
    expect(r.stdout === input).toBe(true);
  });

  it('writes atomically with the requested mode and reads back; missing files are ENOENT', async () => {
    const dir = join(work, 'files dir');
    await ex.mkdirp(join(dir, 'a', 'b'));
    expect((await ex.run(['test', '-d', join(dir, 'a', 'b')])).exitCode).toBe(0);
    const path = join(dir, 'secret $(x).txt');
    const content = `token='$(touch ${join(work, 'MARKER')})'\nline 2 ✓\n`;
    await ex.writeFile(path, content, { mode: 0o600 });
    expect(await ex.readFile(path)).toBe(content);
    expect(readFileSync(path, 'utf8')).toBe(content);
    expect((await ex.run(['stat', '-c', '%a', path])).stdout.trim()).toBe('600');
    await ex.writeFile(path, 'replaced\n');
    expect((await ex.run(['stat', '-c', '%a', path])).stdout.trim()).toBe('644');
    expect((await ex.run(['ls', '-A', dir])).stdout.split('\n').filter(Boolean).sort()).toEqual(['a', 'secret $(x).txt']);
    await expect(ex.readFile(join(dir, 'nope'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('kills a command that runs past timeoutMs, with its children, and keeps the connection usable', async () => {
    // 5 s: time enough on a busy machine for the channel to open and the shell to report its pid
    // before the timeout fires. Random, unusual durations (days), matched as whole command lines, so
    // that the count sees only this run's two sleeps: never the grep, nor sleeps another run left.
    const secs = 200_000 + Math.floor(Math.random() * 700_000) * 2;
    const r = await ex.run(['sh', '-c', `echo started; echo oops >&2; sleep ${secs} & exec sleep ${secs + 1}`], { timeoutMs: 5000 });
    expect(r).toMatchObject({ stdout: 'started\n', stderr: 'oops\n', timedOut: true, exitCode: null });
    // SIGKILL is sent before run() returns, but the kernel may take a moment to reap: poll (10 s
    // deadline) until both are gone; had they survived, they would still be there for days.
    const count = async () => (await ex.run(['sh', '-c', 'ps -eo args | grep -cxE -- "$1" || true', 'sh', `sleep (${secs}|${secs + 1})`])).stdout.trim();
    let left = await count();
    for (const deadline = performance.now() + 10_000; left !== '0' && performance.now() < deadline; left = await count()) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(left).toBe('0');
    expect((await ex.run(['echo', 'still here'], { timeoutMs: 30_000 })).stdout).toBe('still here\n');
  });

  it('forwardOut reaches a server on the remote side through a local port', async () => {
    const fw = await ex.forwardOut('127.0.0.1', httpPort);
    try {
      expect(fw.port).not.toBe(httpPort);
      const res = await fetch(`http://127.0.0.1:${fw.port}/out`);
      expect(await res.text()).toBe('hello from /out');
    } finally {
      await fw.close();
    }
  });

  it('forwardIn binds a remote port that reaches a local server', async () => {
    const fw = await ex.forwardIn('127.0.0.1', 0, '127.0.0.1', httpPort);
    try {
      expect(fw.port).toBeGreaterThan(0);
      // The remote side is this machine: connect to the port sshd bound.
      const res = await fetch(`http://127.0.0.1:${fw.port}/in`);
      expect(await res.text()).toBe('hello from /in');
    } finally {
      await fw.close();
      await fw.close();
    }
  });

  it('reconnects after the connection drops', async () => {
    // Kill the per-connection sshd process that is our shell's parent.
    const dropped = await ex.run(['sh', '-c', 'kill -9 $PPID; sleep 5']).catch((e: unknown) => e);
    expect(dropped).toMatchObject({ code: 'E_SSH_CLOSED' });
    expect((await ex.run(['echo', 'back'])).stdout).toBe('back\n');
  });
});

describe('SshExecutor connection setup', () => {
  it('resolves an alias from ssh_config_file and goes through a ProxyJump', async () => {
    const cfg = join(work, 'ssh_config');
    const jump = `${tc.sshUser}@${tc.sshHost}:${tc.sshPort}`;
    writeFileSync(
      cfg,
      [`Host tc-alias`, `  HostName ${tc.sshHost}`, `  Port ${tc.sshPort}`, `  User ${tc.sshUser}`, `  ProxyJump ${jump}`, 'Host *', `  IdentityFile ${tc.sshKey}`, ''].join('\n'),
    );
    const ex = createSshExecutor(SshSchema.parse({ host: 'tc-alias', ssh_config_file: cfg, known_hosts_file: tc.knownHosts }), { env });
    try {
      expect(ex.label).toBe(`${tc.sshUser}@${tc.sshHost}:${tc.sshPort}`);
      const r = await ex.run(['sh', '-c', 'echo "$SSH_CONNECTION"']);
      expect(r.exitCode).toBe(0);
      expect(r.stdout.split(' ')[0]).toBe('127.0.0.1'); // the jump host's direct-tcpip, not us
    } finally {
      await ex.close();
    }
  });

  it('rejects a CHANGED host key', async () => {
    const kh = join(work, 'known_hosts_changed');
    const other = sshKeyPair().public.split(' ').slice(0, 2).join(' ');
    writeFileSync(kh, `[${tc.sshHost}]:${tc.sshPort} ${other}\n`);
    const err = await connectError(executor({ known_hosts_file: kh, strict_host_key_checking: 'accept-new' }));
    expect(err).toBeInstanceOf(SshError);
    expect(err.code).toBe('E_SSH_HOSTKEY_CHANGED');
    expect(err.message).toMatch(/SHA256:/);
    expect(readFileSync(kh, 'utf8')).toBe(`[${tc.sshHost}]:${tc.sshPort} ${other}\n`);
  });

  it('rejects an unknown host key, and accept-new trusts it on first use', async () => {
    const kh = join(work, 'known_hosts_empty');
    writeFileSync(kh, '');
    const err = await connectError(executor({ known_hosts_file: kh }));
    expect(err.code).toBe('E_SSH_HOSTKEY_UNKNOWN');
    expect(err.hint).toContain(`ssh-keyscan -p ${tc.sshPort}`);

    const tofu = executor({ known_hosts_file: kh, strict_host_key_checking: 'accept-new' });
    expect((await tofu.run(['true'])).exitCode).toBe(0);
    await tofu.close();
    expect(readFileSync(kh, 'utf8').trim()).toBe(readFileSync(tc.knownHosts, 'utf8').trim());
  });

  it('reports a refused connection', async () => {
    const probe = createTcpServer();
    const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port)));
    await new Promise((resolve) => probe.close(resolve));
    const err = await connectError(executor({ port }));
    expect(err.code).toBe('E_SSH_REFUSED');
    expect(err.hint).toMatch(/sshd running/);
  });

  it('reports a key the server does not accept as E_SSH_AUTH, naming the file but not its contents', async () => {
    const key = join(work, 'wrong_key');
    const pair = sshKeyPair();
    writeFileSync(key, pair.private, { mode: 0o600 });
    const err = await connectError(executor({ identity_file: key }));
    expect(err.code).toBe('E_SSH_AUTH');
    expect(err.message).toContain(key);
    expect(`${err.message} ${err.hint}`).not.toContain(pair.private.split('\n')[1]);
  });

  it('names a missing identity file', async () => {
    const err = await connectError(executor({ identity_file: join(work, 'no_such_key') }));
    expect(err.code).toBe('E_SSH_IDENTITY');
    expect(err.message).toContain(join(work, 'no_such_key'));
  });
});
