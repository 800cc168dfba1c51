// The Executor interface: how every room runs commands and touches files on a cluster,
// whether the cluster is this machine (LocalExecutor) or a login node over SSH (SshExecutor).

export interface RunOptions {
  /** Written to the command's stdin. */
  input?: string;
  /** Extra environment. Over SSH this is rendered into the command line as `env K=V ...`. */
  env?: Record<string, string>;
  /** Kill the command after this many milliseconds. */
  timeoutMs?: number;
  /** Working directory. */
  cwd?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** The exit code; null if the command was killed by a signal or timed out. */
  exitCode: number | null;
  timedOut: boolean;
}

/** A port forward opened by an executor; close() releases it. */
export interface Forward {
  /** For forwardOut: the local port on 127.0.0.1 that reaches the remote target. For forwardIn: the port bound on the remote side. */
  port: number;
  close(): Promise<void>;
}

export interface Executor {
  readonly kind: 'local' | 'ssh';
  /** A readable label, e.g. `local` or `root@login1:2222`. */
  readonly label: string;
  /** Run an argv (never a shell string). Non-zero exit codes are returned, not thrown. */
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  readFile(path: string): Promise<string>;
  /** Write a file atomically (temp + rename) with the given mode (default 0o644). */
  writeFile(path: string, content: string, options?: { mode?: number }): Promise<void>;
  /** `mkdir -p`; with `mode`, the last directory is created with that mode (an existing one keeps its own). */
  mkdirp(path: string, options?: { mode?: number }): Promise<void>;
  /** Reach remoteHost:remotePort (as seen from the cluster side) through a local port. */
  forwardOut(remoteHost: string, remotePort: number): Promise<Forward>;
  /** Reverse tunnel: connections to bindAddr:bindPort on the cluster side reach localHost:localPort here. */
  forwardIn(bindAddr: string, bindPort: number, localHost: string, localPort: number): Promise<Forward>;
  /** Release connections. Idempotent. */
  close(): Promise<void>;
}
