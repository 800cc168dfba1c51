// Issue 18 on the real test cluster (Slurm + sshd, the simulator as vLLM): the HF cache as a
// catalogue (a cache tree made here: complete, missing weights, missing tokenizer) and the refusal
// before submission; VRAM estimate next to the measured memory; OOM recovery against a simulator
// that fails like vLLM; replicas with a benchmark spread over them; a container stand-in.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCluster } from '../helpers/cluster.js';
import { makeFakeHub } from '../helpers/hf-cache.js';
import { BIN, REPO_ROOT, runBin, tempHome, type BinResult } from '../helpers/run-bin.js';

const FAST = ['--vllm-arg=--itl-ms=1', '--vllm-arg=--prefill-overhead-ms=1', '--vllm-arg=--prefill-ms-per-token=0'];
let dir = '';
let configPath = '';
let hub = '';
let ids: ReturnType<typeof makeFakeHub>;
const jobIds = new Set<string>();

beforeAll(() => {
  const tc = testCluster();
  dir = mkdtempSync(join(tmpdir(), 'aibench-models-it-'));
  hub = join(dir, 'hf', 'hub');
  ids = makeFakeHub(hub);
  mkdirSync(join(dir, 'extra'));
  writeFileSync(join(dir, 'vllm.sif'), 'stand-in image');
  const node = dirname(process.execPath);
  const common = (setup: string[], extra = '') => `
    executor: ssh
    ssh: { host: ${tc.sshHost}, port: ${tc.sshPort}, user: ${tc.sshUser}, identity_file: ${tc.sshKey}, known_hosts_file: ${tc.knownHosts}, agent: false }
    slurm: { partition: ${tc.partition} }
    paths: { state_dir: ${tc.stateDir}, hf_home: ${join(dir, 'hf')}, hf_hub_cache: ${hub} }
    vllm_command: ${process.execPath} ${BIN} sim
    aibench_command: ${process.execPath} ${BIN}
    gpu: { memory_gib: 80, per_node: 8 }
    setup: ${JSON.stringify(setup)}
${extra}`;
  const fakeSmi = [`export PATH=${node}:${join(REPO_ROOT, 'test/fixtures/bin')}:$PATH`, 'export FAKE_NVIDIA_SMI_SCENARIO=h100x2'];
  const container = [`export PATH=${node}:${join(REPO_ROOT, 'test/fixtures/container-bin')}:$PATH`, `export FAKE_APPTAINER_LOG=${join(dir, 'apptainer.log')}`];
  configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, `default_cluster: m
clusters:
  m:${common(fakeSmi)}
  off:${common(fakeSmi, '    hf_offline: true\n')}
  ctr:${common(container, `    container: { runtime: apptainer, image: ${join(dir, 'vllm.sif')}, mounts: ["${join(dir, 'extra')}:/data"] }\n    telemetry: { pushgateway_url: ${tc.pushgatewayUrl}, interval_s: 1 }\n`)}
`);
});

afterAll(async () => {
  if (jobIds.size > 0) await execa('scancel', [...jobIds], { reject: false, env: { SLURM_CONF: testCluster().slurmConf } });
});

async function aibench(args: string[], home: string): Promise<BinResult> {
  const out = await runBin(args, { home, timeoutMs: 180_000, env: { AIBENCH_CONFIG: configPath, SLURM_CONF: testCluster().slurmConf } });
  for (const m of out.stdout.matchAll(/"job_id": "(\d+)"/g)) jobIds.add(m[1] ?? '');
  return out;
}

