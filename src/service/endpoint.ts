// Where a service listens and how this client reaches it: endpoint.json on the cluster's shared
// state dir says host:port; the client tries it directly (short TCP connect) and, when the
// compute node is not reachable from here, goes through an SSH local forward over the cluster
// connection instead, transparently.
import { connect } from 'node:net';
import type { Executor } from '../exec/types.js';
import { PARSE_ONCE } from '../config/zod-error.js';
import { EndpointSchema, serviceDir, type ServiceEndpoint } from './record.js';

export const ENDPOINT_FILE = 'endpoint.json';

/** A base URL usable from this process; close() releases a forward if one was opened. */
export interface OpenEndpoint {
  url: string;
  /** True when the URL is a local forward through the cluster connection. */
  forwarded: boolean;
  close(): Promise<void>;
}

/** endpoint.json of a service, or undefined while the job has not written it (or it is unreadable). */
export async function readEndpoint(ex: Executor, stateDir: string, id: string): Promise<ServiceEndpoint | undefined> {
  let text: string;
  try {
    text = await ex.readFile(`${serviceDir(stateDir, id)}/${ENDPOINT_FILE}`);
  } catch {
    return undefined;
  }
  try {
    const parsed = EndpointSchema.safeParse(JSON.parse(text), PARSE_ONCE);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** True when a TCP connection to host:port opens within timeoutMs. */
function canConnect(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const hostInUrl = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** Reach an endpoint directly, else through `ex.forwardOut` (for SSH: a direct-tcpip channel from the login node); `access` forces one way. */
export async function openEndpoint(
  ex: Executor,
  endpoint: Pick<ServiceEndpoint, 'host' | 'port'>,
  options: { directTimeoutMs?: number; probe?: typeof canConnect; access?: 'auto' | 'direct' | 'ssh-forward' } = {},
): Promise<OpenEndpoint> {
  const probe = options.probe ?? canConnect;
  const access = options.access ?? 'auto';
  if (access === 'direct' || (access === 'auto' && (await probe(endpoint.host, endpoint.port, options.directTimeoutMs ?? 1500)))) {
    return { url: `http://${hostInUrl(endpoint.host)}:${endpoint.port}`, forwarded: false, close: async () => undefined };
  }
  const forward = await ex.forwardOut(endpoint.host, endpoint.port);
  return { url: `http://127.0.0.1:${forward.port}`, forwarded: true, close: () => forward.close() };
}
