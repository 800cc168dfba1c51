import { createServer } from 'node:http';
import { mkdtemp, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalExecutor } from '../../../src/exec/local-executor.js';

describe('LocalExecutor', () => {
  const ex = new LocalExecutor();

  it('returns exit codes and both streams without throwing', async () => {
    const r = await ex.run(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, timedOut: false });
  });

  it('passes argv literally (no shell), stdin and env', async () => {
    const hostile = `$(touch /tmp/aibench-never) ; 'q' "d" \`b\``;
    const r = await ex.run(['sh', '-c', 'printf "%s|%s|" "$1" "$X"; cat', 'sh', hostile], { env: { X: 'v w' }, input: 'in' });
    expect(r.stdout).toBe(`${hostile}|v w|in`);
  });

  it('reports a missing binary as exit 127 and a timeout as timedOut', async () => {
    expect((await ex.run(['aibench-no-such-binary'])).exitCode).toBe(127);
    const slow = await ex.run(['sleep', '5'], { timeoutMs: 200 });
    expect(slow.timedOut).toBe(true);
    expect(slow.exitCode).toBeNull();
  });

  it('writes files atomically with the requested mode and reads them back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aibench-le-'));
    await ex.mkdirp(join(dir, 'a/b'));
    const file = join(dir, 'a/b/secret');
    await ex.writeFile(file, 'tok\n', { mode: 0o600 });
    expect(await ex.readFile(file)).toBe('tok\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('forwardOut relays a local port to the target', async () => {
    const server = createServer((_req, res) => res.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const target = (server.address() as AddressInfo).port;
    const fwd = await ex.forwardOut('127.0.0.1', target);
    try {
      expect(fwd.port).not.toBe(target);
      const body = await (await fetch(`http://127.0.0.1:${fwd.port}/`)).text();
      expect(body).toBe('hello');
    } finally {
      await fwd.close();
      server.close();
    }
  });
});

describe('LocalExecutor.mkdirp', () => {
  it('fails with a clear error (and does not hang) for a path that cannot be created', async () => {
    const ex = new LocalExecutor();
    await expect(ex.mkdirp('/proc/aibench-cannot-exist/x')).rejects.toThrow(/Cannot create directory \/proc\/aibench-cannot-exist\/x: mkdir: /);
  });
});
