// The operator's side of queue truth: ask a running `aibench api serve` to pause or resume a tier,
// or for its queue state, through the one HTTP helper. An error answer is shown as the API wrote it.
import { httpRequest } from '../exec/http.js';
import { AibenchError, UsageError } from '../errors.js';
import { readTokenFile } from './auth.js';
import type { QueueState } from './control-core.js';

interface QueueClientOptions {
  /** The API's base URL, e.g. http://127.0.0.1:8787. */
  url: string;
  /** A 0600 file holding the Bearer token (absent: none, for an --insecure-local server). */
  tokenFile?: string;
}

/** GET /api/queue, or POST /api/queue/{tier}/{pause|resume}; the queue state after it. */
export async function queueCall(options: QueueClientOptions, action: 'status' | 'pause' | 'resume', tier?: string): Promise<QueueState> {
  const token = options.tokenFile === undefined ? undefined : await readTokenFile(options.tokenFile);
  const base = options.url.replace(/\/+$/, '');
  const path = action === 'status' ? '/api/queue' : `/api/queue/${encodeURIComponent(tier ?? '')}/${action}`;
  const res = await httpRequest(`${base}${path}`, {
    method: action === 'status' ? 'GET' : 'POST', label: 'api', headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  const body = (await res.json()) as QueueState & { error?: string };
  if (res.status === 200) return body;
  // The server's own status says what it was: 400 a bad tier name (usage), 401 a missing or wrong token.
  const message = `${action}${tier ? ` ${tier}` : ''}: the API answered ${res.status}: ${body.error ?? 'no reason given'}`;
  if (res.status === 400) throw new UsageError(message);
  throw new AibenchError(message, { code: 'E_API', hint: res.status === 401 ? "pass the server's token with --token-file" : undefined });
}
