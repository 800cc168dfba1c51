// Runs commands on this machine with execa. Argv arrays only: no shell is involved, so nothing
// needs quoting here.
import { chmod, readFile } from 'node:fs/promises';
import { execa } from 'execa';
import writeFileAtomic from 'write-file-atomic';
import { ExecError } from '../errors.js';
import { modeArgs } from './mkdir-mode.js';
import { startTcpProxy } from './tcp-proxy.js';
import type { Executor, Forward, RunOptions, RunResult } from './types.js';

export class LocalExecutor implements Executor {
  readonly kind = 'local' as const;
  readonly label = 'local';

  /** Run argv locally; a non-zero exit is returned, a missing binary is exit 127 like a shell. */
  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const [file, ...args] = argv;
    if (!file) throw new ExecError('Expected a command, got an empty argv');
    const result = await execa(file, args, {
      reject: false,
      input: options.input,
      env: options.env,
      extendEnv: true,
      cwd: options.cwd,
      timeout: options.timeoutMs,
      stripFinalNewline: false,
      stdin: options.input === undefined ? 'ignore' : 'pipe',
    });
    const notFound = (result as { code?: string }).code === 'ENOENT';
    return {
      stdout: String(result.stdout ?? ''),
      stderr: notFound ? `${file}: command not found\n` : String(result.stderr ?? ''),
      exitCode: notFound ? 127 : (result.exitCode ?? null),
      timedOut: Boolean(result.timedOut),
    };
  }

  async readFile(path: string): Promise<string> {
    return readFile(path, 'utf8');
  }

  /** Atomic write (temp file + rename), then the requested mode. */
  async writeFile(path: string, content: string, options: { mode?: number } = {}): Promise<void> {
    const mode = options.mode ?? 0o644;
    await writeFileAtomic(path, content, { mode });
    await chmod(path, mode);
  }

  /**
   * coreutils `mkdir -p`, not fs.mkdir({recursive}): Node 20's recursive mkdir never returns for
   * some paths (e.g. under /proc), which would hang doctor on a mistyped state_dir.
   */
  async mkdirp(path: string, options: { mode?: number } = {}): Promise<void> {
    const r = await this.run(['mkdir', '-p', ...modeArgs(options.mode), '--', path], { timeoutMs: 30_000 });
    if (r.exitCode !== 0) {
      throw new ExecError(`Cannot create directory ${path}: ${r.stderr.trim() || `exit ${r.exitCode}`}`, { code: 'E_MKDIR' });
    }
  }

  /** The "cluster" is this machine: relay a local port to the target directly. */
  forwardOut(remoteHost: string, remotePort: number): Promise<Forward> {
    return startTcpProxy('127.0.0.1', 0, remoteHost, remotePort);
  }

  /** Listen on bindAddr:bindPort here and relay to localHost:localPort. */
  forwardIn(bindAddr: string, bindPort: number, localHost: string, localPort: number): Promise<Forward> {
    return startTcpProxy(bindAddr, bindPort, localHost, localPort);
  }

  async close(): Promise<void> {}
}
