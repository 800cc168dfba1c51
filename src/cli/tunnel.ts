// `aibench tunnel up|status|down`: the SSH reverse tunnel from the login node back to the local
// Pushgateway / Prometheus. `up` runs in the foreground (systemd or nohup for a daemon).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Command } from 'commander';
import { z } from 'zod';
import { AibenchError, UsageError } from '../errors.js';
import { createOutput } from '../report/output.js';
import { parseTimeoutSpec } from '../bench/spec/duration.js';
import { TUNNEL_KEEPALIVE, runTunnel, type TunnelForwardSpec } from '../telemetry/tunnel.js';
import { processAlive, readTunnelStatus, tunnelStatusPath } from '../telemetry/tunnel-status.js';
import { clusterFor, useStopSignal } from './context.js';
import { parseFlags } from './jobs-options.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const port = z.string().regex(/^\d+$/, 'expected a port 0-65535').transform(Number).pipe(z.number().int().min(0).max(65535));

const UpFlagsSchema = z.strictObject({
  cluster: z.string().optional(),
  remotePort: z.array(port).default([9091]),
  local: z.array(z.string().min(1)).default(['http://127.0.0.1:9091']),
  remoteBind: z.string().min(1).default('0.0.0.0'),
  keepaliveInterval: z.string().default(`${TUNNEL_KEEPALIVE.intervalS}s`),
  keepaliveCountMax: z.string().regex(/^\d+$/, 'expected a whole number from 1 to 100').transform(Number).pipe(z.number().int().min(1).max(100)).default(TUNNEL_KEEPALIVE.countMax),
});

/** --remote-port and --local pair up by position (repeat both for Pushgateway + Prometheus). */
export function tunnelForwards(flags: z.input<typeof UpFlagsSchema>): TunnelForwardSpec[] {
  const f = parseFlags(UpFlagsSchema, flags);
  if (f.remotePort.length !== f.local.length) {
    throw new UsageError(`Expected as many --remote-port as --local flags, got ${f.remotePort.length} and ${f.local.length}`);
  }
  return f.local.map((local, i) => ({ remoteBind: f.remoteBind, remotePort: f.remotePort[i]!, local }));
}

/** --keepalive-interval / --keepalive-count-max: a dead link is noticed within interval x (count-max + 1). */
export function tunnelKeepalive(flags: z.input<typeof UpFlagsSchema>): { intervalS: number; countMax: number } {
  const f = parseFlags(UpFlagsSchema, flags);
  const intervalMs = parseTimeoutSpec(f.keepaliveInterval, '--keepalive-interval');
  if (intervalMs > 3_600_000) throw new UsageError(`--keepalive-interval: expected at most 1h, got ${JSON.stringify(f.keepaliveInterval)}`);
  return { intervalS: intervalMs / 1000, countMax: f.keepaliveCountMax };
}

