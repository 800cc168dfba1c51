// Read a YAML file for a schema to validate: one place that names the file in read and syntax errors.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ConfigError, errorMessage } from '../errors.js';

/** The parsed YAML of `path`; `what` names the kind of file in errors ("profile", "suite"). */
export async function readYamlFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read ${what} ${path}: ${errorMessage(error)}`, { cause: error });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid YAML: ${errorMessage(error)}`, { cause: error });
  }
  const cycle = cyclePath(value);
  if (cycle !== undefined) throw new ConfigError(`${path}: ${cycle}: a YAML alias refers to a node that contains it (a cycle); expected plain data`);
  return value;
}

/** The path of the first value that contains itself (a cyclic YAML alias), if any. */
export function cyclePath(value: unknown, path = '(root)', open = new Set<object>()): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (open.has(value)) return path;
  open.add(value);
  for (const [key, child] of Object.entries(value)) {
    const found = cyclePath(child, Array.isArray(value) ? `${path}[${key}]` : path === '(root)' ? key : `${path}.${key}`, open);
    if (found !== undefined) return found;
  }
  open.delete(value);
  return undefined;
}
