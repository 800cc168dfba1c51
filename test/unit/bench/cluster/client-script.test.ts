// The cluster client's script: srun steps in the service's allocation (or inside a client job),
// the merge, the status file; every value quoted by the one quoting function, checked by bash.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderClientBody } from '../../../../src/bench/cluster/client-script.js';
import { parseGpuProvenance } from '../../../../src/bench/results/gpu-provenance.js';
import { sharesOfTask } from '../../../../src/cli/bench-scale.js';

const base = {
  dir: '/shared/aibench/bench/r-1', placement: 'service-allocation' as const, serviceJobId: '42', tasks: 3, overcommit: true,
  aibench: ['node', '/opt/aibench/bin/aibench.js'], setup: ['module load cuda'], stepName: 'aibench-client-r-1',
};

describe('client script', () => {
  it('runs the tasks as a step beside the service, then the merge, then writes the status', () => {
    const body = renderClientBody(base).replaceAll("'", ''); // the quoting function quotes words holding '='
    expect(body).toContain('module load cuda\n');
    expect(body).toContain('srun --jobid=42 --overlap --ntasks=3 --overcommit --kill-on-bad-exit=0 --job-name=aibench-client-r-1 node /opt/aibench/bin/aibench.js bench exec /shared/aibench/bench/r-1\n');
    expect(body).toContain('srun --jobid=42 --overlap --ntasks=1 --job-name=aibench-client-r-1-merge node /opt/aibench/bin/aibench.js bench merge /shared/aibench/bench/r-1\n');
    expect(body).toMatch(/> \/shared\/aibench\/bench\/r-1\/status\.json\.tmp && mv /);
  });

  it('inside a client job the tasks need no --jobid and the merge runs in the job itself', () => {
    const body = renderClientBody({ ...base, placement: 'partition', overcommit: false, nodes: 2, cpusPerTask: 4 }).replaceAll("'", '');
    expect(body).toContain('\nsrun --ntasks=3 --nodes=2 --cpus-per-task=4 --kill-on-bad-exit=0 --job-name=aibench-client-r-1 node');
    expect(body).toContain('\nnode /opt/aibench/bin/aibench.js bench merge /shared/aibench/bench/r-1\n');
    // The service node's GPUs are still asked for in the service's allocation.
    expect(body).toContain('srun --jobid=42 --overlap --ntasks=1 --job-name=aibench-client-r-1-gpu bash -c');
  });

  it('a hostile run directory reaches the commands literally', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibench-script-'));
    const hostile = join(dir, "r $(touch pwned) `x` ';\n\"");
    const argvFile = join(dir, 'argv');
    // srun stands in as a function that drops its options and runs the command; "aibench" records its argv.
    const body = `srun() { while [ "\${1#-}" != "$1" ]; do shift; done; "$@"; }\n${renderClientBody({
      ...base, dir: hostile, setup: [], aibench: ['sh', '-c', `printf '%s|' "$@" >> ${JSON.stringify(argvFile)}; echo`, 'aibench'],
    })}`;
    writeFileSync(join(dir, 'script.sh'), body);
    execFileSync('bash', ['-n', join(dir, 'script.sh')]);
    execFileSync('bash', [join(dir, 'script.sh')], { cwd: dir, stdio: 'ignore' });
    expect(readFileSync(argvFile, 'utf8')).toBe(`bench|exec|${hostile}|bench|merge|${hostile}|`);
    expect(() => readFileSync(join(dir, 'pwned'))).toThrow();
  });
});

describe('GPU provenance', () => {
  it('reads name, count, memory, driver and CUDA version from what nvidia-smi printed', () => {
    const text = 'NVIDIA H100 80GB HBM3, 81559, 590.48.01\nNVIDIA H100 80GB HBM3, 81559, 590.48.01\nNVIDIA-SMI version  : 590.48.01\nCUDA Version        : 13.1\n';
    expect(parseGpuProvenance(text)).toEqual({ name: 'NVIDIA H100 80GB HBM3', count: 2, memory_total_mib: 81559, driver_version: '590.48.01', cuda_version: '13.1' });
    expect(parseGpuProvenance('NVIDIA L40S, [N/A], [N/A]\n')).toEqual({ name: 'NVIDIA L40S', count: 1 });
    expect(parseGpuProvenance("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n")).toBeUndefined();
  });
});

describe('shares of a Slurm task', () => {
  it('task t of T with W workers runs shares t*W .. t*W+W-1', () => {
    expect(sharesOfTask(0, 2, 1)).toEqual({ shares: [0], count: 2 });
    expect(sharesOfTask(1, 2, 3)).toEqual({ shares: [3, 4, 5], count: 6 });
    expect(() => sharesOfTask(2, 2, 1)).toThrow('Slurm task 2 is outside the run\'s 2 client task(s)');
  });
});
