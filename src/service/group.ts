// Replicas: `service start --replicas N` starts N independent services (one job each) as one
// group, `<group>-1` ... `<group>-N`, each record naming its group. A group is found by its id
// wherever a service id is accepted (stop, status, bench run --service); it is started as one:
// when any replica fails to start, the others are stopped and the start fails.
import { ConflictError, UsageError } from '../errors.js';
import { newServiceId, startService, type ServiceHooks, type ClusterSession, type StartServiceInput } from './lifecycle.js';
import { isFinalStatus, type ServiceRecord } from './record.js';
import { SERVICE_ID } from './id.js';
import { findService } from './session.js';
import { stopService } from './stop.js';
import { ServiceStore, type Records } from './store.js';

const MAX_REPLICAS = 64;

/** `--replicas N`: a whole number from 1 to 64. */
export function checkReplicas(value: number | undefined): number {
  if (value === undefined) return 1;
  if (!Number.isInteger(value) || value < 1 || value > MAX_REPLICAS) throw new UsageError(`--replicas: expected a whole number from 1 to ${MAX_REPLICAS}, got ${JSON.stringify(value)}`);
  return value;
}

/** The replica ids of a group: `<group>-1` ... */
export function replicaIds(group: string, replicas: number): string[] {
  return Array.from({ length: replicas }, (_, i) => `${group}-${i + 1}`);
}

/** Replicas in their group's order (a listing sorts by creation time, and replicas start together). */
export function byReplica(records: readonly ServiceRecord[]): ServiceRecord[] {
  return [...records].sort((a, b) => (a.replica ?? 0) - (b.replica ?? 0));
}

/**
 * The service `id` names, or the members of the group it names (by replica); a group that runs wins
 * over an ended service of the same name. A UsageError listing what exists otherwise.
 */
export function resolveServices(records: Records, id: string): ServiceRecord[] {
  const single = records[id];
  const members = byReplica(Object.values(records).filter((r) => r.group === id));
  if (single !== undefined && !(isFinalStatus(single.status) && liveMembers(members).length > 0)) return [single];
  return members.length > 0 ? members : [findService(records, id)];
}

/** The group's members that still run (or start): its current generation. */
export function liveMembers(members: readonly ServiceRecord[]): ServiceRecord[] {
  return members.filter((r) => !isFinalStatus(r.status));
}

/** Start N replicas as one group (N = 1: one plain service); all or nothing. */
export async function startServiceGroup(target: ClusterSession, input: StartServiceInput & { replicas?: number | undefined }, hooks: ServiceHooks = {}): Promise<{ group?: string; services: ServiceRecord[] }> {
  const replicas = checkReplicas(input.replicas);
  if (replicas === 1) return { services: [await startService(target, input, hooks)] };
  const store = hooks.store ?? new ServiceStore();
  const group = input.id ?? newServiceId(input.model);
  const ids = replicaIds(group, replicas);
  if (!ids.every((id) => SERVICE_ID.test(id))) throw new UsageError(`--name: expected a group id that leaves room for "-${replicas}" within 40 letters, digits, _ . -, got ${JSON.stringify(group)}`);
  const records = await store.read();
  const live = records[group] !== undefined && !isFinalStatus(records[group].status) ? records[group] : undefined;
  const taken = live ?? Object.values(records).find((r) => r.group === group && !isFinalStatus(r.status));
  if (taken !== undefined) throw new ConflictError(`Service or group ${group} already exists (${taken.id} is ${taken.status})`, { hint: `Stop it first: aibench service stop ${group}` });
  // One replica failing ends the others' starts (their jobs are cancelled); an outer abort reaches all.
  const all = new AbortController();
  let cause: { error: unknown } | undefined;
  hooks.signal?.addEventListener('abort', () => all.abort(hooks.signal?.reason), { once: true });
  const start = (id: string, i: number) => startService(target, { ...input, id, group: { id: group, replica: i + 1 } }, { ...hooks, store, signal: all.signal }).catch((error: unknown) => {
    if (!all.signal.aborted) {
      cause = { error };
      all.abort(new Error(`replica ${id} failed to start`));
    }
    throw error;
  });
  const settled = await Promise.allSettled(ids.map(start));
  if (settled.every((s) => s.status === 'fulfilled')) return { group, services: settled.map((s) => (s as PromiseFulfilledResult<ServiceRecord>).value) };
  // All or nothing: the replicas that did start (or are starting) are stopped.
  const current = await store.read();
  for (const id of ids) {
    const record = current[id];
    if (record !== undefined && !isFinalStatus(record.status)) await stopService(target, record, { ...hooks, store, signal: undefined }).catch(() => undefined);
  }
  // The first failure is the cause (an outer abort has none: the others were stopped because of it).
  throw cause?.error ?? (settled.find((s) => s.status === 'rejected') as PromiseRejectedResult).reason;
}
