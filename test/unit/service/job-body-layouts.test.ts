// Service job bodies for containers and multi-node Ray, run for real through bash with stand-ins
// on PATH (apptainer that records its argv and runs the command; srun, scontrol, ray, python3 and
// the server as small scripts), so the mounts, the Ray start order and the final command are what
// a cluster would run, not just text.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { containerMounts, containerPrefix } from '../../../src/service/container.js';
import { renderServiceBody } from '../../../src/service/job-body.js';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/container-bin');

function script(dir: string, name: string, text: string): void {
  writeFileSync(join(dir, name), `#!/usr/bin/env bash\n${text}\n`);
  chmodSync(join(dir, name), 0o755);
}

describe('container wrapping', () => {
  it('binds the HF cache, the state dir and the configured mounts; enroot passes the job variables by name', () => {
    const paths = { hf_home: '/shared/hf', hf_hub_cache: '/shared/hf/hub', state_dir: '/shared/aibench' };
    const apptainer = { runtime: 'apptainer' as const, image: '/img/vllm.sif', mounts: ['/scratch', '/opt/models:/models'] };
    expect(containerPrefix(apptainer, containerMounts(apptainer, paths))).toEqual(['apptainer', 'exec', '--nv', '--bind', '/shared/hf:/shared/hf,/shared/aibench:/shared/aibench,/scratch:/scratch,/opt/models:/models', '/img/vllm.sif']);
    const enroot = { runtime: 'enroot' as const, image: 'vllm', mounts: [] };
    const words = containerPrefix(enroot, containerMounts(enroot, { ...paths, hf_hub_cache: '/fast/hub' }));
    expect(words.slice(0, 8)).toEqual(['enroot', 'start', '--mount', '/shared/hf:/shared/hf', '--mount', '/fast/hub:/fast/hub', '--mount', '/shared/aibench:/shared/aibench']);
    expect(words).toContain('VLLM_API_KEY');
    expect(words.at(-1)).toBe('vllm');
  });

  it('runs the server inside the (stand-in) apptainer with the mounts, and the command unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibench-ctr-'));
    const [hf, state, image] = [join(dir, 'hf'), join(dir, 'state'), join(dir, 'vllm.sif')];
    mkdirSync(hf);
    mkdirSync(state);
    writeFileSync(image, 'sif');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    script(bin, 'vllm', 'printf "%s\\n" "$@" > "$SERVER_ARGV"');
    const container = { runtime: 'apptainer' as const, image, mounts: [] };
    const prefix = containerPrefix(container, containerMounts(container, { hf_home: hf, hf_hub_cache: join(hf, 'hub'), state_dir: state }));
    const body = renderServiceBody({ id: 's1', model: 'org/m', vllmCommand: 'vllm serve', setup: [], vllmArgs: ['--max-model-len', '4096'], dir: join(state, 'services/s1'), containerPrefix: prefix });
    writeFileSync(join(dir, 'job.sh'), body);
    const env = { PATH: `${FIXTURES}:${bin}:${process.env.PATH}`, FAKE_APPTAINER_LOG: join(dir, 'apptainer.log'), SERVER_ARGV: join(dir, 'argv'), SLURM_JOB_ID: '7' };
    const res = await execa('bash', [join(dir, 'job.sh')], { env, reject: false });
    expect(res.exitCode, res.stderr).toBe(0);
    const call = JSON.parse(readFileSync(join(dir, 'apptainer.log'), 'utf8').trim()) as string[];
    expect(call.slice(0, 6)).toEqual(['apptainer', 'exec', '--nv', '--bind', `${hf}:${hf},${state}:${state}`, image]);
    expect(call.slice(6, 9)).toEqual(['vllm', 'serve', 'org/m']);
    expect(readFileSync(join(dir, 'argv'), 'utf8').split('\n').slice(0, 4)).toEqual(['serve', 'org/m', '--host', '0.0.0.0']);
    expect(existsSync(join(state, 'services/s1/endpoint.json'))).toBe(true);
  });
});

describe('multi-node body', () => {
  it('starts a Ray head, then a worker per other node (srun steps), waits for all, then vLLM with the ray backend', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibench-ray-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const log = join(dir, 'calls.log');
    script(bin, 'scontrol', 'printf "node-a\\nnode-b\\nnode-c\\n"');
    // srun: record the node (-w) and run the command here.
    script(bin, 'srun', `node=; while [ $# -gt 0 ]; do case $1 in -w) node=$2; shift 2;; -*) shift;; *) break;; esac; done; echo "srun $node: $*" >> ${log}; exec "$@"`);
    script(bin, 'ray', `echo "ray $*" >> ${log}`);
    script(bin, 'python3', `grep -c '^ray start' ${log}`);
    script(bin, 'vllm', `echo "vllm $*" >> ${log}`);
    const body = renderServiceBody({ id: 'big', model: 'org/m', vllmCommand: 'vllm serve', setup: [], vllmArgs: ['--tensor-parallel-size=8', '--pipeline-parallel-size=3'], dir: join(dir, 'svc'), nodes: 3 });
    writeFileSync(join(dir, 'job.sh'), body);
    const res = await execa('bash', [join(dir, 'job.sh')], { env: { PATH: `${bin}:${process.env.PATH}`, SLURM_JOB_ID: '9', SLURM_JOB_NODELIST: 'node-[a-c]' }, reject: false, timeout: 60_000 });
    expect(res.exitCode, res.stderr).toBe(0);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls.filter((c) => c.startsWith('srun ')).map((c) => c.split(':')[0]).sort()).toEqual(['srun node-a', 'srun node-b', 'srun node-c']);
    expect(calls.find((c) => c.startsWith('ray start --head'))).toMatch(/--block --node-ip-address=\S+ --port=\d+/);
    expect(calls.filter((c) => /^ray start --address=\S+:\d+ --block$/.test(c))).toHaveLength(2);
    const server = calls.at(-1)!;
    expect(server).toMatch(/^vllm serve org\/m --host 0\.0\.0\.0 --port \d+ --tensor-parallel-size=8 --pipeline-parallel-size=3 --distributed-executor-backend ray$/);
    expect(res.stdout).toContain('Ray cluster of 3 nodes up at');
  });
});
