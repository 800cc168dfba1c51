import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { lockSuite, suiteLockPath } from '../../../src/suite/lock.js';
import { planSuite } from '../../../src/suite/plan.js';
import { runSuite, type SuiteEvent } from '../../../src/suite/run.js';
import { suiteVerdict } from '../../../src/suite/summary.js';
import { parseSuite, type SuiteService } from '../../../src/suite/schema.js';
import type { ServiceLauncher, SuiteEndpoint } from '../../../src/suite/services.js';
import { createServiceLauncher } from '../../../src/suite/services.js';
import { ConfigSchema } from '../../../src/config/schema.js';

const suite = (failOn: string[] = []) => parseSuite({
  name: 'unit-run', max_parallel: 3, fail_on: failOn,
  services: [{ id: 'ok', sim: { itl_ms: 0, prefill_ms_per_token: 0 } }, { id: 'broken', model: 'm' }],
  matrix: { concurrency: [1, 2], input_len: [8], output_len: [4], num_requests: 5 },
}, 'x');

// The sim service really runs (embedded); the Slurm one fails to start, as a crashed job would.
function launcher(log: string[]): ServiceLauncher {
  const real = createServiceLauncher({ config: ConfigSchema.parse({}) });
  return {
    startResource: (s) => (s.kind === 'slurm' ? 'slurm:x' : undefined),
    stopLeftovers: async () => [],
    async start(s: SuiteService, hooks) {
      log.push(`start ${s.id}`);
      if (s.kind === 'slurm') throw new Error('job 7 ended OUT_OF_MEMORY before the server was ready');
      const t = await real.start(s, hooks);
      return { ...t, close: async () => void log.push(`stop ${s.id}`) } satisfies SuiteEndpoint;
    },
    closeAll: () => real.closeAll(),
  };
}

describe('runSuite', () => {
  it('runs what it can, records the failed service, stops services after their last benchmark; counts add up', async () => {
    const out = mkdtempSync(join(tmpdir(), 'suite-run-'));
    const log: string[] = [];
    const events: SuiteEvent[] = [];
    const summary = await runSuite({ plan: planSuite(suite()), outDir: out, launcher: launcher(log), signal: new AbortController().signal, onEvent: (e) => events.push(e) });
    expect(summary.counts).toMatchObject({ total: 4, passed: 2, failed: 2 });
    expect(summary.services).toEqual([
      expect.objectContaining({ id: 'ok', status: 'stopped' }),
      expect.objectContaining({ id: 'broken', status: 'failed', error: expect.stringContaining('OUT_OF_MEMORY') }),
    ]);
    expect(log.filter((l) => l.startsWith('stop'))).toEqual(['stop ok']);
    expect(existsSync(join(out, 'ok__c1_in8_out4.json'))).toBe(true);
    // report.html: the offline report of the results measured, a sweep curve across the loads.
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<title>suite unit-run</title>');
    expect(html).toContain('id="sweep"');
    expect(html.match(/<section id="r\d+"/g)).toHaveLength(2);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toMatchObject({
      kind: 'suite', counts: { total: 4 }, services: [{ id: 'ok', status: 'stopped' }, { id: 'broken', status: 'failed' }],
    });
    for (const e of events) {
      const c = e.counts;
      expect(c.queued + c.running + c.done + c.failed + c.cancelled).toBe(c.total);
      expect(e.concurrency).toBeLessThanOrEqual(3);
    }
    expect(suiteVerdict(summary)?.exitCode).toBe(ExitCode.FAILED);

    const resumed = await runSuite({ plan: planSuite(suite(['failed>0', 'p99_ttft_ms>0'])), outDir: out, resume: true, launcher: launcher(log), signal: new AbortController().signal });
    expect(resumed.benchmarks.filter((b) => b.resumed).map((b) => b.id)).toEqual(['ok__c1_in8_out4', 'ok__c2_in8_out4']);
    expect(resumed.counts).toMatchObject({ threshold: 2, failed: 2 });
  });

  it('interrupted (Ctrl-C) mid-run: summary.json records the started service as stopped, not ready', async () => {
    const out = mkdtempSync(join(tmpdir(), 'suite-run-'));
    const log: string[] = [];
    const abort = new AbortController();
    const base = launcher(log);
    const aborting: ServiceLauncher = {
      ...base,
      async start(s, hooks) {
        const t = await base.start(s, hooks);
        abort.abort(); // Ctrl-C right after the service became ready
        return t;
      },
    };
    const only = parseSuite({
      name: 'unit-abort', max_parallel: 1,
      services: [{ id: 'ok', sim: { itl_ms: 0, prefill_ms_per_token: 0 } }],
      matrix: { concurrency: [1, 2], input_len: [8], output_len: [4], num_requests: 5 },
    }, 'x');
    const summary = await runSuite({ plan: planSuite(only), outDir: out, launcher: aborting, signal: abort.signal });
    expect(summary.interrupted).toBe(true);
    expect(log).toContain('stop ok');
    expect(existsSync(join(out, 'report.html'))).toBe(false); // nothing was measured
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).services).toEqual([expect.objectContaining({ id: 'ok', status: 'stopped' })]);
  });

  it('a service that cannot be stopped is recorded failed (with why), not ready; it is not listed as "did not start"', async () => {
    const out = mkdtempSync(join(tmpdir(), 'suite-run-'));
    const base = launcher([]);
    const stuck: ServiceLauncher = {
      ...base,
      async start(s, hooks) {
        const t = await base.start(s, hooks);
        return { ...t, close: async () => { throw new Error('scancel timed out'); } };
      },
    };
    const summary = await runSuite({ plan: planSuite(suite()), outDir: out, launcher: stuck, signal: new AbortController().signal });
    expect(summary.services[0]).toMatchObject({ id: 'ok', status: 'failed', error: expect.stringContaining('could not stop: scancel timed out') });
    expect(suiteVerdict(summary)?.message).toMatch(/service\(s\) that did not start: broken$/);
  });

  it('a thresholds-only breach exits 3; all passed is no error; interrupted leaves the exit to main', () => {
    const s = { suite: 's', out_dir: '/o', interrupted: false, services: [], benchmarks: [] };
    const counts = { total: 2, passed: 1, threshold: 1, failed: 0, cancelled: 0, resumed: 0 };
    expect(suiteVerdict({ ...s, counts } as never)?.exitCode).toBe(ExitCode.THRESHOLD);
    expect(suiteVerdict({ ...s, counts: { ...counts, passed: 2, threshold: 0 } } as never)).toBeUndefined();
    expect(suiteVerdict({ ...s, interrupted: true, counts: { ...counts, failed: 1 } } as never)).toBeUndefined();
  });
});

describe('suite lock', () => {
  it('a second holder gets LockedError (exit 4) naming pid, host and start time; release frees it', async () => {
    const env = { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'suite-lock-')) };
    const release = await lockSuite('nightly', '/x/nightly.yaml', { env });
    expect(existsSync(suiteLockPath('nightly', env))).toBe(true);
    await expect(lockSuite('nightly', undefined, { env })).rejects.toMatchObject({
      exitCode: ExitCode.LOCKED,
      message: expect.stringMatching(new RegExp(`^Suite nightly is already running \\(pid ${process.pid} on .+ since \\d{4}-.*, /x/nightly.yaml\\)$`)),
    });
    await release();
    const again = await lockSuite('nightly', undefined, { env });
    await again();
  });
});
