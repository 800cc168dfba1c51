// Model names as people type them (`Qwen/Qwen2.5-0.5B`, `gpt2`, `/shared/models/llama`) and the
// HuggingFace hub cache directory that holds one (`models--Qwen--Qwen2.5-0.5B`). Pure.
import { UsageError } from '../errors.js';

/** A hub repo id: `name` or `org/name`, letters, digits, `_ . -` (what the hub itself allows). */
const HUB_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)?$/;

/** True when `model` names a directory (an absolute or ./ path) rather than a hub repo id. */
export function isModelPath(model: string): boolean {
  return model.startsWith('/') || model.startsWith('./') || model.startsWith('~/');
}

/** Refuse a model name with a `..` path segment: it would read (or mount) files outside the cache. */
export function refusePathTraversal(model: string, field = '--model'): void {
  if (model.split('/').some((segment) => segment === '..')) {
    throw new UsageError(`${field}: expected a model id or path without ".." segments, got ${JSON.stringify(model)}`, {
      code: 'E_MODEL_ID',
      hint: 'Name a hub id like Qwen/Qwen2.5-0.5B-Instruct, or an absolute path to a model directory.',
    });
  }
}

/** Refuse anything that is not a hub repo id (for the catalogue, which only knows the hub cache). */
export function checkHubId(model: string, field = 'MODEL'): void {
  refusePathTraversal(model, field);
  if (!HUB_ID.test(model) || model.includes('--') || model.length > 200) {
    throw new UsageError(`${field}: expected a hub model id like org/name (letters, digits, _ . -), got ${JSON.stringify(model)}`, { code: 'E_MODEL_ID' });
  }
}

/** `models--Qwen--Qwen2.5-0.5B` -> `Qwen/Qwen2.5-0.5B`; undefined for anything else. */
export function modelIdOfDir(dir: string): string | undefined {
  if (!dir.startsWith('models--')) return undefined;
  const id = dir.slice('models--'.length).split('--').join('/');
  return HUB_ID.test(id) ? id : undefined;
}
