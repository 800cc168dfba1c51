// `service start` options that cannot work are refused by the built bin with exit 2, the flag and
// what was expected, before anything is submitted (no sbatch on this machine is even needed) and
// without a record in the service store.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin, tempHome } from '../helpers/run-bin.js';

function setup(): { home: string; config: string } {
  const home = tempHome();
  const config = join(home, 'config.yaml');
  writeFileSync(config, `default_cluster: hpc
clusters:
  hpc:
    executor: local
    paths: { hf_home: ${join(home, 'hf')} }
    gpu: { memory_gib: 80, per_node: 4 }
  enroot:
    executor: local
    paths: { hf_home: ${join(home, 'hf')} }
    container: { runtime: enroot, image: vllm.sqsh }
`);
  return { home, config };
}

describe('service start refusals (exit 2, nothing submitted)', () => {
  it.each([
    [['--retry-oom', '1.5'], /--retry-oom: expected a whole number from 0 to 10/],
    [['--retry-oom', '-1'], /--retry-oom: expected a whole number from 0 to 10/],
    [['--gpus', 'lots'], /--gpus: expected a whole number of GPUs per node \(0 to 64\) or auto/],
    [['--replicas', '0'], /--replicas: expected a whole number from 1 to 64/],
    [['--gpus', '2', '--tensor-parallel-size', '4'], /--tensor-parallel-size 4: expected at most the job's 2 GPU\(s\) \(--gpus 2 x --nodes 1\)/],
    [['--gpus', '8'], /--gpus 8: expected at most the 4 GPUs per node of clusters\.hpc\.gpu/],
    [['--cluster', 'enroot', '--gpus', '4', '--nodes', '2'], /--nodes 2: clusters\.enroot\.container\.runtime enroot cannot span nodes/],
    [['--model', '../../etc/passwd'], /--model: expected a model id or path without "\.\." segments/],
    [['--gpus', 'auto'], /--gpus auto: cannot pick a GPU count: the model is not in the HF cache/],
  ])('%j', async (args, message) => {
    const { home, config } = setup();
    const model = args.includes('--model') ? [] : ['--model', 'org/m'];
    const res = await runBin(['--config', config, 'service', 'start', ...model, ...args], { home });
    expect(res.exitCode, res.stderr).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(existsSync(join(home, '.local/state/aibench/services/services.json'))).toBe(false);
  });
});