/** The `tunnel` command group. */
export function buildTunnelCommand(): Command {
  const tunnel = new Command('tunnel').description('SSH reverse tunnel: login-node ports -> this host\'s Pushgateway / Prometheus (for telemetry agents)');
  tunnel.addCommand(
    new Command('up')
      .description('open the tunnel in the foreground; reconnects and re-forwards by itself (run under systemd or nohup to keep it)')
      .option('--cluster <name>', 'ssh cluster from the config')
      .option('--remote-port <n>', 'port on the login node (repeatable; pairs with --local)', collect)
      .option('--local <url>', 'local service the port reaches (repeatable)', collect)
      .option('--remote-bind <addr>', 'address sshd binds on the login node (0.0.0.0 needs GatewayPorts)', '0.0.0.0')
      .option('--keepalive-interval <duration>', 'SSH keepalive probe interval', `${TUNNEL_KEEPALIVE.intervalS}s`)
      .option('--keepalive-count-max <n>', 'unanswered probes before the link counts as dead (noticed within interval x (n + 1))', String(TUNNEL_KEEPALIVE.countMax))
      .addHelpText('after', '\nExample:\n  $ nohup aibench tunnel up --cluster hpc --remote-port 9091 --local http://127.0.0.1:9091 --remote-port 9090 --local http://127.0.0.1:9090 &')
      .action(async (flags: z.input<typeof UpFlagsSchema>, cmd: Command) => {
        const forwards = tunnelForwards(flags);
        const keepalive = tunnelKeepalive(flags);
        const cluster = await clusterFor(cmd, flags.cluster);
        if (cluster.executor !== 'ssh') throw new UsageError(`Expected an ssh cluster for a tunnel, got ${JSON.stringify(cluster.name)} (executor ${cluster.executor})`);
        await runTunnel({ cluster: cluster.name, ssh: cluster.ssh, forwards, keepalive, statusFile: tunnelStatusPath(cluster.name) }, useStopSignal());
      }),
  );
  tunnel.addCommand(
    new Command('status')
      .description('show whether the tunnel runs, is connected and forwarding, bytes and reconnects')
      .option('--cluster <name>', 'ssh cluster from the config')
      .option('--json', 'print the status as JSON on stdout')
      .addHelpText('after', '\nExample:\n  $ aibench tunnel status --cluster hpc --json | jq .connected')
      .action(async (flags: { cluster?: string; json?: boolean }, cmd: Command) => {
        const cluster = await clusterFor(cmd, flags.cluster);
        const status = await readTunnelStatus(tunnelStatusPath(cluster.name));
        const running = status !== undefined && status.state !== 'stopped' && processAlive(status.pid);
        const out = createOutput({ json: flags.json });
        if (flags.json) return out.dataJson({ cluster: cluster.name, running, ...(status ?? {}), connected: running && Boolean(status?.connected) });
        if (!status || !running) return out.data(`tunnel ${cluster.name}: not running`);
        const forwards = status.forwards.map((f) => `${f.remote} -> ${f.local} (${f.forwarded ? 'forwarded' : 'down'})`).join(', ');
        out.data(`tunnel ${cluster.name}: ${status.state} (pid ${status.pid}), ${forwards}; bytes in ${status.bytesIn} out ${status.bytesOut}; reconnects ${status.reconnects}${status.lastError ? `; last error: ${status.lastError}` : ''}`);
      }),
  );
  tunnel.addCommand(
    new Command('down')
      .description('stop the tunnel started by `tunnel up` (SIGTERM to its recorded pid)')
      .option('--cluster <name>', 'ssh cluster from the config')
      .addHelpText('after', '\nExample:\n  $ aibench tunnel down --cluster hpc')
      .action(async (flags: { cluster?: string }, cmd: Command) => {
        const cluster = await clusterFor(cmd, flags.cluster);
        createOutput().info(await stopTunnel(cluster.name, tunnelStatusPath(cluster.name)));
      }),
  );
  return tunnel;
}

/** The command line of a live process (arguments split), or undefined when it cannot be read. */
export function processArgv(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((a) => a !== '');
  } catch {
    if (process.platform === 'linux') return undefined;
  }
  try { // no /proc (macOS, BSD): ps gives the command line joined by spaces
    const line = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return line === '' ? undefined : line.split(/\s+/);
  } catch {
    return undefined;
  }
}

/** Whether argv is an `aibench ... tunnel up` process (node bin/aibench.js tunnel up, or the aibench binary). */
export function isTunnelProcess(argv: readonly string[]): boolean {
  const tunnel = argv.indexOf('tunnel');
  return tunnel >= 0 && argv.indexOf('up', tunnel + 1) > tunnel && argv.slice(0, tunnel).some((a) => /aibench/i.test(a));
}

interface StopTunnelDeps {
  alive?: (pid: number) => boolean;
  argv?: (pid: number) => string[] | undefined;
  kill?: (pid: number, signal: NodeJS.Signals) => void;
  waitMs?: number;
}

/**
 * `tunnel down`: SIGTERM the recorded pid, but only when that pid is still an `aibench tunnel up`
 * process (a pid is reused after a crash or reboot: never signal an unrelated process). A status
 * file whose pid is something else is stale: it is removed and nothing is signalled.
 */
export async function stopTunnel(cluster: string, statusFile: string, deps: StopTunnelDeps = {}): Promise<string> {
  const alive = deps.alive ?? processAlive;
  const argvOf = deps.argv ?? processArgv;
  const kill = deps.kill ?? ((pid, signal) => void process.kill(pid, signal));
  const waitMs = deps.waitMs ?? 10_000;
  const status = await readTunnelStatus(statusFile);
  if (!status || status.state === 'stopped' || !alive(status.pid)) return `tunnel ${cluster}: not running`;
  const argv = argvOf(status.pid);
  if (argv === undefined || !isTunnelProcess(argv)) {
    await rm(statusFile, { force: true });
    const what = argv === undefined ? 'whose command line cannot be read' : `running ${JSON.stringify(argv.join(' ').slice(0, 120))}`;
    return `tunnel ${cluster}: not running (stale status file ${statusFile} removed: pid ${status.pid} is a process ${what}, not \`aibench tunnel up\`; nothing was signalled)`;
  }
  kill(status.pid, 'SIGTERM');
  for (let waited = 0; waited < waitMs && alive(status.pid); waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (alive(status.pid)) {
    throw new AibenchError(`tunnel ${cluster} (pid ${status.pid}) did not stop within ${waitMs / 1000} s`, { code: 'E_TUNNEL_STOP', hint: `kill ${status.pid}` });
  }
  return `tunnel ${cluster}: stopped (pid ${status.pid})`;
}
