// Port forwards over an ssh2 connection: forwardOut (local port -> direct-tcpip channel) and
// forwardIn (sshd listens remotely -> we connect each arrival to a local port).
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Client, ClientChannel, TcpConnectionDetails } from 'ssh2';
import { SshError } from '../errors.js';
import type { Forward } from './types.js';

/** Listen on 127.0.0.1:0; each accepted socket is piped into a channel opened by `open`. */
export async function listenAndForward(open: (srcPort: number) => Promise<Duplex>): Promise<Forward> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    track(sockets, client);
    open(client.remotePort ?? 0).then(
      (stream) => splice(client, stream),
      () => client.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return { port: (server.address() as AddressInfo).port, close };
}

/** ssh2 forwardIn; Forward.port is the port sshd bound (chosen by sshd when bindPort is 0). */
export async function reverseForward(client: Client, label: string, bindAddr: string, bindPort: number, localHost: string, localPort: number): Promise<Forward> {
  const port = await new Promise<number>((resolve, reject) => {
    client.forwardIn(bindAddr, bindPort, (error, bound) => (error ? reject(error) : resolve(bound || bindPort)));
  }).catch((cause: unknown) => {
    throw new SshError(`sshd on ${label} refused to listen on ${bindAddr}:${bindPort}`, {
      code: 'E_SSH_FORWARD',
      hint: 'The port may be in use, or sshd forbids it (AllowTcpForwarding; GatewayPorts for non-loopback addresses).',
      cause,
    });
  });
  const sockets = new Set<Socket>();
  // Match on the port only: sshd may spell the bind address differently ('' vs 0.0.0.0, localhost).
  const onTcp = (info: TcpConnectionDetails, accept: () => ClientChannel, reject: () => void): void => {
    if (info.destPort !== port) return;
    const local = createConnection({ host: localHost, port: localPort });
    track(sockets, local);
    local.once('error', () => reject());
    local.once('connect', () => splice(local, accept()));
  };
  client.on('tcp connection', onTcp);
  const close = async (): Promise<void> => {
    client.off('tcp connection', onTcp);
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => {
      try {
        client.unforwardIn(bindAddr, port, () => resolve());
      } catch {
        resolve(); // the connection is already gone, and the listener with it
      }
    });
  };
  return { port, close };
}

// Pipe both ways; either side failing or closing tears down the other.
function splice(socket: Socket, stream: Duplex): void {
  stream.on('error', () => socket.destroy());
  stream.on('close', () => socket.destroy());
  socket.on('close', () => stream.destroy());
  socket.pipe(stream).pipe(socket);
}

function track(set: Set<Socket>, socket: Socket): void {
  set.add(socket);
  socket.on('close', () => set.delete(socket));
  socket.on('error', () => socket.destroy());
}
