// `aibench bench exec DIR` and `bench merge DIR`: the client side of a scaled-out run, as Slurm
// tasks (and local workers) run it. exec runs this process's share(s); merge pools every share's
// records into the result document. People rarely type these; the run's own script does.
import { Command, InvalidArgumentError } from 'commander';
import { BenchError } from '../errors.js';
import { outputDocument, rescuePath, writeResultFile } from '../bench/results/result-io.js';
import { execShare, readRunSpec } from '../bench/scale/exec-share.js';
import { mergeRunDir } from '../bench/scale/merge-run-dir.js';
import { RUN_FILES, runPath } from '../bench/scale/run-dir.js';
import { spawnShare } from '../bench/scale/share-processes.js';
import { createOutput } from '../report/output.js';
import { useInterrupt } from './context.js';

const index = (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected an integer >= 0, got ${JSON.stringify(text)}`);
  return n;
};

/** Which shares this process runs: one given by --share, else its Slurm task's (task x workers + w). */
export function sharesOfTask(task: number, tasks: number, workers: number): { shares: number[]; count: number } {
  if (task >= tasks) throw new BenchError(`Slurm task ${task} is outside the run's ${tasks} client task(s)`);
  return { shares: Array.from({ length: workers }, (_, w) => task * workers + w), count: tasks * workers };
}

export function buildExecCommand(): Command {
  return new Command('exec')
    .description("run this process's share of a scaled-out benchmark from its run directory (what client tasks run)")
    .argument('<dir>', 'the run directory holding spec.json (shared between the client processes)')
    .option('--share <i>', 'run exactly this share (default: the Slurm task $SLURM_PROCID with its workers)', index)
    .option('--shares <n>', 'how many shares the run has (default: client tasks x workers of the spec)', index)
    .addHelpText('after', '\nExample (inside a Slurm step):\n  $ srun -n 4 aibench bench exec /shared/aibench/bench/r-1234')
    .action(async (dir: string, opts: { share?: number; shares?: number }) => {
      const spec = readRunSpec(dir);
      const signal = useInterrupt();
      if (opts.share !== undefined) return execShare(dir, opts.share, opts.shares ?? spec.client.tasks * spec.client.workers, signal);
      const { shares, count } = sharesOfTask(Number(process.env.SLURM_PROCID ?? 0), spec.client.tasks, spec.client.workers);
      const extra = shares.slice(1).map((share) => spawnShare(dir, share, count));
      const own = execShare(dir, shares[0] as number, count, signal);
      const codes = await Promise.all(extra.map((c) => c.exited));
      await own;
      const failed = extra.filter((_, i) => codes[i] !== 0);
      if (failed.length > 0) throw new BenchError(`worker share(s) ${failed.map((f) => f.share).join(', ')} failed: ${failed[0]?.tail() ?? ''}`);
    });
}

export function buildMergeCommand(): Command {
  return new Command('merge')
    .description("pool every share's records of a scaled-out run into its result document (result.json in the run directory)")
    .argument('<dir>', 'the run directory')
    .option('--out <file>', 'where to write the document (default: <dir>/result.json)')
    .addHelpText('after', '\nExample:\n  $ aibench bench merge /shared/aibench/bench/r-1234')
    .action(async (dir: string, opts: { out?: string }) => {
      const output = createOutput({});
      const spec = readRunSpec(dir);
      const outcome = mergeRunDir(dir, spec.client.tasks * spec.client.workers);
      if (outcome.runs.length === 0) return output.info(`nothing was measured in ${dir} (stopped before the first measured phase): no result`);
      const out = opts.out ?? runPath(dir, RUN_FILES.result);
      const doc = await outputDocument(outcome.runs, rescuePath(out));
      await writeResultFile(out, doc);
      output.info(`merged ${outcome.runs.length} load level(s) into ${out}: ${outcome.verdict.status}`);
    });
}
