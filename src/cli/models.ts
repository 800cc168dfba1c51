// `aibench models ls|check`: the cluster's HF hub cache as a catalogue. Parse -> open the cluster
// -> one core call (src/models/) -> render. Data on stdout (--json), tables on stderr.
import { Command, Option } from 'commander';
import { z } from 'zod';
import { AibenchError, ExitCode } from '../errors.js';
import { createOutput } from '../report/output.js';
import { renderTable } from '../report/table.js';
import { checkModel, formatGib, gpuOf, memoryPlan, readCatalogue, type CatalogueEntry, type MemoryPlan } from '../models/index.js';
import { onCluster } from './context.js';
import { parseFlags } from './jobs-options.js';

const example = (line: string) => `\nExample:\n  $ ${line}`;
const clusterOption = () => new Option('--cluster <name>', 'cluster from the config (default: default_cluster or local)');

/** The `models` command group. */
export function buildModelsCommand(): Command {
  return new Command('models').addCommand(lsCommand()).addCommand(checkCommand());
}


const billions = (n: number | undefined) => (n === undefined ? undefined : `${(n / 1e9).toFixed(2)}B`);

function lsCommand(): Command {
  return new Command('ls')
    .description("list the models in the cluster's HF hub cache (HF_HUB_CACHE): revisions, size, completeness, parameters and dtype")
    .addOption(clusterOption())
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', example('aibench models ls --cluster hpc --json | jq -r \'.models[] | select(.complete) | .id\''))
    .action(async (opts: { cluster?: string; json?: boolean }, cmd: Command) => {
      const out = createOutput({ json: opts.json });
      const { cluster, catalogue } = await onCluster(cmd, opts.cluster, async (ex, c) => ({ cluster: c.name, catalogue: await readCatalogue(ex, c.paths.hf_hub_cache) }));
      if (!catalogue.found) out.warn(`cluster ${cluster}: the HF cache ${catalogue.hub_cache} does not exist`);
      if (opts.json) return out.dataJson({ cluster, ...catalogue });
      if (out.quiet) return catalogue.models.forEach((m) => out.data(m.id));
      if (catalogue.models.length === 0) return out.info(`no models in ${catalogue.hub_cache}`);
      const rows = catalogue.models.map((m: CatalogueEntry) => [
        m.id, m.revision?.slice(0, 12), m.revisions.length, formatGib(m.size_bytes), m.complete ? 'yes' : `no: ${m.missing.join('; ')}`,
        billions(m.parameters), m.dtype, m.max_position_embeddings,
      ]);
      out.info(renderTable(['model', 'revision', 'revs', 'size', 'complete', 'params', 'dtype', 'context'], rows, { title: `HF cache ${catalogue.hub_cache} on ${cluster}` }));
    });
}

const whole = () => z.string().regex(/^\s*\d+\s*$/, 'expected a whole number >= 1').transform(Number).pipe(z.number().int().min(1, 'expected a whole number >= 1'));

/** `models check` flags: strings from commander -> typed settings; problems name the flag (exit 2). */
const CheckFlagsSchema = z.strictObject({
  cluster: z.string().optional(),
  revision: z.string().optional(),
  maxModelLen: whole().optional(),
  tensorParallelSize: whole().optional(),
  pipelineParallelSize: whole().optional(),
  gpuMemoryUtilization: z.string().transform(Number).pipe(z.number().gt(0, 'expected a fraction in (0, 1]').max(1, 'expected a fraction in (0, 1]')).optional(),
  partition: z.string().optional(),
  json: z.boolean().optional(),
});

function checkCommand(): Command {
  return new Command('check')
    .description('whether a model can start offline from the HF cache (config, tokenizer, every weight shard), with its VRAM estimate; exit 1 when it cannot')
    .argument('<model>', 'hub model id, e.g. Qwen/Qwen2.5-0.5B-Instruct')
    .addOption(clusterOption())
    .option('--revision <rev>', 'a revision or ref (default: main, else the only one)')
    .option('--max-model-len <n>', 'context the server would run with (default: the model\'s max_position_embeddings)')
    .option('--tensor-parallel-size <n>', 'GPUs the weights are split over')
    .option('--pipeline-parallel-size <n>', 'pipeline stages (nodes)')
    .option('--gpu-memory-utilization <f>', 'fraction of each GPU vLLM may use', '0.9')
    .option('--partition <p>', 'partition whose GPUs to plan for (clusters.<c>.gpu.partitions)')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', example('aibench models check meta-llama/Llama-3.1-8B-Instruct --cluster hpc --max-model-len 8192'))
    .action(async (model: string, raw: unknown, cmd: Command) => {
      const flags = parseFlags(CheckFlagsSchema, raw);
      const settings = { maxModelLen: flags.maxModelLen, tensorParallel: flags.tensorParallelSize, pipelineParallel: flags.pipelineParallelSize, utilization: flags.gpuMemoryUtilization };
      const out = createOutput({ json: flags.json });
      const { check, plan, cluster } = await onCluster(cmd, flags.cluster, async (ex, c) => {
        const found = await checkModel(ex, c, model, flags.revision);
        const gpu = gpuOf(c.gpu, flags.partition ?? c.slurm.partition);
        return { cluster: c.name, check: found, plan: found.entry ? memoryPlan(found.entry, { ...settings, gpu }) : undefined };
      });
      if (flags.json) out.dataJson({ cluster, ...check, ...(plan ? { memory: plan } : {}) });
      else printCheck(out.info, check.model, check.note, plan);
      if (check.checked && !check.can_start_offline) {
        throw new AibenchError(`${model} cannot start offline on ${cluster}: ${check.note}`, { code: 'E_MODEL_CHECK', exitCode: ExitCode.FAILED });
      }
    });
}

function printCheck(say: (line: string) => void, model: string, note: string, plan: MemoryPlan | undefined): void {
  say(`${model}: ${note}`);
  if (plan === undefined) return;
  const e = plan.estimate;
  say(`VRAM per GPU at tensor parallel ${e.tensorParallel} x pipeline ${e.pipelineParallel}, max_model_len ${plan.max_model_len}: ${formatGib(e.total_bytes_per_gpu)} (weights ${formatGib(e.weights_bytes_per_gpu)} + KV cache ${formatGib(e.kv_bytes_per_gpu)} + overhead ${formatGib(e.overhead_bytes_per_gpu)})`);
  if (plan.gpu_memory_bytes === undefined) return say('GPU memory unknown: set clusters.<c>.gpu.memory_gib to judge the fit');
  say(`${plan.fits ? 'fits' : 'does NOT fit'} ${formatGib(plan.gpu_memory_bytes)} x ${plan.gpu_memory_utilization} per GPU (headroom ${formatGib(plan.headroom_bytes ?? 0)}; ${plan.max_sequences} full-length sequences of KV cache)`);
  say(plan.smallest ? `smallest layout that fits: ${plan.smallest.tensorParallel * plan.smallest.pipelineParallel} GPU(s) (tensor parallel ${plan.smallest.tensorParallel} x pipeline ${plan.smallest.pipelineParallel})` : 'no layout up to 8 nodes fits');
}