const json = <T>(res: BinResult): T => {
  expect(res.exitCode, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as T;
};

async function squeueNames(): Promise<string[]> {
  const res = await execa('squeue', ['--noheader', '--format=%j'], { reject: false, env: { SLURM_CONF: testCluster().slurmConf } });
  return res.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

interface Rec { id: string; job_id: string; status: string; group?: string; vllm_args: string[]; vram?: Record<string, unknown>; attempts?: Array<Record<string, unknown>> }

describe('the HF cache as a catalogue, over SSH', () => {
  it('models ls lists every model with completeness, parameters and dtype; check says what can start offline', async () => {
    const home = tempHome();
    const ls = json<{ found: boolean; models: Array<{ id: string; complete: boolean; missing: string[]; parameters?: number; dtype?: string }> }>(await aibench(['models', 'ls', '--json'], home));
    expect(ls.found).toBe(true);
    const byId = Object.fromEntries(ls.models.map((m) => [m.id, m]));
    expect(byId[ids.complete]).toMatchObject({ complete: true, dtype: 'BF16', parameters: expect.any(Number) });
    expect(byId[ids.missingWeights]).toMatchObject({ complete: false, missing: [expect.stringContaining('model-00002-of-00002')] });
    expect(byId[ids.missingTokenizer]).toMatchObject({ complete: false, missing: [expect.stringContaining('tokenizer')] });
    const table = await aibench(['models', 'ls'], home);
    expect(table.stderr).toMatch(/tiny-org\/tiny-complete.*yes/);
    expect((await aibench(['models', 'check', ids.complete], home)).exitCode).toBe(0);
    const incomplete = await aibench(['models', 'check', ids.missingWeights], home);
    expect(incomplete.exitCode).toBe(1);
    expect(incomplete.stderr).toContain('cannot start offline');
  });

  it('service start refuses an incomplete model, and a missing one on an offline cluster, before anything is submitted (exit 2)', async () => {
    const home = tempHome();
    const incomplete = await aibench(['service', 'start', '--model', ids.missingTokenizer, '--name', 'it-refuse-a'], home);
    expect(incomplete.exitCode).toBe(2);
    expect(incomplete.stderr).toMatch(/tiny-no-tokenizer: incomplete in the HF cache: missing tokenizer/);
    const offline = await aibench(['service', 'start', '--cluster', 'off', '--model', 'org/not-downloaded', '--name', 'it-refuse-b'], home);
    expect(offline.exitCode).toBe(2);
    expect(offline.stderr).toMatch(/not in the HF cache .* offline \(hf_offline: true\)/);
    expect(json<{ services: Rec[] }>(await aibench(['service', 'ls', '--json'], home)).services).toEqual([]);
    expect((await squeueNames()).filter((n) => n.includes('it-refuse'))).toEqual([]);
  });
});

describe('VRAM estimate and measured memory', () => {
  it('a start records the estimate; status measures the server next to it; the result carries it', async () => {
    const home = tempHome();
    const started = json<Rec>(await aibench(['service', 'start', '--model', ids.complete, '--name', 'it-vram', '--timeout', '90s', '--json', ...FAST], home));
    expect(started.vram).toMatchObject({ estimate_bytes_per_gpu: expect.any(Number), max_model_len: 2048, fits: true, gpu_memory_bytes: 80 * 1024 ** 3 });
    const status = json<Rec>(await aibench(['service', 'status', 'it-vram', '--json'], home));
    // The fake nvidia-smi answers with a real H100 capture's per-process memory.
    expect(status.vram).toMatchObject({ measured_bytes_per_gpu: [expect.any(Number)], measured_at: expect.any(String) });
    expect((await aibench(['service', 'status', 'it-vram'], home)).stderr).toMatch(/vram it-vram: estimate .* GiB per GPU .* measured per GPU/);
    const bench = json<{ provenance: { vram?: Record<string, unknown> } }>(await aibench(['bench', 'run', '--service', 'it-vram', '--client', 'local', '--num-requests', '4', '--input-len', '16', '--output-len', '4', '--json'], home));
    expect(bench.provenance.vram).toMatchObject({ estimate_bytes_per_gpu: (started.vram as { estimate_bytes_per_gpu: number }).estimate_bytes_per_gpu });
    expect((await aibench(['service', 'stop', 'it-vram'], home)).exitCode).toBe(0);
  });
});

describe('OOM recovery', () => {
  it('a simulator failing like vLLM above 0.85 fails a plain start, and --retry-oom reaches READY at 0.85 with both attempts recorded', async () => {
    const home = tempHome();
    const oom = '--vllm-arg=--oom-above-utilization=0.85';
    const plain = await aibench(['service', 'start', '--model', 'facebook/opt-125m', '--name', 'it-oom-plain', '--timeout', '60s', oom, ...FAST], home);
    expect(plain.exitCode).toBe(1);
    expect(plain.stderr).toContain('Free memory on device cuda:0');
    const started = json<Rec>(await aibench(['service', 'start', '--model', 'facebook/opt-125m', '--name', 'it-oom', '--retry-oom', '2', '--timeout', '60s', '--json', oom, ...FAST], home));
    expect(started.status).toBe('READY');
    expect(started.vllm_args).toContain('--gpu-memory-utilization=0.85');
    expect(started.attempts).toEqual([
      expect.objectContaining({ gpu_memory_utilization: 0.9, outcome: expect.stringMatching(/^FAILED/), cause: expect.stringMatching(/free GPU memory/) }),
      expect.objectContaining({ gpu_memory_utilization: 0.85, outcome: 'READY', job_id: started.job_id }),
    ]);
    const shown = await aibench(['service', 'status', 'it-oom'], home);
    expect(shown.stderr).toMatch(/attempt 1 of it-oom: .*0\.9: FAILED.*free GPU memory/);
    expect((await aibench(['service', 'stop', 'it-oom'], home)).exitCode).toBe(0);
  });
});

interface Run { num_prompts: number; completed: number; total_output_tokens: number; server_metrics?: Record<string, unknown>; replicas?: Array<{ id: string; stats: Record<string, number> }>; provenance: { service_id?: string; replicas?: Array<{ service_id: string }> }; config: { target: { balance?: string } } }

describe('replicas', () => {
  it('--replicas 2 starts a group; a benchmark spreads over it (local and in-cluster) with per-replica counts adding up; stopping the group stops both', async () => {
    const home = tempHome();
    const group = json<{ group: string; services: Rec[] }>(await aibench(['service', 'start', '--model', 'facebook/opt-125m', '--name', 'it-grp', '--replicas', '2', '--timeout', '90s', '--json', ...FAST], home));
    expect(group.group).toBe('it-grp');
    expect(group.services.map((s) => [s.id, s.status, s.group])).toEqual([['it-grp-1', 'READY', 'it-grp'], ['it-grp-2', 'READY', 'it-grp']]);
    for (const s of group.services) jobIds.add(s.job_id);
    const args = ['bench', 'run', '--service', 'it-grp', '--input-len', '16', '--output-len', '4', '--json'];

    const local = json<Run>(await aibench([...args, '--client', 'local', '--num-requests', '40'], home));
    expect(local.replicas?.map((r) => [r.id, r.stats['num_prompts']])).toEqual([['it-grp-1', 20], ['it-grp-2', 20]]);
    expect(local.provenance).toMatchObject({ service_id: 'it-grp', replicas: [{ service_id: 'it-grp-1' }, { service_id: 'it-grp-2' }] });
    // Server truth is the group's: every replica scraped, its counters adding up to what the client measured.
    const scrapedBoth = { available: true, replicas: [expect.objectContaining({ id: 'it-grp-1' }), expect.objectContaining({ id: 'it-grp-2' })] };
    expect(local.server_metrics).toMatchObject({ ...scrapedBoth, requests_succeeded: local.completed, e2e_latency_count: local.completed, generation_tokens: local.total_output_tokens });

    const least = json<Run>(await aibench([...args, '--client', 'local', '--num-requests', '40', '--concurrency', '4', '--balance', 'least-outstanding'], home));
    expect(least.config.target.balance).toBe('least-outstanding');
    expect(least.replicas!.reduce((n, r) => n + (r.stats['num_prompts'] ?? 0), 0)).toBe(least.num_prompts);
    expect(least.replicas!.every((r) => (r.stats['completed'] ?? 0) > 0)).toBe(true);

    const cluster = json<Run>(await aibench([...args, '--num-requests', '20'], home));
    expect(cluster.replicas?.map((r) => [r.id, r.stats['num_prompts']])).toEqual([['it-grp-1', 10], ['it-grp-2', 10]]);
    expect(cluster.server_metrics).toMatchObject({ ...scrapedBoth, requests_succeeded: cluster.completed, generation_tokens: cluster.total_output_tokens });

    const ls = json<{ services: Rec[] }>(await aibench(['service', 'ls', '--json'], home));
    expect(ls.services.filter((s) => s.group === 'it-grp')).toHaveLength(2);
    const stop = await aibench(['service', 'stop', 'it-grp'], home);
    expect(stop.exitCode, stop.stderr).toBe(0);
    const after = json<{ group: string; services: Rec[] }>(await aibench(['service', 'status', 'it-grp', '--json'], home));
    expect(after.services.map((s) => s.status)).toEqual(['STOPPED', 'STOPPED']);
    expect((await squeueNames()).filter((n) => n.includes('it-grp'))).toEqual([]);
  });
});

describe('containers', () => {
  it('the server and the telemetry agent run inside the (stand-in) apptainer with the HF cache, the state dir and the configured mounts', async () => {
    const home = tempHome();
    const started = json<Rec>(await aibench(['service', 'start', '--cluster', 'ctr', '--model', 'facebook/opt-125m', '--name', 'it-ctr', '--telemetry', '--timeout', '90s', '--json', ...FAST], home));
    expect(started.status).toBe('READY');
    const calls = readFileSync(join(dir, 'apptainer.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    const binds = `${join(dir, 'hf')}:${join(dir, 'hf')},${testCluster().stateDir}:${testCluster().stateDir},${join(dir, 'extra')}:/data`;
    const server = calls.find((c) => c.includes('sim'));
    expect(server?.slice(0, 6)).toEqual(['apptainer', 'exec', '--nv', '--bind', binds, join(dir, 'vllm.sif')]);
    expect(server?.slice(6, 12)).toEqual([process.execPath, BIN, 'sim', 'facebook/opt-125m', '--host', '0.0.0.0']);
    const agent = calls.find((c) => c.includes('telemetry'));
    expect(agent?.slice(0, 6)).toEqual(['apptainer', 'exec', '--nv', '--bind', binds, join(dir, 'vllm.sif')]);
    expect(agent).toEqual(expect.arrayContaining(['telemetry', 'agent', '--service-id', 'it-ctr']));
    expect((await aibench(['service', 'stop', 'it-ctr'], home)).exitCode).toBe(0);
  });
});
