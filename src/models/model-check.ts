// `models check MODEL` and the check `service start` runs before it submits: is the model in the
// cluster's hub cache, complete, and so able to start without the network? A model that is
// missing while the cluster is offline (hf_offline), or present but incomplete, is refused at once
// (exit 2) with what is missing, instead of failing after the queue wait.
import { UsageError } from '../errors.js';
import type { Executor } from '../exec/types.js';
import { readCatalogue, type CatalogueEntry } from './catalogue.js';
import { checkHubId, isModelPath, refusePathTraversal } from './model-id.js';

export interface ModelCheck {
  model: string;
  hub_cache: string;
  hf_offline: boolean;
  /** In the cache (any revision). */
  found: boolean;
  complete: boolean;
  /** Complete in the cache: the server needs no download. */
  can_start_offline: boolean;
  missing: string[];
  /** For people: what the answer means for `service start`. */
  note: string;
  entry?: CatalogueEntry;
  /** Paths are not looked up in the hub cache. */
  checked: boolean;
}

export interface CheckCluster {
  name: string;
  hf_offline: boolean;
  paths: { hf_hub_cache: string };
}

/** Look the model up in the cluster's hub cache (a path is refused only for `..`, and left unchecked). */
export async function checkModel(ex: Executor, cluster: CheckCluster, model: string, revision?: string): Promise<ModelCheck> {
  const base = { model, hub_cache: cluster.paths.hf_hub_cache, hf_offline: cluster.hf_offline };
  if (isModelPath(model)) {
    refusePathTraversal(model);
    return { ...base, found: false, complete: false, can_start_offline: false, missing: [], checked: false, note: 'a path, not a hub id: not looked up in the HF cache' };
  }
  checkHubId(model, '--model');
  const catalogue = await readCatalogue(ex, cluster.paths.hf_hub_cache, { id: model, ...(revision ? { revision } : {}) });
  const entry = catalogue.models[0];
  if (entry === undefined) {
    const where = catalogue.found ? `not in the HF cache ${cluster.paths.hf_hub_cache}` : `the HF cache ${cluster.paths.hf_hub_cache} does not exist`;
    const note = cluster.hf_offline ? `${where}, and the cluster is offline (hf_offline: true): the server cannot download it` : `${where}: the server will download it at start (HF_HUB_OFFLINE is not set)`;
    return { ...base, found: false, complete: false, can_start_offline: false, missing: ['the model'], checked: true, note };
  }
  const note = entry.complete ? `complete in the HF cache (revision ${entry.revision})` : `incomplete in the HF cache: missing ${entry.missing.join('; ')}${entry.downloading ? ' (a download is in progress)' : ''}`;
  return { ...base, found: true, complete: entry.complete, can_start_offline: entry.complete, missing: entry.missing, checked: true, note, entry };
}

/** The refusal `service start` raises for a check, or undefined when the model may start. */
export function modelRefusal(check: ModelCheck, cluster: string): UsageError | undefined {
  if (!check.checked || check.complete) return undefined;
  if (check.found) {
    return new UsageError(`--model ${check.model}: ${check.note} on cluster ${cluster}`, {
      code: 'E_MODEL_INCOMPLETE',
      hint: `Finish the download on a node with network (huggingface-cli download ${check.model} with HF_HUB_CACHE=${check.hub_cache}); \`aibench models check ${check.model} --cluster ${cluster}\` shows what is there.`,
    });
  }
  if (!check.hf_offline) return undefined;
  return new UsageError(`--model ${check.model}: ${check.note} (cluster ${cluster})`, {
    code: 'E_MODEL_MISSING',
    hint: `Download it into ${check.hub_cache} first (huggingface-cli download ${check.model}), or list what is there: aibench models ls --cluster ${cluster}.`,
  });
}
