// What `service start` asks of Slurm and vLLM, settled (or refused, exit 2) before submitting:
// over a real executor and an HF cache tree made here.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveCluster } from '../../../src/config/cluster.js';
import { parseConfigText } from '../../../src/config/load.js';
import { LocalExecutor } from '../../../src/exec/local-executor.js';
import { planServiceStart } from '../../../src/service/start-plan.js';
import { addHubModel, makeFakeHub, tinyModelFiles } from '../../helpers/hf-cache.js';

const ex = new LocalExecutor();
let hub = '';
const cluster = (extra = '') => resolveCluster(parseConfigText(`clusters:\n  c:\n    executor: local\n    paths: { hf_home: ${join(hub, '..')}, hf_hub_cache: ${hub} }\n${extra}`, 't'), 'c');

beforeAll(() => {
  hub = join(mkdtempSync(join(tmpdir(), 'aibench-plan-')), 'hub');
  makeFakeHub(hub);
  // A 70B-shaped config with the tiny weights: the estimate reads the config's shape and parameter count.
  const big = { ...JSON.parse(String(tinyModelFiles()['config.json'])), hidden_size: 8192, intermediate_size: 28672, num_hidden_layers: 80, num_attention_heads: 64, num_key_value_heads: 8, vocab_size: 32000, max_position_embeddings: 4096 };
  const { 'model-00001-of-00002.safetensors': _a, 'model-00002-of-00002.safetensors': _b, 'model.safetensors.index.json': _i, ...rest } = tinyModelFiles();
  addHubModel(hub, 'org/big', { ...rest, 'config.json': JSON.stringify(big), 'pytorch_model.bin': 'x' });
});

describe('planServiceStart', () => {
  it('passes GPUs to vLLM as tensor parallel, and nodes as pipeline stages', async () => {
    expect(await planServiceStart(ex, cluster(), 'org/absent', [], { gpus: 4 })).toMatchObject({ gpusPerNode: 4, nodes: 1, vllmArgs: ['--tensor-parallel-size=4'] });
    expect(await planServiceStart(ex, cluster(), 'org/absent', ['--enforce-eager'], { gpus: 8, nodes: 2 })).toMatchObject({ nodes: 2, vllmArgs: ['--enforce-eager', '--tensor-parallel-size=8', '--pipeline-parallel-size=2'] });
    expect((await planServiceStart(ex, cluster(), 'org/absent', ['--tensor-parallel-size', '2'], { gpus: 4 })).vllmArgs).toEqual(['--tensor-parallel-size', '2']);
  });

  it.each([
    [{ gpus: 2, tensorParallel: 4 }, [], /--tensor-parallel-size 4: expected at most the job's 2 GPU\(s\)/],
    [{ gpus: 2, tensorParallel: 2 }, ['--tensor-parallel-size=2'], /given both as a flag \(2\) and in --vllm-arg/],
    [{ gpus: 0, nodes: 2 }, [], /--nodes 2: expected --gpus >= 1/],
    [{ gpus: 2, tensorParallel: 2, pipelineParallel: 2 }, [], /2 x --pipeline-parallel-size 2: expected at most the job's 2/],
  ])('refuses %j %j', async (request, args, message) => {
    await expect(planServiceStart(ex, cluster(), 'org/absent', args, request)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
  });

  it('refuses --nodes 2 with enroot (it runs on the batch node only); apptainer spans nodes', async () => {
    const enroot = cluster('    container: { runtime: enroot, image: vllm.sqsh }\n');
    await expect(planServiceStart(ex, enroot, 'org/absent', [], { gpus: 4, nodes: 2 })).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--nodes 2: .*enroot cannot span nodes/) });
    const apptainer = cluster('    container: { runtime: apptainer, image: /i/vllm.sif }\n');
    expect((await planServiceStart(ex, apptainer, 'org/absent', [], { gpus: 4, nodes: 2 })).nodes).toBe(2);
  });

  it('refuses an incomplete model before anything is submitted, and path traversal', async () => {
    await expect(planServiceStart(ex, cluster(), 'tiny-org/tiny-no-tokenizer', [], {})).rejects.toMatchObject({ exitCode: 2, code: 'E_MODEL_INCOMPLETE' });
    await expect(planServiceStart(ex, cluster(), '../../etc', [], {})).rejects.toMatchObject({ exitCode: 2, code: 'E_MODEL_ID' });
    expect(await planServiceStart(ex, cluster(), 'tiny-org/tiny-no-tokenizer', [], { modelCheck: false })).toMatchObject({ gpusPerNode: 0 });
  });

  it('--gpus auto picks the fewest GPUs the estimate fits in, and records the estimate', async () => {
    const gpu = cluster('    gpu: { memory_gib: 80, per_node: 8 }\n');
    const plan = await planServiceStart(ex, gpu, 'org/big', [], { gpus: 'auto' });
    expect(plan).toMatchObject({ gpusPerNode: 2, nodes: 1, vllmArgs: ['--tensor-parallel-size=2'], modelMaxLen: 4096, vram: { fits: true, max_model_len: 4096 } });
    await expect(planServiceStart(ex, gpu, 'org/big', [], { gpus: 1 })).rejects.toMatchObject({ code: 'E_VRAM', message: expect.stringMatching(/does not fit 1 GPU.*needs 2 GPU/) });
    await expect(planServiceStart(ex, cluster(), 'org/big', [], { gpus: 'auto' })).rejects.toMatchObject({ message: expect.stringMatching(/gpu.memory_gib/) });
    await expect(planServiceStart(ex, gpu, 'org/absent', [], { gpus: 'auto' })).rejects.toMatchObject({ message: expect.stringMatching(/not in the HF cache/) });
  });
});
