// `tunnel down` signals the recorded pid only when it is still an `aibench tunnel up` process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTunnelProcess, processArgv, stopTunnel } from '../../../src/cli/tunnel.js';
import { AibenchError, ExitCode } from '../../../src/errors.js';
import { processAlive, writeTunnelStatus, type TunnelStatus } from '../../../src/telemetry/tunnel-status.js';

const statusFor = (pid: number): TunnelStatus => ({
  pid, cluster: 'hpc', target: 'login', state: 'connected', connected: true, forwards: [], bytesIn: 0, bytesOut: 0, reconnects: 0,
  startedAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z',
});

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'aibench-tunnel-')), 'hpc.json');

describe('tunnel down', () => {
  it('a status file whose (live) pid is not aibench tunnel up is stale: removed, nothing signalled', async () => {
    const file = tempFile();
    await writeTunnelStatus(file, statusFor(process.pid)); // this test process: alive, but not a tunnel
    const kills: number[] = [];
    const message = await stopTunnel('hpc', file, { kill: (pid) => void kills.push(pid) });
    expect(kills).toEqual([]);
    expect(message).toMatch(/stale status file .*hpc\.json removed/);
    expect(message).toMatch(/nothing was signalled/);
    expect(existsSync(file)).toBe(false);
    expect(processAlive(process.pid)).toBe(true);
  });

  it.runIf(process.platform === 'linux')('stops a live `aibench tunnel up` process with SIGTERM', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '/opt/aibench/bin/aibench.js', 'tunnel', 'up', '--cluster', 'hpc'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await once(child, 'spawn'); // after exec: /proc/<pid>/cmdline is the child's own
      expect(isTunnelProcess(processArgv(child.pid!) ?? [])).toBe(true);
      const file = tempFile();
      await writeTunnelStatus(file, statusFor(child.pid!));
      expect(await stopTunnel('hpc', file)).toBe(`tunnel hpc: stopped (pid ${child.pid})`);
      await exited;
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('recognises aibench tunnel up command lines only', () => {
    expect(isTunnelProcess(['node', '/usr/lib/node_modules/aibench/bin/aibench.js', 'tunnel', 'up', '--cluster', 'hpc'])).toBe(true);
    expect(isTunnelProcess(['aibench', '--config', 'x.yaml', 'tunnel', 'up'])).toBe(true);
    expect(isTunnelProcess(['aibench', 'tunnel', 'down'])).toBe(false);
    expect(isTunnelProcess(['vim', 'tunnel', 'up'])).toBe(false);
    expect(isTunnelProcess(['node', 'vitest'])).toBe(false);
  });

  it('a tunnel that does not stop in time is a plain failure (exit 1), not a usage error', async () => {
    const file = tempFile();
    await writeTunnelStatus(file, statusFor(4242));
    const error = await stopTunnel('hpc', file, { alive: () => true, argv: () => ['aibench', 'tunnel', 'up'], kill: () => undefined, waitMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AibenchError);
    expect(error).toMatchObject({ exitCode: ExitCode.FAILED, message: 'tunnel hpc (pid 4242) did not stop within 0 s', hint: 'kill 4242' });
  });
});
