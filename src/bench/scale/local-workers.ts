// `--workers N` on one machine: N client processes split the load as N Slurm tasks would (the same
// share code, barrier, record files and merger), so a many-core host is not held to one event loop.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BenchError } from '../../errors.js';
import { forwardWarning, type BenchHooks, type BenchOutcome, type Endpoint } from '../engine/runner.js';
import { measuredTotal } from '../engine/measured-phase.js';
import { loadLabel } from '../engine/schedule.js';
import type { BenchSpec } from '../spec/bench-spec.js';
import { EXTRAS_FILE, mergeRunDir, type RunExtras } from './merge-run-dir.js';
import { RUN_FILES, runPath } from './run-dir.js';
import { readProgress, spawnShare } from './share-processes.js';

/** Run the spec with `spec.client.workers` local client processes and merge what they measured. */
export async function runWithWorkers(spec: BenchSpec, endpoint: Endpoint, hooks: BenchHooks = {}): Promise<BenchOutcome> {
  const count = spec.client.workers;
  const dir = await mkdtemp(join(tmpdir(), 'aibench-workers-'));
  try {
    await writeRunFiles(dir, spec, endpoint);
    const children = Array.from({ length: count }, (_, share) => spawnShare(dir, share, count));
    const stop = () => void writeFile(runPath(dir, RUN_FILES.stop), String((hooks.signal?.reason as Error | undefined)?.message ?? 'interrupted')).catch(() => undefined);
    hooks.signal?.addEventListener('abort', stop, { once: true });
    if (hooks.signal?.aborted) stop();
    const follow = setInterval(() => followProgress(dir, spec, count, hooks), 500);
    const codes = await Promise.all(children.map((c) => c.exited));
    clearInterval(follow);
    hooks.signal?.removeEventListener('abort', stop);
    const failed = children.filter((_, i) => codes[i] !== 0 && codes[i] !== 130);
    for (const child of failed) hooks.onInfo?.(`worker ${child.share} exited ${codes[children.indexOf(child)] ?? 'on a signal'}: ${child.tail() || '(no output)'}`);
    if (failed.length === count) throw new BenchError(`Every worker failed; the first said: ${failed[0]?.tail() || '(nothing)'}`);
    return mergeRunDir(dir, count);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// The spec the shares read (the endpoint made concrete; the key in a 0600 file) and the launcher's extras.
async function writeRunFiles(dir: string, spec: BenchSpec, endpoint: Endpoint): Promise<void> {
  let keyFile: string | undefined;
  if (endpoint.apiKey) {
    keyFile = join(dir, 'api-key');
    await writeFile(keyFile, endpoint.apiKey, { mode: 0o600 });
    await chmod(keyFile, 0o600);
  }
  const model = spec.target.model ?? endpoint.model;
  const replicas = endpoint.replicas ? { replicas: endpoint.replicas.map((r) => ({ id: r.id, url: r.url })) } : {};
  const shareSpec: BenchSpec = { ...spec, target: { ...spec.target, url: endpoint.url, ...(model ? { model } : {}), ...(keyFile ? { api_key_file: keyFile } : {}), ...replicas } };
  await writeFile(runPath(dir, RUN_FILES.spec), JSON.stringify(shareSpec));
  const extras: RunExtras = {
    client: { placement: 'local', network_path: endpoint.forwarded ? 'ssh-forward' : 'direct', ...forwardWarning(endpoint) },
    ...(endpoint.provenance ? { provenance: endpoint.provenance } : {}),
  };
  await writeFile(runPath(dir, EXTRAS_FILE), JSON.stringify(extras));
}

function followProgress(dir: string, spec: BenchSpec, count: number, hooks: BenchHooks): void {
  if (hooks.onProgress === undefined) return;
  const note = readProgress(dir, Array.from({ length: count }, (_, i) => i));
  if (note === undefined || note.phase === 'done') return;
  const load = spec.loads[note.step] ?? spec.loads[0];
  hooks.onProgress({
    label: load ? loadLabel(load) : 'run', step: note.step, steps: spec.loads.length, phase: note.phase, counts: note.counts,
    total: note.phase === 'warmup' ? spec.warmup : measuredTotal(spec), durationS: note.phase === 'warmup' ? undefined : spec.stop.duration_s,
    phaseStartMs: note.phaseStart - performance.timeOrigin,
  });
}
