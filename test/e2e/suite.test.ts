// `aibench suite run` through the built bin on the embedded simulator: plan, results, resume.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runBin, tempHome } from '../helpers/run-bin.js';

const suite = join(REPO_ROOT, 'profiles/smoke.yaml');

describe('aibench suite run (built bin)', () => {
  it('--dry-run --json prints the expanded plan and runs nothing', async () => {
    const r = await runBin(['suite', 'run', suite, '--dry-run', '--json']);
    expect(r.exitCode).toBe(0);
    const plan = JSON.parse(r.stdout) as { suite: string; tasks: { id: string }[] };
    expect(plan.suite).toBe('smoke');
    expect(plan.tasks.map((t) => t.id)).toEqual(['sim__c1_in32_out16', 'sim__c4_in32_out16']);
  });

  it('writes one result per benchmark plus summaries; --resume then skips them', async () => {
    const home = tempHome();
    const out = join(home, 'results');
    const first = await runBin(['suite', 'run', suite, '--out', out], { home });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/2 passed, 0 over threshold, 0 failed, 0 cancelled of 2/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { results?: unknown[]; benchmarks?: unknown[] };
    expect(JSON.stringify(summary)).toContain('sim__c4_in32_out16');
    const csv = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(3);
    const before = readFileSync(join(out, 'sim__c1_in32_out16.json'), 'utf8');
    const again = await runBin(['suite', 'run', suite, '--out', out, '--resume'], { home });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/resumed|skip/i);
    expect(readFileSync(join(out, 'sim__c1_in32_out16.json'), 'utf8')).toBe(before);
  });
});
