// A minimal TCP relay: listen on one address, connect each client to a target. The local
// executor uses it for forwardOut/forwardIn so callers see the same Forward contract as over SSH.
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import type { Forward } from './types.js';

/** Listen on listenHost:listenPort (0 = any free port) and relay every connection to target. */
export async function startTcpProxy(
  listenHost: string,
  listenPort: number,
  targetHost: string,
  targetPort: number,
  /** Called with the byte count of every chunk relayed: 'in' towards the target, 'out' back. */
  onBytes?: (direction: 'in' | 'out', bytes: number) => void,
): Promise<Forward> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: targetHost, port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    if (onBytes) {
      client.on('data', (chunk: Buffer) => onBytes('in', chunk.length));
      upstream.on('data', (chunk: Buffer) => onBytes('out', chunk.length));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, listenHost, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
