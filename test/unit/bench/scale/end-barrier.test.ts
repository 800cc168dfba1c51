// The scraping share's wait at the end of a measured phase: its final scrape must come after every
// other share's last request (or once a share is known gone), or the server's counts fall short
// of the client's. Real files in a temp run dir; a real exited process for the dead share.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { endBarrier } from '../../../../src/bench/scale/exec-share.js';
import { measuredFile, readyFile, summaryFile } from '../../../../src/bench/scale/run-dir.js';

const runDir = () => mkdtempSync(join(tmpdir(), 'aibench-end-barrier-'));
const never = new AbortController().signal;

/** The barrier's promise and whether it has settled yet. */
function track(p: Promise<void>): { done: () => boolean; promise: Promise<void> } {
  let settled = false;
  const promise = p.then(() => void (settled = true));
  return { done: () => settled, promise };
}

describe('endBarrier', () => {
  it('the scraping share waits until the others say their measured phase ended', async () => {
    const dir = runDir();
    const wait = track(endBarrier(dir, 0, 0, 3, true, 1000, never));
    writeFileSync(join(dir, measuredFile(0, 1)), '{}');
    await new Promise((r) => setTimeout(r, 300));
    expect(wait.done()).toBe(false); // share 2 is still measuring
    expect(existsSync(join(dir, measuredFile(0, 0)))).toBe(true);
    writeFileSync(join(dir, measuredFile(0, 2)), '{}');
    await wait.promise;
    expect(wait.done()).toBe(true);
  });

  it('a share that wrote its summary, or whose process on this host has exited, is not waited for', async () => {
    const dir = runDir();
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dir, readyFile(0, 1)), JSON.stringify({ share: 1, node: hostname(), pid: exited, at: Date.now() }));
    writeFileSync(join(dir, summaryFile(2)), '{}');
    await endBarrier(dir, 0, 0, 3, true, 1000, never);
  });

  it('a live share on this host is waited for; a share that does not scrape only says it is done', async () => {
    const dir = runDir();
    writeFileSync(join(dir, readyFile(0, 1)), JSON.stringify({ share: 1, node: hostname(), pid: process.pid, at: Date.now() }));
    const wait = track(endBarrier(dir, 0, 0, 2, true, 1000, never));
    await endBarrier(dir, 0, 1, 2, false, 1000, never); // share 1 itself: writes its marker and returns
    await wait.promise;
    expect(existsSync(join(dir, measuredFile(0, 1)))).toBe(true);
  });

  it('a stopped run does not wait', async () => {
    const dir = runDir();
    const stop = new AbortController();
    const wait = track(endBarrier(dir, 0, 0, 2, true, 1000, stop.signal));
    stop.abort();
    await wait.promise;
    expect(existsSync(join(dir, measuredFile(0, 1)))).toBe(false);
  });
});
