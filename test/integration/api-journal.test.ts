// The control API's benchmark journal across server restarts, with the real registry, dispatcher,
// bench runner and result files against the in-process simulator (no Slurm): queued benchmarks
// run after a restart, one running when the server died is failed and says why, finished ones
// are listed with their results read back; a clean stop keeps the queue, and its tiers; one server
// per journal.
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchmarkRegistry } from '../../src/api/benchmarks.js';
import type { BenchmarkView } from '../../src/api/control-core.js';
import { BenchmarkJournal } from '../../src/api/journal.js';
import type { BenchmarkRequest } from '../../src/api/validation.js';
import { runBenchmark } from '../../src/bench/engine/runner.js';
import { judge } from '../../src/bench/results/verdict.js';
import { saveResult } from '../../src/bench/results/results-store.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { ExitCode, LockedError } from '../../src/errors.js';
import { parseSimArgs } from '../../src/cli/sim-args.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { poll } from '../helpers/poll.js';

let sim: SimServer;
beforeAll(async () => {
  sim = await startSimServer(parseSimArgs(['--host', '127.0.0.1', '--port', '0', '--itl-ms', '1', '--prefill-overhead-ms', '1']).options);
});
afterAll(() => sim?.close());

const request = (service_id: string): BenchmarkRequest => ({ service_id, concurrency: 2, input_len: 16, output_len: 4, duration_seconds: 60, num_requests: 6 });

/** A registry as the real core builds it; with `hold`, service `hold` runs until it is aborted (a long benchmark). */
async function server(journalPath: string, resultsDir: string, hold = true) {
  const journal = await BenchmarkJournal.open(journalPath);
  const dispatcher = new Dispatcher({ floor: 2, ceiling: 8, initial: 4, resourceLimits: { 'service:*': 1 } });
  const registry = new BenchmarkRegistry({
    dispatcher, resultsDir, journal,
    save: (id, runs) => saveResult(resultsDir, id, runs),
    run: async (req, spec, hooks) => {
      if (hold && req.service_id === 'hold') {
        await new Promise((resolve) => hooks.signal.addEventListener('abort', resolve, { once: true }));
        return { runs: [], interrupted: true, verdict: judge([], [], true) };
      }
      return runBenchmark(spec, { url: sim.url }, hooks);
    },
  });
  const restored = registry.restore();
  return { journal, registry, restored, close: async () => { await registry.close(); await journal.close(); } };
}

const statusOf = async (registry: BenchmarkRegistry, id: string, want: BenchmarkView['status']) =>
  poll(`${id} ${want}`, async () => {
    const view = await registry.get(id);
    return view.status === want ? view : undefined;
  }, 30_000);

const journalStatuses = (path: string) =>
  Object.fromEntries((JSON.parse(readFileSync(path, 'utf8')) as { benchmarks: BenchmarkView[] }).benchmarks.map((b) => [b.id, b.status]));

