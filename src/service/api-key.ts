// The service's API key lives in a 0600 file ON THE CLUSTER: the job exports it as VLLM_API_KEY,
// and this client reads it through the executor to send it as Bearer. It is never in argv, the
// script, the store or an error message.
import { UsageError } from '../errors.js';
import { checkSecretFile } from '../exec/secret-file.js';
import type { Executor } from '../exec/types.js';

/** Refuse a key file that is missing, empty, or readable by group or others (checked on the cluster). */
export async function checkApiKeyFile(ex: Executor, file: string): Promise<void> {
  // Absolute: the client reads it too, through the executor, where `~` means nothing.
  if (!file.startsWith('/') || /[\n\r\0]/.test(file)) {
    throw new UsageError(`--api-key-file: expected an absolute path on the cluster, got ${JSON.stringify(file)}`);
  }
  await checkSecretFile(ex, file, '--api-key-file');
}

/** The key from the cluster-side file (trimmed), or undefined when the service has none. */
export async function readServiceApiKey(ex: Executor, file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  const key = (await ex.readFile(file)).trim();
  return key === '' ? undefined : key;
}
