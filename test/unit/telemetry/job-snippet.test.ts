// The job-body lines that start the agent: quoted values, SLURM_JOB_ID from the job, stopped on exit.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTelemetryStart } from '../../../src/telemetry/job-snippet.js';
import { renderPrometheusConfig } from '../../../src/telemetry/prometheus-config.js';

describe('renderTelemetryStart', () => {
  it('starts the agent in the background with quoted values and a kill trap', () => {
    const lines = renderTelemetryStart({ pushgatewayUrl: 'http://login1:9091', intervalS: 5, serviceId: "svc'1 $(x)", aibenchCommand: 'aibench' });
    const script = lines.join('\n');
    expect(script).toContain(`aibench telemetry agent --pushgateway http://login1:9091 --interval 5s --service-id 'svc'\\''1 $(x)' --slurm-job-id "\${SLURM_JOB_ID:-}"`);
    expect(script).toMatch(/&\nAIBENCH_TELEMETRY_PID=\$!\ntrap '.*kill -TERM/);
    expect(() => execFileSync('bash', ['-n', '-c', script])).not.toThrow();
  });

  it('refuses an agent without a sink', () => {
    expect(() => renderTelemetryStart({ serviceId: 's', aibenchCommand: 'aibench' })).toThrow(/Pushgateway URL or a remote-write URL/);
  });

  it('runs: the agent sees the job id and the hostile service id literally, and is killed at exit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibench-snippet-'));
    const fake = join(dir, 'fake-aibench');
    writeFileSync(fake, '#!/bin/sh\nprintf "<%s>" "$@" > "$OUT"; echo $$ > "$OUT.pid"; exec sleep 30\n', { mode: 0o755 });
    const lines = renderTelemetryStart({ remoteWriteUrl: 'http://x/api/v1/write', serviceId: "a'b;$(c)", aibenchCommand: fake });
    const out = join(dir, 'args');
    execFileSync('bash', ['-c', [...lines, 'while [ ! -s "$OUT.pid" ]; do sleep 0.05; done'].join('\n')], { env: { ...process.env, SLURM_JOB_ID: '77', OUT: out }, timeout: 10_000, stdio: 'ignore' });
    expect(readFileSync(out, 'utf8')).toContain("<--service-id><a'b;$(c)><--slurm-job-id><77>");
    const pid = Number(readFileSync(`${out}.pid`, 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow(); // the EXIT trap killed it (wait reaped it)
  });
});

describe('renderPrometheusConfig', () => {
  it('names honor_labels, the receiver flag and the out-of-order window', () => {
    const text = renderPrometheusConfig({ pushgatewayTarget: '127.0.0.1:29091' });
    expect(text).toMatch(/honor_labels: true/);
    expect(text).toMatch(/--web\.enable-remote-write-receiver/);
    expect(text).toMatch(/out_of_order_time_window/);
    expect(text).toContain("targets: ['127.0.0.1:29091']");
  });
});