describe('benchmark journal', () => {
  it('after a crash: queued runs again, running is failed with the reason, finished is listed with its result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibench-journal-'));
    const results = join(dir, 'results');
    const first = await server(join(dir, 'benchmarks.json'), results);
    const done = first.registry.start(request('svc-a'), 'tool');
    await statusOf(first.registry, done.id, 'done');
    const running = first.registry.start(request('hold'), 'tool');
    await statusOf(first.registry, running.id, 'running');
    const queued = first.registry.start(request('hold'), 'browser'); // one benchmark per service: waits
    await poll('journal written', async () => (journalStatuses(join(dir, 'benchmarks.json'))[queued.id] === 'queued' ? true : undefined), 10_000);
    expect(statSync(join(dir, 'benchmarks.json')).mode & 0o777).toBe(0o600);

    // The server is killed: its journal is what the next one finds (a copy, so this one can still be cleaned up).
    copyFileSync(join(dir, 'benchmarks.json'), join(dir, 'after-crash.json'));
    await first.close();

    const second = await server(join(dir, 'after-crash.json'), results);
    expect(second.restored).toEqual({ requeued: 1, failed: 1, finished: 1 });
    expect(await second.registry.get(queued.id)).toMatchObject({ id: queued.id, tier: 'interactive', request: request('hold') });
    const crashed = await second.registry.get(running.id);
    expect(crashed).toMatchObject({ status: 'failed', error: expect.stringContaining('API server exited while this benchmark ran') });
    const finished = await second.registry.get(done.id);
    expect(finished.status).toBe('done');
    expect(finished.result).toMatchObject({ completed: 6, config: { stop: { duration_s: 60, num_requests: 6 } } });
    expect(second.registry.list().map((b) => b.id)).toEqual(expect.arrayContaining([done.id, running.id, queued.id]));
    // The re-queued one is a real queued benchmark: it runs (here: until cancelled) and is cancellable.
    await statusOf(second.registry, queued.id, 'running');
    expect((await second.registry.cancel(queued.id)).status).toBe('cancelled');
    expect(journalStatuses(join(dir, 'after-crash.json'))).toMatchObject({ [done.id]: 'done', [running.id]: 'failed', [queued.id]: 'cancelled' });
    await second.close();
  });

  it('a clean stop cancels (and saves) the running benchmark and leaves the queued one for the next server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibench-journal-'));
    const path = join(dir, 'benchmarks.json');
    const first = await server(path, join(dir, 'results'));
    const running = first.registry.start(request('hold'), 'tool');
    await statusOf(first.registry, running.id, 'running');
    const queued = first.registry.start({ ...request('hold'), run_now: true }, 'tool'); // one benchmark per service: waits
    expect((await first.registry.get(queued.id)).status).toBe('queued');
    await first.close();
    expect(journalStatuses(path)).toEqual({ [running.id]: 'cancelled', [queued.id]: 'queued' });

    const second = await server(path, join(dir, 'results'), false);
    expect(second.restored).toEqual({ requeued: 1, failed: 0, finished: 1 });
    const ran = await statusOf(second.registry, queued.id, 'done');
    expect(ran).toMatchObject({ tier: 'immediate', result: { completed: 6 } });
    expect(second.registry.list().map((b) => b.id)).toEqual([queued.id, running.id]); // newest first
    await second.close();
    expect(journalStatuses(path)).toEqual({ [running.id]: 'cancelled', [queued.id]: 'done' });
  });

  it('queued benchmarks keep their tiers after a restart: the highest runs first, whatever order the journal lists them in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibench-journal-'));
    const path = join(dir, 'benchmarks.json');
    const first = await server(path, join(dir, 'results'));
    const running = first.registry.start(request('hold'), 'tool');
    await statusOf(first.registry, running.id, 'running');
    const background = first.registry.start(request('hold'), 'tool'); // queued first
    const immediate = first.registry.start({ ...request('hold'), run_now: true }, 'tool'); // queued last, runs first
    await first.close();
    expect(journalStatuses(path)).toEqual({ [running.id]: 'cancelled', [background.id]: 'queued', [immediate.id]: 'queued' });

    const second = await server(path, join(dir, 'results'));
    const started = await poll('a re-queued benchmark running', async () => second.registry.list().find((b) => b.status === 'running'), 30_000);
    expect(started).toMatchObject({ id: immediate.id, tier: 'immediate' });
    expect((await second.registry.get(background.id)).status).toBe('queued');
    await second.close();
    expect(journalStatuses(path)).toMatchObject({ [immediate.id]: 'cancelled', [background.id]: 'queued' });
  });

  it('one server per journal (exit 4, naming the holder); a corrupt journal is refused and left as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibench-journal-'));
    const path = join(dir, 'benchmarks.json');
    const held = await BenchmarkJournal.open(path);
    const refused = await BenchmarkJournal.open(path).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LockedError);
    expect((refused as LockedError).exitCode).toBe(ExitCode.LOCKED);
    expect((refused as LockedError).message).toBe(`Another aibench api serve uses the benchmark journal ${path} (pid ${process.pid} on ${(await import('node:os')).hostname()} since ${JSON.parse(readFileSync(`${path}.owner`, 'utf8')).started_at})`);
    await held.close();

    writeFileSync(path, '{"version":1,"benchmarks":[{"id":"bm-1"');
    chmodSync(path, 0o600);
    const corrupt = await BenchmarkJournal.open(path).catch((e: unknown) => e);
    expect((corrupt as Error).message).toMatch(new RegExp(`^The benchmark journal ${path} is not valid JSON \\(truncated or corrupt\\?\\)`));
    expect(readFileSync(path, 'utf8')).toBe('{"version":1,"benchmarks":[{"id":"bm-1"');
    writeFileSync(path, JSON.stringify({ version: 1, benchmarks: [{ id: 'bm-1', status: 'sleeping' }] }));
    const invalid = await BenchmarkJournal.open(path).catch((e: unknown) => e);
    expect((invalid as Error).message).toMatch(/^The benchmark journal .* is not valid at benchmarks\.0\.status: /);
    // Refused, and the lock was let go: a fixed file opens.
    writeFileSync(path, JSON.stringify({ version: 1, benchmarks: [] }));
    await (await BenchmarkJournal.open(path)).close();
  });
});
