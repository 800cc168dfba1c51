// Answers given before the full program and the schemas load: `aibench --version`, `aibench --help`
// (the root program alone), and a cached `aibench [--config F] service models ID [--json] [-q]`,
// which scripts call in loops and which should cost little more than Node's own start-up (about
// 1.1x here, against 2.5x through the full program: commander, yaml and zod are most of it).
//
// Every file read here is one aibench wrote itself, and each is taken only as the full path would
// take it: the config only as remembered *validated* for exactly this file text and aibench version
// (config/validated-cache.ts), the service's current job id from the store, and a model list for
// that job within the TTL (service/models-entry.ts). Anything else (another flag, an edited or
// never-validated config, an unknown service, no fresh list) answers undefined and the full
// program runs, with its own validation and errors.
//
// bin/aibench.js runs this first, bundled alone as CommonJS (dist/bundle/fast.cjs), so neither the
// ES module loader nor the full program starts for these answers. It holds only the command-line
// check; what answers loads once the command line is known to be a fast-path case (fast-answer.ts).
import { SERVICE_ID } from '../service/id.js';
import { endQuietlyOnClosedPipe } from './closed-pipe.js';

export interface ModelsRequest {
  config: string | undefined;
  id: string;
  json: boolean;
  quiet: boolean;
}

/** `[--config F | --config=F] [--debug] service models ID [--json] [-q|--quiet]`, and nothing else. */
export function cachedModelsRequest(argv: readonly string[]): ModelsRequest | undefined {
  const args = argv.slice(2);
  let config: string | undefined;
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--config' && i + 1 < args.length) config = args[++i];
    else if (arg.startsWith('--config=')) config = arg.slice('--config='.length);
    else if (arg !== '--debug') break;
  }
  if (args[i] !== 'service' || args[i + 1] !== 'models') return undefined;
  let id: string | undefined;
  let json = false;
  let quiet = false;
  for (const arg of args.slice(i + 2)) {
    if (arg === '--json') json = true;
    else if (arg === '-q' || arg === '--quiet') quiet = true;
    else if (id === undefined && !arg.startsWith('-')) id = arg;
    else return undefined;
  }
  return id !== undefined && SERVICE_ID.test(id) ? { config, id, json, quiet } : undefined;
}

/** Answer argv here when it is a fast-path case: the exit code, or undefined to run the full program. */
export async function answerFast(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, now: number = Date.now()): Promise<number | undefined> {
  const only = argv.length === 3 ? argv[2] : undefined;
  if (only === '--help' || only === '-h') {
    endQuietlyOnClosedPipe();
    // The full program's own root, without any command group: the same help text.
    const { rootProgram } = await import('./root-program.js');
    (await rootProgram()).outputHelp();
    return 0;
  }
  const version = only === '--version' || only === '-V';
  const request = version ? undefined : cachedModelsRequest(argv);
  if (!version && request === undefined) return undefined;
  endQuietlyOnClosedPipe();
  const answers = await import('./fast-answer.js');
  return request === undefined ? answers.printVersion() : answers.answerCachedModels(request, env, now);
}
