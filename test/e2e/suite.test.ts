// `aibench suite run` through the built bin on the embedded simulator: plan, results, resume.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('--dry-run prints an 8,000-task plan as one table, a row per task', async () => {
    const home = tempHome();
    const file = join(home, 'big.yaml');
    const inputLen = Array.from({ length: 400 }, (_, i) => i + 1);
    writeFileSync(file, `name: big\nservices:\n  - id: s\n    sim: {}\nmatrix:\n  concurrency: [1, 2, 4, 8]\n  input_len: [${inputLen.join(', ')}]\n  output_len: [1, 2, 3, 4, 5]\n  num_requests: 5\n`);
    const r = await runBin(['suite', 'run', file, '--dry-run'], { home });
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('suite big: 8000 benchmark(s) on 1 service(s)');
    expect(lines).toHaveLength(8000 + 4);
    expect(lines.at(-2)).toMatch(/^│ 8000 +│ s__c8_in400_out5 +│ s +│ sim +│ embedded sim +│ c8 +│ 400 +│ 5 +│ 5 req +│ background +│$/);
  });

  it('writes one result per benchmark plus summaries; --resume then skips them', async () => {
    const home = tempHome();
    const out = join(home, 'results');
    const first = await runBin(['suite', 'run', suite, '--out', out], { home });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/2 passed, 0 over threshold, 0 failed, 0 cancelled of 2/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { results?: unknown[]; benchmarks?: unknown[] };
    expect(JSON.stringify(summary)).toContain('sim__c4_in32_out16');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<title>suite smoke</title>');
    expect(first.stderr).toContain(`report: ${join(out, 'report.html')}`);
    expect(existsSync(join(out, 'services.json'))).toBe(false); // only Slurm services are recorded there
    const csv = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(3);
    const before = readFileSync(join(out, 'sim__c1_in32_out16.json'), 'utf8');
    const again = await runBin(['suite', 'run', suite, '--out', out, '--resume'], { home });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/resumed|skip/i);
    expect(readFileSync(join(out, 'sim__c1_in32_out16.json'), 'utf8')).toBe(before);
  });

  it('settings.repeat runs each benchmark N times: a repeat document per task, the mean in the summary, and --resume keeps it', async () => {
    const home = tempHome();
    const file = join(home, 'repeat.yaml');
    const out = join(home, 'repeat-out');
    writeFileSync(file, 'name: rep\nservices:\n  - id: s\n    sim: { itl_ms: 1 }\nmatrix:\n  concurrency: [2]\n  input_len: [8]\n  output_len: [4]\n  num_requests: 6\nsettings:\n  repeat: 2\n');
    const first = await runBin(['suite', 'run', file, '--out', out], { home });
    expect(first.exitCode, first.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 's__c2_in8_out4.json'), 'utf8'));
    expect(doc).toMatchObject({ kind: 'repeat', repeat: 2 });
    expect(doc.runs).toHaveLength(2);
    const row = (JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { benchmarks: Array<{ metrics: { completed: number; request_throughput: number } }> }).benchmarks[0];
    expect(row?.metrics.completed).toBe(6);
    expect(row?.metrics.request_throughput).toBeCloseTo((doc.runs[0].request_throughput + doc.runs[1].request_throughput) / 2, 9);
    const again = await runBin(['suite', 'run', file, '--out', out, '--resume'], { home });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/resumed/);
  });
});
