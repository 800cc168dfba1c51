// The built `aibench sim` as a service job runs it: ready file, real HTTP, clean exit on SIGTERM,
// and an event loop that a huge prompt cannot block.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/common/rng.js';
import { sleep } from '../../src/common/sleep.js';
import { poll } from '../helpers/poll.js';
import { runBin, startBin, tempHome } from '../helpers/run-bin.js';

/** The ready file's contents once `aibench sim` wrote it. */
function waitForFile(path: string, timeoutMs: number): Promise<string> {
  return poll(`the ready file ${path}`, async () => (existsSync(path) ? readFileSync(path, 'utf8') : undefined), timeoutMs);
}

describe('aibench sim (built bin)', () => {
  it('writes its ready file, serves the OpenAI API, and exits 0 on SIGTERM', async () => {
    const ready = join(tempHome(), 'ready.json');
    const child = startBin(['sim', 'org/model-x', '--port', '0', '--itl-ms', '1', '--ready-file', ready]);
    const { port, pid } = JSON.parse(await waitForFile(ready, 20_000)) as { port: number; pid: number };
    expect(pid).toBe(child.pid);
    const models = (await (await fetch(`http://127.0.0.1:${port}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['org/model-x']);
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(String(result.stderr)).toContain(`serving org/model-x on http://127.0.0.1:${port}`);
  });

  it('refuses a bad flag value with exit 2 naming the flag', async () => {
    const r = await runBin(['sim', 'm', '--itl-ms', '-5']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toMatch(/--itl-ms/);
  });

  // The simulator runs as its own process here: a blocked event loop must not also block the test.
  it('a 2 MB prompt without whitespace does not block /health: counting its tokens yields to other clients', async () => {
    const ready = join(tempHome(), 'ready.json');
    const child = startBin(['sim', 'org/model-x', '--port', '0', '--ready-file', ready]);
    try {
      const { port } = JSON.parse(await waitForFile(ready, 20_000)) as { port: number };
      const url = `http://127.0.0.1:${port}`;
      const rng = createRng(14);
      const prompt = Array.from({ length: 2_000_000 }, () => String.fromCharCode(97 + Math.floor(rng() * 26))).join('');
      let done = false;
      const big = fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt, max_tokens: 1 }) })
        .then(async (r) => ({ status: r.status, body: (await r.json()) as { error: { message: string } } }))
        .finally(() => (done = true));
      big.catch(() => undefined); // awaited below; a failed poll must not leave it unhandled
      // Poll /health for as long as the big request is being counted. Before the fix one BPE run
      // over the whole prompt held the event loop for minutes, and this request never came back.
      let answered = 0;
      while (!done) {
        const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(15_000) });
        expect(health.status).toBe(200);
        answered += 1;
        await sleep(50);
      }
      expect(answered).toBeGreaterThan(0);
      const { status, body } = await big;
      expect(status).toBe(400); // far past the context: counted, then refused with the count
      expect(body.error.message).toMatch(/maximum context length is 4096 tokens. However, you requested \d{6,} tokens/);
    } finally {
      child.kill('SIGTERM');
      await child;
    }
  }, 120_000);
});
