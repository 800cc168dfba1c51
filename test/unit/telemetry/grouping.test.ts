// Pushgateway grouping-key paths, including the base64 rule for `/` and empty values.
import { describe, expect, it } from 'vitest';
import { agentGroupingPath, groupingPath, groupingSegment } from '../../../src/telemetry/grouping.js';

describe('grouping keys', () => {
  it('builds the agent path in job, instance, slurm_job_id, service_id, via order', () => {
    expect(agentGroupingPath({ host: 'gpu-node1', slurmJobId: '4242', serviceId: 'svc-1' })).toBe('/metrics/job/aibench_gpu/instance/gpu-node1/slurm_job_id/4242/service_id/svc-1/via/pushgateway');
  });

  it('base64url-encodes values with / under label@base64, as the Pushgateway docs say', () => {
    expect(groupingSegment('service_id', 'meta-llama/Llama-3-8B')).toBe(`/service_id@base64/${Buffer.from('meta-llama/Llama-3-8B').toString('base64url')}`);
    expect(groupingSegment('path', '/var/tmp')).toBe('/path@base64/L3Zhci90bXA');
  });

  it('encodes an empty value as = under @base64', () => {
    expect(agentGroupingPath({ host: 'n', slurmJobId: '', serviceId: 's' })).toBe('/metrics/job/aibench_gpu/instance/n/slurm_job_id@base64/=/service_id/s/via/pushgateway');
  });

  it('percent-encodes other unsafe characters and refuses bad label names', () => {
    expect(groupingPath('j', { a: 'x y?#' })).toBe('/metrics/job/j/a/x%20y%3F%23');
    expect(() => groupingSegment('bad-name', 'v')).toThrow(/label name/);
  });
});
