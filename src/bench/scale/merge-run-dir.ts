// The one merger of a scaled-out run: every share's records pooled per load level into the same
// documents an in-process run writes (percentiles over the union, never averaged), a share that
// died named, and the verdict. Used by local workers and by the cluster client's merge step.
import { existsSync, readFileSync } from 'node:fs';
import { BenchError } from '../../errors.js';
import { loadLabel } from '../engine/schedule.js';
import type { BenchOutcome } from '../engine/runner.js';
import { parseGpuProvenance } from '../results/gpu-provenance.js';
import { buildRunDocument, type ClientExtras, type RunProvenance } from '../results/build-result.js';
import { poolShares, type ShareMeasurement } from '../results/pool-shares.js';
import type { ResultDocument } from '../results/result-schema.js';
import { validatedRunConfigs } from '../results/run-config.js';
import { settle } from '../results/verdict.js';
import { readRunSpec } from './exec-share.js';
import type { ScrapeLog } from '../scrape/server-metrics.js';
import { decodeRecords, readyFile, recordsFile, RUN_FILES, runPath, scrapeFile, summaryFile, type ReadyNote, type ShareSummary } from './run-dir.js';

/** What the launcher knows that the shares do not: placement, Slurm work, the service's provenance. */
export interface RunExtras {
  client?: Pick<ClientExtras, 'placement' | 'network_path' | 'network_warning' | 'slurm'>;
  provenance?: RunProvenance;
}

/** Written by a launcher next to the spec, read by the merge (which may run on another host). */
export const EXTRAS_FILE = 'extras.json';

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** A client job merges inside itself: its own job id is the client's (SLURM_JOB_ID), recorded next to the service's. */
function withClientJob(extras: RunExtras, env: NodeJS.ProcessEnv = process.env): RunExtras {
  const slurm = extras.client?.slurm;
  if (slurm?.placement !== 'partition' || !env.SLURM_JOB_ID || slurm.client_job_id !== undefined) return extras;
  return { ...extras, client: { ...extras.client, slurm: { ...slurm, client_job_id: env.SLURM_JOB_ID } } };
}

/** Merge the run directory of `count` shares into documents and a verdict. */
export function mergeRunDir(dir: string, count: number): BenchOutcome {
  const spec = readRunSpec(dir);
  const extras = withClientJob(readJson<RunExtras>(runPath(dir, EXTRAS_FILE)) ?? {});
  const gpu = existsSync(runPath(dir, RUN_FILES.gpu)) ? parseGpuProvenance(readFileSync(runPath(dir, RUN_FILES.gpu), 'utf8')) : undefined;
  const provenance = gpu === undefined ? extras.provenance : { ...extras.provenance, gpu };
  const summaries = Array.from({ length: count }, (_, i) => readJson<ShareSummary>(runPath(dir, summaryFile(i))));
  const records = Array.from({ length: count }, (_, i) => (existsSync(runPath(dir, recordsFile(i))) ? decodeRecords(readFileSync(runPath(dir, recordsFile(i)), 'utf8')) : new Map()));
  const nodes = Array.from({ length: count }, (_, i) => summaries[i]?.node ?? readJson<ReadyNote>(runPath(dir, readyFile(0, i)))?.node);
  const first = summaries.find((s) => s !== undefined && s.server.model !== '?');
  if (first === undefined) {
    const errors = summaries.flatMap((s) => (s?.error ? [`share ${s.share}: ${s.error}`] : []));
    throw new BenchError(`No client share got as far as measuring${errors.length > 0 ? `: ${errors.join('; ')}` : ''}`, { hint: `See ${runPath(dir, RUN_FILES.log)}` });
  }
  const stopReason = existsSync(runPath(dir, RUN_FILES.stop)) ? readFileSync(runPath(dir, RUN_FILES.stop), 'utf8').trim() || 'stopped' : undefined;
  const configs = validatedRunConfigs(spec, { url: spec.target.url ?? 'http://unknown', model: first.server.model });
  const runs: ResultDocument[] = [];
  let interrupted = false;
  for (const [step, config] of configs.entries()) {
    const shares: ShareMeasurement[] = summaries.map((summary, i) => {
      const note = summary?.steps.find((s) => s.step === step);
      return {
        index: i, ...(nodes[i] ? { node: nodes[i] } : {}), records: records[i]?.get(step) ?? [],
        // No note for this level: stopped before it (interrupted), or failed or died (no window: 'died').
        ...(note ? { window: note.window, loop: note.loop, interrupted: note.interrupted } : summary !== undefined && !summary.error ? { interrupted: true } : {}),
      };
    });
    const ran = shares.filter((s) => s.window !== undefined || s.records.length > 0);
    if (ran.length === 0) break;
    const stepInterrupted = shares.some((s) => s.interrupted === true);
    const pool = poolShares(shares);
    const notes = summaries.flatMap((s) => s?.steps.filter((n) => n.step === step) ?? []);
    // One log per server scraped; a run dir written before replica groups were scraped whole holds one log.
    const scraped = readJson<ScrapeLog[] | ScrapeLog>(runPath(dir, scrapeFile(step)));
    const scrape = scraped === undefined || Array.isArray(scraped) ? scraped : [scraped];
    runs.push(buildRunDocument({
      spec, config, label: loadLabel(config.load), records: pool.records, window: pool.window, loop: pool.loop,
      startedAt: new Date(Math.min(...notes.map((n) => Date.parse(n.startedAt)), pool.window.startMs)),
      endedAt: new Date(Math.max(...notes.map((n) => Date.parse(n.endedAt)), pool.window.endMs)),
      tokenizer: first.tokenizer, server: first.server, provenance,
      clientExtras: {
        ...extras.client, tasks: spec.client.tasks, workers: spec.client.workers, shares: pool.shares,
        ...(pool.startSkewMs === undefined ? {} : { start_skew_ms: pool.startSkewMs }),
      },
      interruptedBy: stepInterrupted ? (stopReason ?? 'interrupted') : undefined,
      ...(scrape === undefined ? {} : { scrape }),
      ...(notes[0]?.batch ? { batch: notes[0].batch } : {}),
    }));
    if (stepInterrupted) {
      interrupted = true;
      break;
    }
  }
  return settle(runs, spec, interrupted);
}
