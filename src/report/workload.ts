// What makes two runs the same workload: model, API, load, dataset and lengths. compare refuses
// runs whose workloads differ; history groups runs by it. Everything else (target URL, seed,
// duration, server version) may change between runs of one workload: that is what is measured.
import { loadLabel } from '../bench/engine/schedule.js';
import type { ResultDocument } from '../bench/results/result-schema.js';

export const WORKLOAD_FIELDS = ['model', 'api', 'load', 'dataset', 'input_len', 'output_len', 'range_ratio'] as const;
type WorkloadField = (typeof WORKLOAD_FIELDS)[number];
export type Workload = Record<WorkloadField, string>;

/** The workload of one run, each field as text ('-' where the run has none). */
export function workloadOf(run: ResultDocument): Workload {
  const { target, load, dataset } = run.config;
  const text = (value: number | undefined): string => (value === undefined ? '-' : String(value));
  return {
    model: target.model,
    api: target.api,
    load: loadLabel(load),
    dataset: dataset.path === undefined ? dataset.kind : `${dataset.kind}:${dataset.path}`,
    input_len: text(dataset.input_len),
    output_len: text(dataset.output_len),
    range_ratio: String(dataset.range_ratio),
  };
}

/** One string per workload, for grouping. */
export function workloadKey(run: ResultDocument): string {
  const w = workloadOf(run);
  return WORKLOAD_FIELDS.map((f) => `${f}=${w[f]}`).join(' ');
}

/** A short title for people: `model · completions · concurrency@8 · random 1024→128`. */
export function workloadTitle(w: Workload): string {
  const lengths = w.input_len === '-' && w.output_len === '-' ? '' : ` ${w.input_len}→${w.output_len}`;
  return `${w.model} · ${w.api} · ${w.load} · ${w.dataset}${lengths}`;
}

export interface WorkloadDifference {
  field: WorkloadField;
  base: string;
  next: string;
}

/** The fields where two workloads differ (empty: the same workload). */
export function workloadDifferences(base: Workload, next: Workload): WorkloadDifference[] {
  return WORKLOAD_FIELDS.filter((f) => base[f] !== next[f]).map((field) => ({ field, base: base[field], next: next[field] }));
}
