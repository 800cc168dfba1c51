// The `config` block a result records for one load level of a spec, built and checked BEFORE the
// first request: a run whose record would not validate never starts.
import { BenchError } from '../../errors.js';
import { formatZodIssues, PARSE_ONCE } from '../../config/zod-error.js';
import type { BenchSpec, LoadPattern } from '../spec/bench-spec.js';
import { RunConfigSchema, type RunConfig } from './result-schema.js';

/** What one step of `spec` is, as its result records it (target URL and the model that answered). */
function runConfigOf(spec: BenchSpec, load: LoadPattern, target: { url: string; model: string }): RunConfig {
  const { kind, ...fields } = spec.dataset;
  const stop: RunConfig['stop'] = { on_deadline: spec.stop.on_deadline };
  if (spec.stop.until_end) stop.until_end = true;
  if (spec.stop.duration_s !== undefined) stop.duration_s = spec.stop.duration_s;
  if (spec.stop.num_requests !== undefined) stop.num_requests = spec.stop.num_requests;
  if (spec.stop.duration_s !== undefined && spec.stop.on_deadline === 'finish') stop.deadline_grace_s = spec.stop.deadline_grace_s;
  return {
    target: { url: target.url, model: target.model, api: spec.target.api, ...(spec.target.balance ? { balance: spec.target.balance } : {}) },
    load,
    stop,
    dataset: { kind, range_ratio: 0, seed: spec.seed, ...fields },
    warmup: { num_requests: spec.warmup },
    ...(spec.slo !== undefined && Object.keys(spec.slo).length > 0 ? { slo: spec.slo } : {}),
    percentiles: spec.percentiles,
  };
}

/** Every step's config, validated by the result schema; a failure is a bug, reported before any request. */
export function validatedRunConfigs(spec: BenchSpec, target: { url: string; model: string }): RunConfig[] {
  return spec.loads.map((load) => {
    const parsed = RunConfigSchema.safeParse(runConfigOf(spec, load, target), PARSE_ONCE);
    if (parsed.success) return parsed.data;
    throw new BenchError(`The run's configuration would not validate as a result, so nothing was sent: ${formatZodIssues(parsed.error, ['config']).join('; ')}`, {
      hint: 'This is a bug in aibench; report it with the command line you ran.',
    });
  });
}
