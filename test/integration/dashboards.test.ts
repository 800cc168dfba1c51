// `dashboards check --prometheus` against the test cluster's real Prometheus, fed by a simulator
// scraped through a file_sd target (labels service_id, slurm_job_id: the documented scheme), the
// real telemetry agent with the fake nvidia-smi sending through both sinks (Pushgateway and
// remote-write), and a pushed bench result.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteBenchResult, pushBenchResult } from '../../src/bench/results/push.js';
import { ResultDocumentSchema } from '../../src/bench/results/result-schema.js';
import { runBenchmark } from '../../src/bench/engine/runner.js';
import { buildBenchSpec } from '../../src/bench/spec/build-spec.js';
import { buildDashboards } from '../../src/grafana/build.js';
import { checkDashboards, type CheckReport } from '../../src/grafana/check.js';
import { parseSimArgs } from '../../src/cli/sim-args.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { runAgent } from '../../src/telemetry/agent.js';
import { testCluster } from '../helpers/cluster.js';

const NVIDIA_SMI = resolve(import.meta.dirname, '../fixtures/bin/nvidia-smi');
const SERVICE_ID = `dash-test-${process.pid}`;
const JOB_ID = String(900_000 + (process.pid % 100_000));
const MODEL = 'dash-test/model';
const RUN_ID = `dash-test-run-${process.pid}`;

describe('dashboards check --prometheus on the test cluster', () => {
  let sim: SimServer;
  let targetFile: string;
  let spoolDir: string;
  const agentStop = new AbortController();
  let agent: Promise<unknown>;
  let pushed: Record<string, string> | undefined;

  beforeAll(async () => {
    const cluster = testCluster();
    sim = await startSimServer(parseSimArgs([MODEL, '--host', '127.0.0.1', '--port', '0', '--itl-ms', '2']).options);
    targetFile = join(cluster.dir, 'prometheus', 'targets', `aibench-dashboards-test-${process.pid}.json`);
    await writeFile(targetFile, JSON.stringify([{ targets: [`127.0.0.1:${sim.port}`], labels: { service_id: SERVICE_ID, slurm_job_id: JOB_ID } }]));
    spoolDir = await mkdtemp(join(tmpdir(), 'aibench-dash-spool-'));
    agent = runAgent({
      pushgatewayUrl: cluster.pushgatewayUrl, remoteWriteUrl: new URL('/api/v1/write', cluster.prometheusUrl).href, intervalMs: 1000, spoolDir, spoolMaxBytes: 1_000_000,
      host: 'dash-test-node', slurmJobId: JOB_ID, serviceId: SERVICE_ID, nvidiaSmi: NVIDIA_SMI, log: () => undefined,
    }, agentStop.signal);
    // Traffic for the vLLM counters and histograms, and a result to push.
    const spec = buildBenchSpec({
      url: sim.url, concurrency: 4, num_requests: 40, input_len: 50, output_len: 10, seed: 1, percentiles: [50, 90, 99],
      goodput: 'ttft:10000', // goodput is pushed only when SLOs are given
    });
    const { runs } = await runBenchmark(spec, { url: sim.url });
    const doc = ResultDocumentSchema.parse(runs[0]);
    await pushBenchResult(cluster.pushgatewayUrl, doc, RUN_ID);
    pushed = { model: doc.config.target.model, load: doc.label ?? 'run', run_id: RUN_ID };
  });

  afterAll(async () => {
    agentStop.abort(); // the agent deletes its Pushgateway group on stop
    await agent?.catch(() => undefined);
    if (targetFile) await rm(targetFile, { force: true });
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
    await sim?.close();
    const cluster = testCluster();
    if (pushed) await deleteBenchResult(cluster.pushgatewayUrl, pushed).catch(() => undefined);
  });

  it('every GPU, vLLM and bench panel query returns data', async () => {
    const { prometheusUrl } = testCluster();
    const models = JSON.parse(JSON.stringify(buildDashboards())) as Record<string, unknown>;
    let report: CheckReport | undefined;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      report = await checkDashboards(models, { prometheusUrl, variables: { service_id: SERVICE_ID } });
      if (report.ok) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    expect(report?.problems).toEqual([]);
    const promql = report!.queries.filter((q) => q.language === 'promql');
    expect(promql.every((q) => (q.series ?? 0) > 0)).toBe(true);
    const names = new Set(promql.flatMap((q) => q.metrics));
    for (const name of ['aibench_gpu_utilization_ratio', 'aibench_gpu_process_memory_used_bytes', 'vllm:time_to_first_token_seconds_bucket', 'aibench_bench_ttft_p99_seconds']) {
      expect(names.has(name), name).toBe(true);
    }
    // Both sinks deliver each GPU (two copies, told apart by via); the GPU panels show each GPU once.
    const gpuPanel = promql.find((q) => q.dashboard === 'service.json' && q.where.startsWith('panel "GPU utilisation"'));
    expect(gpuPanel?.series, gpuPanel?.resolved).toBe(2);
    const copies = new URL('/api/v1/query', prometheusUrl);
    copies.searchParams.set('query', `count by (via) (aibench_gpu_utilization_ratio{service_id="${SERVICE_ID}"})`);
    const byVia = ((await (await fetch(copies)).json()) as { data: { result: { metric: { via: string }; value: [number, string] }[] } }).data.result;
    expect(byVia.map((r) => [r.metric.via, r.value[1]]).sort()).toEqual([['pushgateway', '2'], ['remote_write', '2']]);
    // job_id was derived from the chosen service through Prometheus.
    const logs = report!.queries.find((q) => q.language === 'logql');
    expect(logs?.resolved).toContain(`slurm_job_id="${JOB_ID}"`);
  });
});
