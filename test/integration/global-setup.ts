// Vitest global setup for the integration project: bring up the real test cluster (munge +
// Slurm, sshd, Pushgateway, Prometheus on loopback) with scripts/test-cluster.sh, hand its
// coordinates to tests via provide('cluster'), and stop it afterwards only if we started it.
import { resolve } from 'node:path';
import { execa } from 'execa';
import type { TestProject } from 'vitest/node';
import type { TestCluster } from '../helpers/cluster.js';

const SCRIPT = resolve(import.meta.dirname, '../../scripts/test-cluster.sh');

const STRING_FIELDS = [
  'dir', 'configPath', 'slurmConf', 'sshHost', 'sshUser', 'sshKey', 'knownHosts',
  'pushgatewayUrl', 'prometheusUrl', 'stateDir', 'hfHome', 'partition',
] as const;

/** `env --json` output checked field by field, so a script change fails here and not in a test. */
function parseCluster(text: string): TestCluster {
  const raw = JSON.parse(text) as Record<string, unknown>;
  for (const key of STRING_FIELDS) {
    if (typeof raw[key] !== 'string' || raw[key] === '') {
      throw new Error(`test-cluster.sh env --json: expected a non-empty string at ${key}, got ${JSON.stringify(raw[key])}`);
    }
  }
  if (typeof raw.sshPort !== 'number') {
    throw new Error(`test-cluster.sh env --json: expected a number at sshPort, got ${JSON.stringify(raw.sshPort)}`);
  }
  return raw as unknown as TestCluster;
}

/** Start the cluster (a no-op when it is already up); the returned teardown stops it if we started it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const before = await execa('bash', [SCRIPT, 'status'], { reject: false });
  const wasUp = before.exitCode === 0;
  // stderr is inherited so CI logs show each component come up (minutes on a fresh machine: apt-get).
  await execa('bash', [SCRIPT, 'up'], { stdout: 'inherit', stderr: 'inherit', timeout: 900_000 });
  const { stdout } = await execa('bash', [SCRIPT, 'env', '--json']);
  const cluster = parseCluster(stdout);

  project.provide('cluster', cluster);
  process.env.SLURM_CONF = cluster.slurmConf;
  process.env.AIBENCH_TC_DIR = cluster.dir;

  return async () => {
    if (wasUp || process.env.AIBENCH_TC_KEEP) return;
    await execa('bash', [SCRIPT, 'down'], { stdout: 'inherit', stderr: 'inherit', reject: false, timeout: 120_000 });
  };
}
