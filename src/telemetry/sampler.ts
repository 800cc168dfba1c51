// Runs nvidia-smi (via execa, with a timeout) and returns one timestamped sample of every GPU.
// A missing or failing nvidia-smi is reported once (and once more when it recovers); the agent
// keeps running and simply has no GPU sample for that tick.
import { execa } from 'execa';
import { errorMessage } from '../errors.js';
import { computeAppsArgs, gpuQueryArgs, parseComputeAppsCsv, parseGpuCsv, type GpuReading, type ProcessReading } from './nvidia-smi.js';

export interface GpuSample {
  /** Wall-clock time (ms since the epoch) the sample was taken: the agent's clock, not nvidia-smi's. */
  timestampMs: number;
  gpus: GpuReading[];
  processes: ProcessReading[];
}

interface SamplerOptions {
  /** The nvidia-smi binary (a name on PATH or a path). */
  nvidiaSmi?: string;
  timeoutMs?: number;
  /** Where the once-only problem reports go (the agent's stderr). */
  onProblem?: (line: string) => void;
  now?: () => number;
}

export interface Sampler {
  /** One sample, or undefined when nvidia-smi is missing, failed or printed no GPU. */
  sample(): Promise<GpuSample | undefined>;
}

/** A sampler over the real (or fake) nvidia-smi binary. */
export function createSampler(options: SamplerOptions = {}): Sampler {
  const bin = options.nvidiaSmi ?? 'nvidia-smi';
  const timeout = options.timeoutMs ?? 10_000;
  const report = options.onProblem ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? Date.now;
  let failing = false;

  const run = async (args: string[]): Promise<string> => {
    const r = await execa(bin, args, { timeout, reject: false, stripFinalNewline: false });
    if (r.failed) {
      const why = (r as { code?: string }).code === 'ENOENT' ? 'not found' : r.timedOut ? `timed out after ${timeout} ms` : `exit ${r.exitCode ?? r.signal}: ${String(r.stderr).trim() || String(r.stdout).trim()}`;
      throw new Error(`${bin} ${why}`);
    }
    return String(r.stdout);
  };

  return {
    async sample() {
      const timestampMs = now();
      try {
        const gpus = parseGpuCsv(await run(gpuQueryArgs()));
        if (gpus.length === 0) throw new Error(`${bin} printed no GPU`);
        // Per-process memory is a bonus: a driver that refuses it must not cost the GPU sample.
        const processes = await run(computeAppsArgs()).then(parseComputeAppsCsv, () => []);
        if (failing) report(`telemetry: nvidia-smi answers again (${gpus.length} GPU${gpus.length === 1 ? '' : 's'})`);
        failing = false;
        return { timestampMs, gpus, processes };
      } catch (error) {
        if (!failing) report(`telemetry: cannot sample GPUs: ${errorMessage(error)}; the agent keeps running and retries every interval (reported once)`);
        failing = true;
        return undefined;
      }
    },
  };
}
