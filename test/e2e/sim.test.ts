// The built `aibench sim` as a service job runs it: ready file, real HTTP, clean exit on SIGTERM.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, tempHome } from '../helpers/run-bin.js';

async function waitForFile(path: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(path)) return readFileSync(path, 'utf8');
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${path} after ${timeoutMs} ms`);
}

describe('aibench sim (built bin)', () => {
  it('writes its ready file, serves the OpenAI API, and exits 0 on SIGTERM', async () => {
    const ready = join(tempHome(), 'ready.json');
    const child = execa(process.execPath, [BIN, 'sim', 'org/model-x', '--port', '0', '--itl-ms', '1', '--ready-file', ready], {
      reject: false,
      env: { FORCE_COLOR: '0' },
    });
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
    const r = await execa(process.execPath, [BIN, 'sim', 'm', '--itl-ms', '-5'], { reject: false, env: { FORCE_COLOR: '0' } });
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toMatch(/--itl-ms/);
  });
});
