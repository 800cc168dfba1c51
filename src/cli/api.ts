// `aibench api serve`: the control API the Grafana forms post to. parse -> validate -> start the
// server over the real core -> wait for Ctrl-C / SIGTERM -> close cleanly and exit 0 (a signal is
// a server's normal stop; see useStopSignal).
import { Command } from 'commander';
import { createClusterCore } from '../api/cluster-core.js';
import { DEFAULT_LISTEN } from '../api/listen.js';
import { createApiLogger } from '../api/log.js';
import { startApiServer } from '../api/server.js';
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
  return api;
}
