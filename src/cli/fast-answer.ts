// What answers a fast-path command line (fast-path.ts decides which): the version, and a cached
// `service models` from the files the full program wrote.
import { readFile } from 'node:fs/promises';
import { chooseConfigPath, serviceStorePath } from '../config/paths.js';
import { configKey, validatedConfig } from '../config/validated-cache.js';
import { createOutput } from '../report/output.js';
import { defaultModelsCacheDir, isFreshEntry, modelsAnswer, readModelsEntry, type ModelsAnswer } from '../service/models-entry.js';
import { VERSION } from '../version.js';
import type { ModelsRequest } from './fast-path.js';
import { printModelsAnswer } from './models-answer.js';

/** `--version` as commander prints it. */
export function printVersion(): number {
  process.stdout.write(`${VERSION}\n`);
  return 0;
}

const readText = (path: string) => readFile(path, 'utf8');
const readJson = async (path: string): Promise<unknown> => JSON.parse(await readText(path));

/** The config text at the chosen path, null for an absent default file (the built-in config), undefined when unreadable. */
async function configText(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<{ path: string; text: string | null } | undefined> {
  const choice = chooseConfigPath(flag, env);
  try {
    return { path: choice.path, text: await readText(choice.path) };
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' && !choice.required ? { path: choice.path, text: null } : undefined;
  }
}

/** The job id the store holds for this service (store format version 1), if any. */
async function storedJobId(id: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const store = (await readJson(serviceStorePath(env))) as { version?: unknown; services?: Record<string, { job_id?: unknown }> } | null;
  if (store?.version !== 1 || typeof store.services !== 'object' || store.services === null || !Object.hasOwn(store.services, id)) return undefined;
  const jobId = store.services[id]?.job_id;
  return typeof jobId === 'string' ? jobId : undefined;
}

/** The answer the full program would give from its disk cache, or undefined when this is not that simple case. */
async function freshCachedAnswer(request: ModelsRequest, env: NodeJS.ProcessEnv, now: number): Promise<ModelsAnswer | undefined> {
  const source = await configText(request.config, env);
  if (source === undefined) return undefined;
  const config = await validatedConfig(configKey(source.path, source.text), env);
  if (typeof config?.models_cache_ttl_s !== 'number') return undefined;
  const jobId = await storedJobId(request.id, env);
  if (jobId === undefined) return undefined;
  const entry = await readModelsEntry(defaultModelsCacheDir(env), request.id);
  if (entry?.job_id !== jobId || !isFreshEntry(entry, config.models_cache_ttl_s * 1000, now)) return undefined;
  return modelsAnswer(entry, { cached: true, stale: false, source: 'disk' });
}

/** Print the cached answer and return 0, or undefined (nothing printed) when it is not there to give. */
export async function answerCachedModels(request: ModelsRequest, env: NodeJS.ProcessEnv, now: number): Promise<number | undefined> {
  const answer = await freshCachedAnswer(request, env, now).catch(() => undefined);
  if (answer === undefined) return undefined;
  printModelsAnswer(createOutput({ json: request.json, quiet: request.quiet }, env), request.id, answer);
  return 0;
}
