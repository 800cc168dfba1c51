// The real test cluster started by scripts/test-cluster.sh in vitest's global setup
// (test/integration/global-setup.ts), handed to integration tests through vitest's inject().
import { inject } from 'vitest';

export interface TestCluster {
  /** Root of all state: configs, logs, pids, keys. */
  dir: string;
  /** Generated aibench config.yaml with clusters `tc-local` (executor local) and `tc-ssh` (executor ssh). */
  configPath: string;
  /** slurm.conf of the test cluster; SLURM_CONF must point here for local commands. */
  slurmConf: string;
  sshHost: string;
  sshPort: number;
  sshUser: string;
  /** Private key (ed25519) authorised for sshUser. */
  sshKey: string;
  /** known_hosts file holding the test sshd's host key as [127.0.0.1]:PORT. */
  knownHosts: string;
  pushgatewayUrl: string;
  prometheusUrl: string;
  /** Shared state dir (same path seen by "login" and "compute" side, it is one machine). */
  stateDir: string;
  hfHome: string;
  /** Slurm partition name. */
  partition: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: TestCluster;
  }
}

/** The running test cluster; only valid inside the integration project. */
export function testCluster(): TestCluster {
  return inject('cluster');
}
