// The Pushgateway grouping key as a URL path. The ONE encoder of grouping keys in aibench.
// Per the Pushgateway docs, a value that contains `/` (or is empty, which a path segment cannot
// be) is sent base64url-encoded under `<label>@base64`; the empty string is spelled `=`.
import { UsageError } from '../errors.js';
import { GPU_PUSH_JOB, SINK_LABEL, SINK_NAMES } from '../common/metric-catalog.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** One `/name/value` pair of the path, base64url-encoded where the Pushgateway requires it. */
export function groupingSegment(name: string, value: string): string {
  if (!LABEL_NAME.test(name)) throw new UsageError(`Expected a Prometheus label name, got ${JSON.stringify(name)}`);
  if (value === '') return `/${name}@base64/=`;
  if (value.includes('/')) return `/${name}@base64/${Buffer.from(value, 'utf8').toString('base64url')}`;
  return `/${name}/${encodeURIComponent(value)}`;
}

/** `/metrics/job/<job>/<label>/<value>...` in the given label order (job first, as the API wants). */
export function groupingPath(job: string, labels: ReadonlyArray<readonly [string, string]> | Record<string, string>): string {
  const pairs = Array.isArray(labels) ? labels : Object.entries(labels);
  return `/metrics${groupingSegment('job', job)}${pairs.map(([k, v]) => groupingSegment(k, v)).join('')}`;
}

interface AgentGrouping {
  host: string;
  slurmJobId: string;
  serviceId: string;
}

/**
 * The agent's grouping labels, in path order: instance, slurm_job_id, service_id, and via=pushgateway
 * (the Pushgateway adds them to every series of the group; via tells them from remote-write's).
 */
function agentGroupingLabels(g: AgentGrouping): [string, string][] {
  return [['instance', g.host], ['slurm_job_id', g.slurmJobId], ['service_id', g.serviceId], [SINK_LABEL, SINK_NAMES.pushgateway]];
}

/** `/metrics/job/aibench_gpu/instance/<host>/slurm_job_id/<id>/service_id/<sid>/via/pushgateway`. */
export function agentGroupingPath(g: AgentGrouping): string {
  return groupingPath(GPU_PUSH_JOB, agentGroupingLabels(g));
}
