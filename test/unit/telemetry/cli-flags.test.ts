// The telemetry and tunnel commands' flag parsing (pure, no process).
import { describe, expect, it } from 'vitest';
import { agentOptionsFromFlags } from '../../../src/cli/telemetry.js';
import { tunnelForwards } from '../../../src/cli/tunnel.js';

describe('telemetry agent flags', () => {
  it('fills grouping labels from the job environment and converts units', () => {
    const o = agentOptionsFromFlags({ pushgateway: 'http://login1:9091', interval: '1s', spoolMaxMb: '2', instance: 'node7' }, { SLURM_JOB_ID: '99', AIBENCH_SERVICE_ID: 'svc', HOME: '/h' });
    expect(o).toMatchObject({ pushgatewayUrl: 'http://login1:9091', intervalMs: 1000, spoolMaxBytes: 2 * 1024 * 1024, slurmJobId: '99', serviceId: 'svc', host: 'node7', once: false });
    expect(o.spoolDir).toBe('/h/.local/state/aibench/telemetry-spool/svc');
  });

  it('refuses no sink, bad URLs and bad sizes with the flag named', () => {
    expect(() => agentOptionsFromFlags({}, {})).toThrow(/--pushgateway URL and\/or --remote-write/);
    expect(() => agentOptionsFromFlags({ pushgateway: 'login1:9091' }, {})).toThrow(/--pushgateway: expected an http/);
    expect(() => agentOptionsFromFlags({ remoteWrite: 'http://x/api/v1/write', spoolMaxMb: '-1' }, {})).toThrow(/--spoolMaxMb|--spool/);
    expect(agentOptionsFromFlags({ once: true }, {}).once).toBe(true);
  });
});

describe('tunnel up flags', () => {
  it('pairs --remote-port with --local by position, with defaults', () => {
    expect(tunnelForwards({})).toEqual([{ remoteBind: '0.0.0.0', remotePort: 9091, local: 'http://127.0.0.1:9091' }]);
    expect(tunnelForwards({ remotePort: ['19091', '19090'], local: ['http://127.0.0.1:9091', 'http://127.0.0.1:9090'], remoteBind: '127.0.0.1' })).toHaveLength(2);
    expect(() => tunnelForwards({ remotePort: ['1', '2'], local: ['http://a:1'] })).toThrow(/as many --remote-port as --local/);
    expect(() => tunnelForwards({ remotePort: ['x'] })).toThrow(/port/);
  });
});
