// Runs commands on a login node over one lazily opened, reused SSH session (node-ssh / ssh2).
// Every command is ONE shell string built with shellJoin; execCommand (not exec, which throws
// on any stderr) returns the exit code. File contents travel on stdin, never in argv.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { NodeSSH } from 'node-ssh';
import type { ClientChannel } from 'ssh2';
import type { SshConfig } from '../config/schema.js';
import { ConfigError, ExecError, SshError, UsageError } from '../errors.js';
import { modeArgs } from './mkdir-mode.js';
import { shellJoin, shellQuote } from './quote.js';
import { openSession, type OpenSession } from './ssh-connect.js';
import { expandTilde, resolveSshConfig, type ResolvedSsh } from './ssh-config.js';
import { SshErrorCode, isConnectionGone } from './ssh-errors.js';
import { listenAndForward, reverseForward } from './ssh-forward.js';
import type { Executor, Forward, RunOptions, RunResult } from './types.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Positional parameters keep paths and mode out of the script text: nothing is quoted twice.
const WRITE_SCRIPT = 'umask 077 && cat > "$1" && chmod "$3" -- "$1" && mv -f -- "$1" "$2" || { rc=$?; rm -f -- "$1"; exit "$rc"; }';
const KILL_GRACE_MS = 5_000;

/** Build the remote command line: optional `cd -- DIR &&`, then `exec [env K=V ...] argv`. */
export function renderRemoteCommand(argv: readonly string[], options: Pick<RunOptions, 'env' | 'cwd'> = {}): string {
  if (argv.length === 0) throw new UsageError('Expected a command, got an empty argv');
  const assignments = Object.entries(options.env ?? {}).map(([k, v]) => {
    if (!ENV_NAME.test(k)) throw new UsageError(`Expected an environment variable name like NAME_1, got ${JSON.stringify(k)}`);
    return `${k}=${v}`;
  });
  // exec: the command replaces the shell, so its exit status and PID are the command's own.
  const command = shellJoin(assignments.length > 0 ? ['exec', 'env', ...assignments, ...argv] : ['exec', ...argv]);
  return options.cwd === undefined ? command : `cd -- ${shellQuote(options.cwd)} && ${command}`;
}

export class SshExecutor implements Executor {
  readonly kind = 'ssh' as const;
  readonly label: string;
  private session: OpenSession | undefined;
  private connecting: Promise<NodeSSH> | undefined;
  private readonly forwards = new Set<Forward>();

  constructor(
    /** Where this executor connects, as ssh_config resolved it (doctor shows it). */
    readonly resolved: ResolvedSsh,
    private readonly ssh: SshConfig,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.label = `${resolved.user}@${resolved.host}:${resolved.port}`;
  }

  /** True while the SSH session is open; reverse forwards die with it (`aibench tunnel` polls this to re-forward). */
  get connected(): boolean {
    return this.session?.target.isConnected() ?? false;
  }

