// The benchmark client for a service group: one undici Pool per replica (the one client setup,
// client.ts), a picker choosing each request's replica, and the replica's id written on the
// record, so results can be cut per replica next to the whole.
import { createBenchClient, type BenchClient, type BenchClientOptions } from './client.js';
import { createPicker, type Balance } from './replica-picker.js';

export interface ReplicaTarget {
  id: string;
  url: string;
}

/** One client over every replica; with a single plain URL, the plain client. */
export function openBenchClient(options: BenchClientOptions & { replicas?: readonly ReplicaTarget[] | undefined; balance?: Balance | undefined }): BenchClient {
  const { replicas, balance, ...plain } = options;
  if (replicas === undefined || replicas.length === 0) return createBenchClient(plain);
  // Each pool may have to carry the whole load (least-outstanding sends where it is free); undici opens sockets only as needed.
  const clients = replicas.map((r) => createBenchClient({ ...plain, url: r.url }));
  const outstanding = replicas.map(() => 0);
  const picker = createPicker(replicas.length, balance);
  return {
    origin: clients[0]!.origin,
    async send(request, signal) {
      const i = picker.pick(outstanding);
      outstanding[i]! += 1;
      try {
        const record = await clients[i]!.send(request, signal);
        return { ...record, replica: replicas[i]!.id };
      } finally {
        outstanding[i]! -= 1;
      }
    },
    getJson: (path, timeoutMs) => clients[0]!.getJson(path, timeoutMs),
    close: async () => void (await Promise.all(clients.map((c) => c.close()))),
  };
}
