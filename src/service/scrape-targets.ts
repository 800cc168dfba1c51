// Prometheus file_sd targets for services (the dashboards' label scheme, dashboards/README.md):
// when a service is READY, `<targets_dir>/aibench-<service_id>.json` names its endpoint with the
// labels service_id, slurm_job_id, model and cluster; when it stops (or is found FAILED / LOST)
// the file is removed. targets_dir is LOCAL to the machine running the CLI (the monitoring host,
// or a directory Prometheus reads), and the target is the compute node's own host:port: Prometheus
// must reach the node directly; the SSH forward the CLI uses for its own requests is not used
// for scraping (it lives only as long as one CLI command).
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { expandHome } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import { ConfigError, errorMessage } from '../errors.js';
import type { ServiceRecord } from './record.js';

/** One file_sd target group, as Prometheus reads it. */
interface FileSdGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** The configured targets directory with `~/` expanded, or undefined when not configured. */
export function targetsDirOf(config: Pick<Config, 'monitoring'>, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = config.monitoring?.targets_dir;
  return dir === undefined ? undefined : expandHome(dir, env.HOME);
}

/** `<dir>/aibench-<id>.json` (service ids are file-name safe: SERVICE_ID). */
export function targetFile(dir: string, id: string): string {
  return join(dir, `aibench-${id}.json`);
}

/** Pure: the file_sd document for a READY service (undefined without an endpoint). */
export function serviceTargetGroups(record: Pick<ServiceRecord, 'id' | 'job_id' | 'model' | 'cluster' | 'endpoint' | 'group'>): FileSdGroup[] | undefined {
  if (record.endpoint === undefined) return undefined;
  const host = record.endpoint.host.includes(':') ? `[${record.endpoint.host}]` : record.endpoint.host; // IPv6 literal
  return [{
    targets: [`${host}:${record.endpoint.port}`],
    labels: { service_id: record.id, slurm_job_id: record.job_id, model: record.model, cluster: record.cluster, ...(record.group ? { group: record.group } : {}) },
  }];
}

/** Create the directory up front, so a bad targets_dir is reported before a job is submitted. */
export async function prepareTargetsDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new ConfigError(`monitoring.targets_dir: cannot create ${dir}: ${errorMessage(error)}`, {
      hint: 'Point monitoring.targets_dir at a directory this user can write (Prometheus file_sd reads it).', cause: error,
    });
  }
}

/** Write the service's target file atomically (temp + rename: Prometheus never reads half a file). */
export async function writeServiceTarget(dir: string, record: ServiceRecord): Promise<string | undefined> {
  const groups = serviceTargetGroups(record);
  if (groups === undefined) return undefined;
  await mkdir(dir, { recursive: true });
  const path = targetFile(dir, record.id);
  await writeFileAtomic(path, `${JSON.stringify(groups, null, 2)}\n`, { mode: 0o644 });
  return path;
}

/** Remove the service's target file; a file already gone is fine. */
export async function removeServiceTarget(dir: string, id: string): Promise<void> {
  await rm(targetFile(dir, id), { force: true });
}
