// doctor against the real test cluster: green locally and over SSH; red with a hint when sshd is down.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { testCluster } from '../helpers/cluster.js';
import { poll } from '../helpers/poll.js';
import { REPO_ROOT, runBin, tempHome } from '../helpers/run-bin.js';

interface DoctorDoc {
  ok: boolean;
  cluster: string;
  checks: { id: string; status: string; detail: string; hint?: string }[];
}

const clusterScript = join(REPO_ROOT, 'scripts/test-cluster.sh');

describe('aibench doctor on the test cluster', () => {
  it.each(['tc-local', 'tc-ssh'])('is all green on %s', async (name) => {
    const tc = testCluster();
    const r = await runBin(['--config', tc.configPath, 'doctor', '--cluster', name, '--json'], { env: { SLURM_CONF: tc.slurmConf } });
    const doc = JSON.parse(r.stdout) as DoctorDoc;
    expect(doc.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(doc.ok).toBe(true);
    expect(r.exitCode).toBe(0);
    expect(doc.checks.find((c) => c.id === 'slurm-answers')!.detail).toContain(tc.partition);
  });

  it('reaches a host defined only in a file ~/.ssh/config Includes, and shows what it resolved', async () => {
    const tc = testCluster();
    const home = tempHome();
    mkdirSync(join(home, '.ssh/clusters'), { recursive: true });
    writeFileSync(join(home, '.ssh/config'), 'Include clusters/*.conf\n');
    writeFileSync(join(home, '.ssh/clusters/tc.conf'), `Host tc-alias\n  HostName ${tc.sshHost}\n  Port ${tc.sshPort}\n  User ${tc.sshUser}\n  IdentityFile ${tc.sshKey}\n  UserKnownHostsFile ${tc.knownHosts}\n  ServerAliveInterval 5\n`);
    const config = parse(readFileSync(tc.configPath, 'utf8')) as { clusters: Record<string, Record<string, unknown>> };
    config.clusters['via-include'] = { ...config.clusters['tc-ssh'], ssh: { host: 'tc-alias', agent: false } };
    const configPath = join(home, 'config.yaml');
    writeFileSync(configPath, stringify(config));
    const r = await runBin(['--config', configPath, 'doctor', '--cluster', 'via-include', '--json'], { home });
    const doc = JSON.parse(r.stdout) as DoctorDoc;
    expect(doc.checks.filter((c) => c.status === 'fail')).toEqual([]);
    const target = doc.checks.find((c) => c.id === 'ssh-target')!;
    expect(target.detail).toContain(`${tc.sshUser}@${tc.sshHost}:${tc.sshPort} (alias tc-alias), key ${tc.sshKey}`);
    expect(target).toMatchObject({ status: 'warn', detail: expect.stringContaining('not applied by aibench for tc-alias: ServerAliveInterval') });
    expect(r.exitCode).toBe(0);
  });

  it('is red with a hint when sshd is stopped, and green again once it is back', async () => {
    const tc = testCluster();
    const pid = Number(readFileSync(join(tc.dir, 'ssh/sshd.pid'), 'utf8').trim());
    process.kill(pid, 'SIGTERM');
    await poll('sshd gone', async () => (existsSync(`/proc/${pid}`) ? undefined : true));
    try {
      const r = await runBin(['--config', tc.configPath, 'doctor', '--cluster', 'tc-ssh', '--json']);
      expect(r.exitCode).toBe(1);
      const doc = JSON.parse(r.stdout) as DoctorDoc;
      const reach = doc.checks.find((c) => c.id === 'reach')!;
      expect(reach.status).toBe('fail');
      expect(reach.detail).toMatch(/refused/i);
      expect(reach.hint).toMatch(/sshd/);
      expect(doc.checks.filter((c) => c.status === 'skip').length).toBeGreaterThanOrEqual(4);
      expect(r.stderr).toMatch(/error: 1 required check failed: reach/);
    } finally {
      await execa('bash', [clusterScript, 'up'], { env: { AIBENCH_TC_DIR: tc.dir } });
    }
    const again = await runBin(['--config', tc.configPath, 'doctor', '--cluster', 'tc-ssh', '--json']);
    expect(again.exitCode).toBe(0);
  });
});
