// OOM recovery, pure: vLLM's and torch's texts and Slurm's OUT_OF_MEMORY are recognised, other
// failures are not, and the ladder lowers the utilisation, then the context, then stops.
import { describe, expect, it } from 'vitest';
import { argValue, nextOomStep, oomCause, withArg } from '../../../src/service/oom.js';
import { simulatedOomLog } from '../../../src/sim/oom.js';

describe('oomCause', () => {
  it('recognises the texts vLLM and torch print, and Slurm OUT_OF_MEMORY', () => {
    const sim = simulatedOomLog({ gpuMemoryUtilization: 0.9, oomAboveUtilization: 0.8 }, 1)!.join('\n');
    expect(oomCause(sim)?.cause).toMatch(/free GPU memory below/);
    expect(oomCause('torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.05 GiB is free.')?.cause).toBe('CUDA out of memory');
    expect(oomCause('ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.')?.cause).toMatch(/KV cache/);
    expect(oomCause("ValueError: The model's max seq len (131072) is larger than the maximum number of tokens that can be stored in KV cache (53248). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.")).toMatchObject({ contextOnly: true });
    expect(oomCause('slurmstepd: error: Detected 1 oom_kill event', 'OUT_OF_MEMORY')?.cause).toMatch(/Slurm OUT_OF_MEMORY/);
  });

  it('does not take other failures for OOM', () => {
    expect(oomCause('OSError: We could not connect to huggingface.co', 'FAILED (exit 1)')).toBeUndefined();
    expect(oomCause('Simulated crash on start (--crash-on-start)')).toBeUndefined();
  });
});

describe('the OOM ladder', () => {
  const cuda = { cause: 'CUDA out of memory', contextOnly: false };

  it('lowers --gpu-memory-utilization by 0.05 from 0.9 to 0.7, then halves --max-model-len to 1024, then stops', () => {
    let args: string[] = ['--enforce-eager'];
    const changes: string[] = [];
    for (let step = nextOomStep(args, cuda, 4096); step !== undefined; step = nextOomStep(args, cuda, 4096)) {
      changes.push(step.change);
      args = step.vllmArgs;
    }
    expect(changes).toEqual([
      '--gpu-memory-utilization 0.9 -> 0.85', '--gpu-memory-utilization 0.85 -> 0.8', '--gpu-memory-utilization 0.8 -> 0.75', '--gpu-memory-utilization 0.75 -> 0.7',
      '--max-model-len 4096 -> 2048', '--max-model-len 2048 -> 1024',
    ]);
    expect(args).toEqual(['--enforce-eager', '--gpu-memory-utilization=0.7', '--max-model-len=1024']);
  });

  it('goes straight to the context when the KV cache cannot hold max_model_len, and stops without a known context', () => {
    expect(nextOomStep(['--max-model-len', '32768'], { cause: 'x', contextOnly: true }, undefined)?.change).toBe('--max-model-len 32768 -> 16384');
    expect(nextOomStep(['--gpu-memory-utilization=0.7'], cuda, undefined)).toBeUndefined();
  });

  it('reads and replaces a flag in either form, underscores included', () => {
    expect(argValue(['--gpu_memory_utilization', '0.8'], '--gpu-memory-utilization')).toBe('0.8');
    expect(withArg(['a', '--max-model-len', '10', '--max_model_len=20', 'b'], '--max-model-len', '5')).toEqual(['a', 'b', '--max-model-len=5']);
  });
});
