// Load the config: --config FILE, else $AIBENCH_CONFIG, else the XDG default file, else the
// built-in default (one `local` cluster). Every problem is one ConfigError naming the file,
// the key path and the bad value.
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { chooseConfigPath, type ConfigSource } from './paths.js';
import { ConfigSchema, type Config } from './schema.js';
import { configKey } from './validated-cache.js';
import { formatZodIssues, PARSE_ONCE } from './zod-error.js';

export interface LoadedConfig {
  config: Config;
  /** The file it came from; undefined for the built-in default. */
  path: string | undefined;
  /** How the path was chosen. */
  source: ConfigSource;
  /** What the config was made from (validated-cache.ts). */
  key: string;
}

/** Parse and validate config text; `label` names the file in errors. */
export function parseConfigText(text: string, label: string): Config {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    throw new ConfigError(`${label}: invalid YAML: ${first.message.split('\n')[0]}`, {
      hint: 'Fix the YAML syntax at the line shown.',
    });
  }
  const raw: unknown = doc.toJS() ?? {};
  const parsed = ConfigSchema.safeParse(raw, { ...PARSE_ONCE, reportInput: true });
  if (!parsed.success) {
    const lines = formatZodIssues(parsed.error);
    throw new ConfigError(`${label}: ${lines.join(`\n${label}: `)}`, {
      hint: 'See `aibench config init` for a commented example of every key.',
    });
  }
  return parsed.data;
}

/** Load the effective config. A file named by flag or env must exist; the default file may not. */
export async function loadConfig(flag?: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const choice = chooseConfigPath(flag, env);
  let text: string;
  try {
    text = await readFile(choice.path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !choice.required) {
      return { config: ConfigSchema.parse({}), path: undefined, source: 'built-in', key: configKey(choice.path, null) };
    }
    const how = choice.source === 'flag' ? '--config' : choice.source === 'env' ? 'AIBENCH_CONFIG' : 'default';
    throw new ConfigError(`${choice.path}: cannot read config file (${code ?? 'error'}), named by ${how}`, {
      hint: code === 'ENOENT' ? 'Create it with `aibench config init`, or fix the path.' : 'Check the file permissions.',
      cause: error,
    });
  }
  return { config: parseConfigText(text, choice.path), path: choice.path, source: choice.source, key: configKey(choice.path, text) };
}
