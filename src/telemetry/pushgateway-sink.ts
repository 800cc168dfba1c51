// The Pushgateway sink: PUT the agent registry's text exposition to its group (replacing the
// group's previous metrics), DELETE the group when the agent stops cleanly. Pushgateway samples
// carry no timestamps: it always gets the latest values and the cumulative counters.
import type { Registry } from 'prom-client';
import { httpRequest, safeUrl } from '../exec/http.js';

/** A URL safe to print: credentials removed (re-exported from the one HTTP helper). */
export { safeUrl };

export interface PushgatewaySink {
  readonly name: 'pushgateway';
  push(): Promise<void>;
  deleteGroup(): Promise<void>;
}

/** PUT/DELETE `baseUrl + groupPath` with a per-request timeout; non-2xx answers throw; user:password@ in the URL becomes Basic auth. */
export function createPushgatewaySink(baseUrl: string, groupPath: string, registry: Registry, timeoutMs = 10_000): PushgatewaySink {
  // Concatenate: a gateway behind a path prefix (https://host/pushgateway) keeps its prefix.
  const url = `${baseUrl.replace(/\/+$/, '')}${groupPath}`;
  const call = async (method: 'PUT' | 'DELETE', body?: string): Promise<void> => {
    await httpRequest(url, {
      method,
      ...(body === undefined ? {} : { body, headers: { 'content-type': registry.contentType } }),
      timeoutMs,
      expectStatus: '2xx',
      label: `Pushgateway ${method}`,
    });
  };
  return {
    name: 'pushgateway',
    push: async () => call('PUT', await registry.metrics()),
    deleteGroup: () => call('DELETE'),
  };
}
