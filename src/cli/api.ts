// `aibench api serve`: the control API the Grafana forms post to. parse -> validate -> start the
// server over the real core -> wait for Ctrl-C / SIGTERM -> close cleanly and exit 0 (a signal is
// a server's normal stop; see useStopSignal).
import { Command } from 'commander';
import { createClusterCore } from '../api/cluster-core.js';
import { DEFAULT_LISTEN } from '../api/listen.js';
import { createApiLogger } from '../api/log.js';
import { startApiServer } from '../api/server.js';
import { queueCall } from '../api/queue-client.js';
import { createOutput } from '../report/output.js';
import { renderTable } from '../report/table.js';
import { resolveCluster } from '../config/cluster.js';
import { configFor, useStopSignal } from './context.js';

interface ServeFlags {
  listen: string;
  tokenFile?: string;
  corsOrigin?: string[];
  jsonLogs?: boolean;
  insecureLocal?: boolean;
  cluster?: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The `api` command group. */
export function buildApiCommand(): Command {
  const api = new Command('api').description('HTTP control API for dashboards and tools: start services and benchmarks');
  api.addCommand(
    new Command('serve')
      .description('serve the control API until Ctrl-C / SIGTERM (every /api call needs the Bearer token)')
      .option('--listen <host:port>', 'address to listen on', DEFAULT_LISTEN)
      .option('--token-file <file>', 'file holding the Bearer token, mode 0600')
      .option('--cors-origin <url>', 'origin allowed to call from a browser, e.g. https://grafana.example (repeatable)', collect)
      .option('--json-logs', 'one JSON log line per request on stderr')
      .option('--insecure-local', 'allow no token, only on a loopback address (for a local test)')
      .option('--cluster <name>', 'cluster for services started without one (default: default_cluster or local)')
      .addHelpText('after', '\nExample:\n  $ aibench api serve --listen 127.0.0.1:8787 --token-file ~/.config/aibench/api-token --cors-origin https://grafana.example')
      .action(async (flags: ServeFlags, cmd: Command) => {
        const { config } = await configFor(cmd);
        if (flags.cluster !== undefined) resolveCluster(config, flags.cluster); // unknown name: usage error now, not per request
        const logger = createApiLogger(Boolean(flags.jsonLogs));
        const core = await createClusterCore({ config, cluster: flags.cluster, log: (msg, fields) => logger.info(msg, fields) });
        const signal = useStopSignal();
        const server = await startApiServer({
          listen: flags.listen, tokenFile: flags.tokenFile, insecureLocal: flags.insecureLocal, corsOrigins: flags.corsOrigin ?? [], jsonLogs: flags.jsonLogs, core,
        }).catch(async (error: unknown) => {
          await core.close();
          throw error;
        });
        await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
        logger.info('stopping: new requests refused; running benchmarks cancelled and saved, queued ones kept for the next start; services keep running');
        await server.close();
        await core.close();
      }),
  );
  api.addCommand(buildQueueCommand());
  return api;
}

interface QueueFlags {
  url: string;
  tokenFile?: string;
  json?: boolean;
}

// `aibench api queue pause|resume TIER` and `queue status`: hold the nightly bulk while a person works.
function buildQueueCommand(): Command {
  const queue = new Command('queue').description("a running API server's dispatcher: pause or resume a tier, show depth, paused tiers and waits");
  const common = (cmd: Command) => cmd
    .option('--url <url>', 'the API server', `http://${DEFAULT_LISTEN}`)
    .option('--token-file <file>', 'file holding the Bearer token, mode 0600')
    .option('--json', 'print the queue state as one JSON document on stdout');
  const act = (action: 'status' | 'pause' | 'resume') => async (...args: unknown[]) => {
    const tier = action === 'status' ? undefined : (args[0] as string);
    const flags = (action === 'status' ? args[0] : args[1]) as QueueFlags;
    const output = createOutput({ json: flags.json });
    const state = await queueCall({ url: flags.url, ...(flags.tokenFile ? { tokenFile: flags.tokenFile } : {}) }, action, tier);
    if (flags.json) return output.dataJson(state);
    const rows = Object.entries(state.depth).map(([t, n]) => {
      const w = state.waits[t as keyof typeof state.waits];
      return [t, n, state.paused.includes(t as never) ? 'paused' : 'running', w?.count ?? 0, w?.mean_s, w?.max_s];
    });
    output.info(renderTable(['tier', 'queued', 'state', 'started', 'mean wait s', 'max wait s'], rows));
  };
  for (const action of ['pause', 'resume'] as const) {
    queue.addCommand(common(new Command(action).argument('<tier>', 'immediate, interactive, preload or background (any case)'))
      .description(action === 'pause' ? 'hold a tier: its benchmarks stay queued (and journaled) until resumed; running ones go on' : 'let a paused tier run again')
      .addHelpText('after', `\nExample:\n  $ aibench api queue ${action} BACKGROUND --token-file ~/.config/aibench/api-token`)
      .action(act(action)));
  }
  queue.addCommand(common(new Command('status')).description('queued work per tier, paused tiers and how long work waited').action(act('status')));
  return queue;
}
