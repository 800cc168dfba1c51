// `service ls` / `status` / `logs`: the store reconciled with Slurm (one batched status call per
// cluster), so a service whose job ended or vanished shows FAILED, STOPPED or LOST, never READY.
import type { Config } from '../config/schema.js';
import { AibenchError } from '../errors.js';
import { jobLogs } from '../slurm/logs.js';
import { type JobReport } from '../slurm/status-merge.js';
import { jobStatus } from '../slurm/status.js';
import { changedFields, reconcileRecord } from './reconcile.js';
import { isFinalStatus, type ServiceRecord } from './record.js';
import { getService, onServiceCluster, openTarget, type OpenTarget } from './session.js';
import { ServiceStore } from './store.js';
import { removeServiceTarget, targetsDirOf } from './scrape-targets.js';

export interface QueryOptions {
  store?: ServiceStore;
  /** Only this cluster's services. */
  cluster?: string | undefined;
  /** Only these ids. */
  ids?: readonly string[];
  open?: OpenTarget;
}

const hasChanges = (record: ServiceRecord | undefined, report: JobReport | undefined): boolean =>
  record !== undefined && Object.keys(changedFields(record, reconcileRecord(record, report))).length > 0;

/** A cluster whose services could not be checked: it did not answer (SSH, Slurm) or is no longer configured. */
export interface UnreachableCluster {
  cluster: string;
  error: AibenchError;
}

/** What `service ls` shows: every matching service, and the clusters that did not answer. */
export interface ServiceSurvey {
  /** Reconciled with Slurm, except those of unreachable clusters: their last known record. */
  services: ServiceRecord[];
  unreachable: UnreachableCluster[];
}

/**
 * Every (matching) service, reconciled with Slurm one cluster at a time; changed records are
 * written back in one locked update. A cluster that does not answer costs only its own services
 * their check: the others are still listed, and it is named in `unreachable`.
 */
export async function surveyServices(config: Config, options: QueryOptions = {}): Promise<ServiceSurvey> {
  const store = options.store ?? new ServiceStore();
  const all = Object.values(await store.read()).filter(
    (r) => (options.cluster === undefined || r.cluster === options.cluster) && (options.ids === undefined || options.ids.includes(r.id)),
  );
  const reports: Array<{ id: string; jobId: string; report: JobReport | undefined }> = [];
  const unreachable: UnreachableCluster[] = [];
  const byCluster = new Map<string, ServiceRecord[]>();
  for (const r of all) if (!isFinalStatus(r.status) && r.job_id !== '') byCluster.set(r.cluster, [...(byCluster.get(r.cluster) ?? []), r]);
  for (const [clusterName, records] of byCluster) {
    let found: JobReport[];
    try {
      found = await onServiceCluster(config, clusterName, ({ ex }) => jobStatus(ex, records.map((r) => r.job_id)), options.open ?? openTarget);
    } catch (error) {
      if (!(error instanceof AibenchError)) throw error;
      unreachable.push({ cluster: clusterName, error });
      continue;
    }
    for (const r of records) reports.push({ id: r.id, jobId: r.job_id, report: found.find((f) => f.jobId === r.job_id) });
  }
  // Written only when something changed, so `service ls` from cron does not rewrite the store.
  const stale = reports.filter(({ id, report }) => hasChanges(all.find((r) => r.id === id), report));
  if (stale.length > 0) {
    const changed = await store.reconcile(stale);
    // A service found ended (STOPPED / FAILED / LOST) is no longer a scrape target.
    const targetsDir = targetsDirOf(config);
    if (targetsDir !== undefined) {
      for (const r of changed) if (isFinalStatus(r.status)) await removeServiceTarget(targetsDir, r.id).catch(() => undefined);
    }
  }
  const fresh = await store.read();
  const services = all.map((r) => fresh[r.id] ?? r).sort((a, b) => a.created_at.localeCompare(b.created_at));
  return { services, unreachable };
}

/** Every (matching) service, reconciled with Slurm; throws the first cluster's error when one does not answer. */
export async function listServices(config: Config, options: QueryOptions = {}): Promise<ServiceRecord[]> {
  const survey = await surveyServices(config, options);
  if (survey.unreachable[0] !== undefined) throw survey.unreachable[0].error;
  return survey.services;
}

/** One service, reconciled (UsageError listing the known ids when it does not exist). */
export async function serviceStatus(config: Config, id: string, options: Omit<QueryOptions, 'ids' | 'cluster'> = {}): Promise<ServiceRecord> {
  const store = options.store ?? new ServiceStore();
  await getService(store, id);
  const [record] = await listServices(config, { ...options, store, ids: [id] });
  return record ?? (await getService(store, id));
}

/** Print a service's job log (the Slurm job's output), optionally following it. */
export async function serviceLogs(
  config: Config,
  id: string,
  options: { lines: number; follow?: boolean; signal?: AbortSignal; write: (text: string) => void; store?: ServiceStore; open?: OpenTarget },
): Promise<void> {
  const record = await getService(options.store ?? new ServiceStore(), id);
  await onServiceCluster(config, record.cluster, async ({ ex, cluster }) => {
    await jobLogs(ex, cluster.paths.state_dir, record.job_id, {
      lines: options.lines, follow: options.follow ?? false, write: options.write, ...(options.signal ? { signal: options.signal } : {}),
    });
  }, options.open ?? openTarget);
}
