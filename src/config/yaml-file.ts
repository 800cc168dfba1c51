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
  try {
    return parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid YAML: ${errorMessage(error)}`, { cause: error });
  }
}
