// The Pushgateway sink: PUT the agent registry's text exposition to its group (replacing the
// group's previous metrics), DELETE the group when the agent stops cleanly. Pushgateway samples
// carry no timestamps: it always gets the latest values and the cumulative counters.
import { request } from 'undici';
import type { Registry } from 'prom-client';

export interface PushgatewaySink {
  readonly name: 'pushgateway';
  push(): Promise<void>;
  deleteGroup(): Promise<void>;
}

/** A URL safe to print: credentials removed. */
export function safeUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

/** PUT/DELETE `baseUrl + groupPath` with a per-request timeout; non-2xx answers throw. */
export function createPushgatewaySink(baseUrl: string, groupPath: string, registry: Registry, timeoutMs = 10_000): PushgatewaySink {
  // Concatenate: a gateway behind a path prefix (https://host/pushgateway) keeps its prefix.
  const url = `${baseUrl.replace(/\/+$/, '')}${groupPath}`;
  const call = async (method: 'PUT' | 'DELETE', body?: string): Promise<void> => {
    const r = await request(url, {
      method,
      ...(body === undefined ? {} : { body, headers: { 'content-type': registry.contentType } }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await r.body.text();
    if (r.statusCode < 200 || r.statusCode >= 300) {
      throw new Error(`Pushgateway ${method} ${safeUrl(url)}: expected 2xx, got ${r.statusCode} ${text.trim().slice(0, 200)}`);
    }
  };
  return {
    name: 'pushgateway',
    push: async () => call('PUT', await registry.metrics()),
    deleteGroup: () => call('DELETE'),
  };
}
