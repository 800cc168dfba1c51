// Endpoint reachability: direct when the node answers, else an executor forward, transparently.
import { describe, expect, it } from 'vitest';
import type { Executor } from '../../../src/exec/types.js';
import { openEndpoint } from '../../../src/service/endpoint.js';

function fakeExecutor(calls: string[]): Executor {
  return {
    kind: 'ssh', label: 'fake',
    forwardOut: async (host: string, port: number) => {
      calls.push(`${host}:${port}`);
      return { port: 45555, close: async () => void calls.push('closed') };
    },
  } as unknown as Executor;
}

describe('openEndpoint', () => {
  it('uses host:port directly when it connects', async () => {
    const calls: string[] = [];
    const open = await openEndpoint(fakeExecutor(calls), { host: 'node1', port: 8000 }, { probe: async () => true });
    expect(open).toMatchObject({ url: 'http://node1:8000', forwarded: false });
    expect(calls).toEqual([]);
  });

  it('falls back to forwardOut when the node is unreachable, and close() releases the forward', async () => {
    const calls: string[] = [];
    const open = await openEndpoint(fakeExecutor(calls), { host: 'node1', port: 8000 }, { probe: async () => false });
    expect(open).toMatchObject({ url: 'http://127.0.0.1:45555', forwarded: true });
    await open.close();
    expect(calls).toEqual(['node1:8000', 'closed']);
  });
});