  /** Run argv remotely; non-zero exits are returned; on timeout the remote process group is killed. */
  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    let command = renderRemoteCommand(argv, options);
    // sshd refuses "signal" requests in many setups (root sessions, see report), so to kill on
    // timeout we learn the remote PID from a tagged first stderr line and strip it afterwards.
    const tag = `aibench-pid-${randomBytes(6).toString('hex')}:`;
    if (options.timeoutMs !== undefined) command = `echo ${tag}$$ >&2; ${command}`;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let channel: ClientChannel | undefined;
    let timedOut = false;
    let onTimeout: () => void = () => undefined;
    const expired = new Promise<null>((resolve) => {
      onTimeout = () => {
        timedOut = true;
        // Stop waiting once the kill is done (or hangs) and a grace period passed, even if sshd lingers.
        const kill = this.killRemote(Buffer.concat(err).toString('utf8'), tag);
        void Promise.race([kill, delay(KILL_GRACE_MS)]).then(() => {
          channel?.close();
          return delay(KILL_GRACE_MS).then(() => resolve(null));
        });
      };
    });
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => onTimeout(), options.timeoutMs);
    try {
      const running = this.withConnection((conn) =>
        conn.execCommand(command, {
          ...(options.input !== undefined ? { stdin: options.input } : {}),
          noTrim: true,
          // node-ssh decodes each chunk alone, which splits multi-byte UTF-8; collect bytes instead.
          onStdout: (c) => out.push(c),
          onStderr: (c) => err.push(c),
          onChannel: (c) => {
            channel = c;
            if (timedOut) c.close();
          },
        }),
      );
      running.catch(() => undefined); // after a timeout nobody awaits it any more
      const result = await Promise.race([running, expired]);
      if (!timedOut && result?.code === null && result.signal === null) {
        throw new SshError(`SSH connection to ${this.label} was lost while running ${argv[0]}`, { code: SshErrorCode.CLOSED });
      }
      const stderr = Buffer.concat(err).toString('utf8').replace(new RegExp(`${tag}\\d*\\n?`), '');
      return { stdout: Buffer.concat(out).toString('utf8'), stderr, exitCode: timedOut ? null : (result?.code ?? null), timedOut };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  /** Read a remote text file; a missing file throws ExecError with code ENOENT, like fs does locally. */
  async readFile(path: string): Promise<string> {
    const r = await this.run(['cat', '--', path]);
    if (r.exitCode === 0) return r.stdout;
    const missing = /no such file/i.test(r.stderr);
    throw new ExecError(`Cannot read ${path} on ${this.label}: ${r.stderr.trim()}`, missing ? { code: 'ENOENT' } : {});
  }

  /** Atomic write: content on stdin into path.tmp.<random> (umask 077), chmod, then mv -f over path. */
  async writeFile(path: string, content: string, options: { mode?: number } = {}): Promise<void> {
    const mode = (options.mode ?? 0o644).toString(8);
    const tmp = `${path}.tmp.${randomBytes(6).toString('hex')}`;
    const r = await this.run(['sh', '-c', WRITE_SCRIPT, 'sh', tmp, path, mode], { input: content });
    if (r.exitCode !== 0) throw new ExecError(`Cannot write ${path} on ${this.label}: ${r.stderr.trim()}`);
  }

  /** mkdir -p on the remote side; a failure (permissions, a file in the way) throws ExecError. */
  async mkdirp(path: string, options: { mode?: number } = {}): Promise<void> {
    const r = await this.run(['mkdir', '-p', ...modeArgs(options.mode), '--', path]);
    if (r.exitCode !== 0) throw new ExecError(`Cannot create ${path} on ${this.label}: ${r.stderr.trim()}`);
  }

  /** A local port on 127.0.0.1 whose connections reach remoteHost:remotePort from the login node. */
  async forwardOut(remoteHost: string, remotePort: number): Promise<Forward> {
    await this.connection(); // surface connection errors now, not on the first socket
    const fw = await listenAndForward((srcPort) => this.withConnection((c) => c.forwardOut('127.0.0.1', srcPort, remoteHost, remotePort)));
    return this.remember(fw);
  }

  /** Reverse tunnel; lost with the connection (the tunnel command re-forwards after reconnecting). */
  async forwardIn(bindAddr: string, bindPort: number, localHost: string, localPort: number): Promise<Forward> {
    const client = (await this.connection()).connection;
    if (!client) throw new SshError(`SSH connection to ${this.label} is not open`, { code: SshErrorCode.CLOSED });
    return this.remember(await reverseForward(client, this.label, bindAddr, bindPort, localHost, localPort));
  }

  /** Close forwards and the session (innermost hop first). Idempotent. */
  async close(): Promise<void> {
    const forwards = [...this.forwards];
    this.forwards.clear();
    await Promise.allSettled(forwards.map((f) => f.close()));
    const session = this.session;
    this.session = undefined;
    this.connecting = undefined;
    session?.dispose();
  }

  // Kill the remote process group whose PID the tagged stderr line announced (best effort).
  private async killRemote(stderr: string, tag: string): Promise<void> {
    const pid = new RegExp(`${tag}(\\d+)\\n`).exec(stderr)?.[1];
    if (!pid) return;
    // sshd puts each non-pty session in its own process group, so -PGID takes children too.
    // run() execs the kill *binary* (procps/util-linux); dash's builtin rejects `--` and -PGID.
    const group = await this.run(['kill', '-s', 'KILL', '--', `-${pid}`]).catch(() => undefined);
    if (group?.exitCode !== 0) await this.run(['kill', '-s', 'KILL', pid]).catch(() => undefined);
  }

  // Reuse the open session; reconnect if it dropped, and retry once if opening a channel finds it gone.
  private async withConnection<T>(fn: (conn: NodeSSH) => Promise<T>): Promise<T> {
    const conn = await this.connection();
    try {
      return await fn(conn);
    } catch (error) {
      if (!isConnectionGone(error)) throw error;
      if (conn.isConnected()) throw lost(error, this.label);
      return fn(await this.connection()).catch((e: unknown) => {
        throw isConnectionGone(e) ? lost(e, this.label) : e;
      });
    }
  }

  private async connection(): Promise<NodeSSH> {
    if (this.session?.target.isConnected()) return this.session.target;
    this.session?.dispose();
    this.session = undefined;
    this.connecting ??= openSession(this.resolved, this.ssh, this.env).then(
      (s) => {
        this.session = s;
        this.connecting = undefined;
        return s.target;
      },
      (e: unknown) => {
        this.connecting = undefined;
        throw e;
      },
    );
    return this.connecting;
  }

  private remember(forward: Forward): Forward {
    const wrapped: Forward = {
      port: forward.port,
      close: async () => {
        if (this.forwards.delete(wrapped)) await forward.close();
      },
    };
    this.forwards.add(wrapped);
    return wrapped;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function lost(error: unknown, label: string): SshError {
  return new SshError(`SSH connection to ${label} was lost: ${(error as Error).message}`, { code: SshErrorCode.CLOSED, cause: error });
}

/** Build an SshExecutor: reads ~/.ssh/config (or ssh_config_file) now; connects on first use. */
export function createSshExecutor(ssh: SshConfig, opts: { env?: NodeJS.ProcessEnv } = {}): SshExecutor {
  const env = opts.env ?? process.env;
  const home = env.HOME ?? '/root';
  const file = expandTilde(ssh.ssh_config_file ?? '~/.ssh/config', home);
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    // A missing default ~/.ssh/config is normal; a missing file the user named is not.
    if (ssh.ssh_config_file !== undefined) throw new ConfigError(`Cannot read ssh_config_file ${file}`, { cause });
  }
  return new SshExecutor(resolveSshConfig(ssh, text, { HOME: home, USER: env.USER ?? env.LOGNAME ?? 'root' }), ssh, env);
}
