// Controllable tasks for dispatcher tests: each one runs until the test settles it.
import type { DispatchTask } from '../../../src/dispatch/dispatcher.js';

export interface Gate {
  task: DispatchTask<string>;
  started: boolean;
  signal?: AbortSignal;
  resolve(): void;
  reject(error?: unknown): void;
}

/** A task that records its start and waits for resolve()/reject(). */
export function gate(name: string, log: string[] = []): Gate {
  let settle: { resolve: (v: string) => void; reject: (e: unknown) => void } | undefined;
  const pending: Array<() => void> = [];
  const g: Gate = {
    started: false,
    task: ({ signal }) =>
      new Promise<string>((resolve, reject) => {
        g.started = true;
        g.signal = signal;
        log.push(name);
        settle = { resolve, reject };
        for (const f of pending.splice(0)) f();
      }),
    resolve: () => (settle ? settle.resolve(name) : pending.push(() => settle?.resolve(name))),
    reject: (error = new Error(`${name} failed`)) => (settle ? settle.reject(error) : pending.push(() => settle?.reject(error))),
  };
  return g;
}

/** Let promise callbacks and p-queue's microtasks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
