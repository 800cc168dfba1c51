// Reading a JSON state file aibench wrote itself (the service store, the API's benchmark journal):
// missing is "nothing yet"; unreadable, not JSON or not the expected shape is one error naming the
// file, where it is wrong and how to recover, and the file is never overwritten by the caller.
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import type { AibenchError, AibenchErrorOptions } from '../errors.js';
import { PARSE_ONCE } from './zod-error.js';

interface StateFileSpec<T> {
  /** For messages: "the service store". */
  what: string;
  schema: z.ZodType<T>;
  /** How to recover (move the file aside, ...). */
  hint: string;
  error: (message: string, options: AibenchErrorOptions) => AibenchError;
}

/** The parsed file, or undefined when it does not exist. */
export async function readStateFile<T>(path: string, spec: StateFileSpec<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw spec.error(`Cannot read ${spec.what} ${path}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw spec.error(`${capitalized(spec.what)} ${path} is not valid JSON (truncated or corrupt?): ${(error as Error).message}`, { hint: spec.hint, cause: error });
  }
  const parsed = spec.schema.safeParse(json, PARSE_ONCE);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue !== undefined && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw spec.error(`${capitalized(spec.what)} ${path} is not valid${where}: ${issue?.message ?? 'bad shape'}`, { hint: spec.hint });
  }
  return parsed.data;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
