// Process-wide CLI state shared by command modules: global options and the interrupt signal.
import type { Command } from 'commander';
import type { LoadedConfig } from '../config/load.js';
import type { ResolvedCluster } from '../config/schema.js';
import { createExecutor } from '../exec/create.js';
import type { Executor } from '../exec/types.js';

interface GlobalOptions {
  config?: string;
  debug?: boolean;
}

const interrupt = new AbortController();
let installed = false;

/**
 * Opt in to clean interruption: the first Ctrl-C / SIGTERM aborts the returned signal (the
 * command stops cleanly and main exits 130), a second one exits at once. Commands that never
 * call this keep Node's default: Ctrl-C kills them immediately.
 */
export function useInterrupt(): AbortSignal {
  if (installed) return interrupt.signal;
  installed = true;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupt.signal.aborted) {
      process.stderr.write(`\n${signal} again: exiting now\n`);
      process.exit(130);
    }
    process.stderr.write(`\n${signal}: stopping cleanly (press Ctrl-C again to force)\n`);
    interrupt.abort(new Error(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return interrupt.signal;
}

let stopIsSuccess = false;

/**
 * For servers (`api serve`, `tunnel up`, `telemetry agent`): a signal is their normal way to stop,
 * so after a clean shutdown they exit 0 (as systemd expects), not 130.
 */
export function useStopSignal(): AbortSignal {
  stopIsSuccess = true;
  return useInterrupt();
}

/** The error an interrupted command's operations end with (its message is the signal's name). */
export function interruptReason(): unknown {
  return interrupt.signal.reason;
}

/** True once an opted-in command was interrupted (and the interruption is not its normal stop). */
export function wasInterrupted(): boolean {
  return interrupt.signal.aborted && !stopIsSuccess;
}

/** The root program's options, from any subcommand. */
export function globalOptions(cmd: Command): GlobalOptions {
  let root = cmd;
  while (root.parent) root = root.parent;
  return root.opts<GlobalOptions>();
}

/**
 * Load the config named by --config / AIBENCH_CONFIG / the default path (yaml and zod load only
 * here, not for --help), and remember it as validated for the start-up fast path.
 */
export async function configFor(cmd: Command): Promise<LoadedConfig> {
  const [{ loadConfig }, { rememberValidatedConfig }] = await Promise.all([import('../config/load.js'), import('../config/validated-cache.js')]);
  const loaded = await loadConfig(globalOptions(cmd).config);
  await rememberValidatedConfig(loaded.key, loaded.config);
  return loaded;
}

/** Load the config and pick a cluster (--cluster or the default). */
export async function clusterFor(cmd: Command, name: string | undefined): Promise<ResolvedCluster> {
  const [loaded, { resolveCluster }] = await Promise.all([configFor(cmd), import('../config/cluster.js')]);
  return resolveCluster(loaded.config, name);
}

/** Resolve the cluster, open its executor, run `fn`, always close the executor. */
export async function onCluster<T>(cmd: Command, name: string | undefined, fn: (ex: Executor, cluster: ResolvedCluster) => Promise<T>): Promise<T> {
  const cluster = await clusterFor(cmd, name);
  const ex = await createExecutor(cluster);
  try {
    return await fn(ex, cluster);
  } finally {
    await ex.close();
  }
}
