// The built `aibench api serve`: it listens, a second server on the same state dir is refused
// (exit 4, naming the holder: one server per benchmark journal), SIGTERM stops it with exit 0,
// and the next server starts on the same journal; after kill -9 the next one starts at once.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import { describe, expect, it } from 'vitest';
import { runBin, startBin, tempHome } from '../helpers/run-bin.js';


/** Start the server and resolve with its URL once it logs that it listens. */
async function serve(home: string): Promise<{ child: ResultPromise; url: string }> {
  const child = startBin(['api', 'serve', '--listen', '127.0.0.1:0', '--insecure-local'], { home, timeoutMs: 0 });
  let seen = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`api serve did not listen within 30 s: ${seen}`)), 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const found = /listening on (http:\/\/\S+)/.exec(seen);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    void child.then((r) => reject(new Error(`api serve exited ${r.exitCode}: ${seen}`)));
  });
  return { child, url };
}

describe('aibench api serve (built bin)', () => {
  it('one server per state dir: the second exits 4 naming the first; SIGTERM exits 0 and frees the journal', async () => {
    const home = tempHome();
    const first = await serve(home);
    expect((await (await fetch(`${first.url}/health`)).json())).toMatchObject({ status: 'ok' });
    expect(await (await fetch(`${first.url}/api/benchmarks`)).json()).toEqual([]);

    const second = await runBin(['api', 'serve', '--listen', '127.0.0.1:0', '--insecure-local'], { home });
    expect(second.exitCode).toBe(4);
    expect(second.stderr).toContain(`Another aibench api serve uses the benchmark journal ${join(home, '.local/state/aibench/api/benchmarks.json')} (pid ${first.child.pid} on `);
    expect(second.stderr).not.toMatch(/\n\s+at /); // no stack trace

    first.child.kill('SIGTERM');
    expect((await first.child).exitCode).toBe(0);
    const third = await serve(home);
    third.child.kill('SIGTERM');
    expect((await third.child).exitCode).toBe(0);
  });

  it('after kill -9 the next server starts at once: the dead holder of the journal lock is taken over', async () => {
    const home = tempHome();
    const lock = join(home, '.local/state/aibench/api/benchmarks.json.owner.lock');
    const first = await serve(home);
    first.child.kill('SIGKILL');
    expect((await first.child).signal).toBe('SIGKILL');
    expect(existsSync(lock)).toBe(true); // nothing cleans up after SIGKILL

    const second = await serve(home);
    expect(await (await fetch(`${second.url}/api/benchmarks`)).json()).toEqual([]);
    const third = await runBin(['api', 'serve', '--listen', '127.0.0.1:0', '--insecure-local'], { home });
    expect(third.exitCode).toBe(4); // the new holder is alive: refused as before
    expect(third.stderr).toContain(`(pid ${second.child.pid} on `);
    second.child.kill('SIGTERM');
    expect((await second.child).exitCode).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });
});
