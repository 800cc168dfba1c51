// The service job body: golden text, and hostile model names / args run through real bash with a
// stand-in server command that prints its argv, so "literal, never executed" is checked for real.
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { expectedModelNames, renderServiceBody } from '../../../src/service/job-body.js';

const base = { id: 'opt-1', model: 'facebook/opt-125m', vllmCommand: 'vllm serve', setup: [] as string[], vllmArgs: [] as string[], dir: '/shared/aibench/services/opt-1' };

describe('renderServiceBody', () => {
  it('renders the golden body: setup, key from file, port picker, endpoint.json via tmp + mv, exec', () => {
    const body = renderServiceBody({ ...base, setup: ['module load cuda/12'], vllmArgs: ['--max-model-len', '4096'], apiKeyFile: '/home/u/.vllm key' });
    expect(body).toBe(`# aibench service opt-1

# Setup lines from the cluster config.
module load cuda/12

# The API key is read at run time; vLLM takes it from VLLM_API_KEY, never from argv.
VLLM_API_KEY="$(cat -- '/home/u/.vllm key')" || { echo 'aibench: cannot read the API key file /home/u/.vllm key' >&2; exit 1; }
export VLLM_API_KEY

# A port is free when no TCP socket uses it (ss), or, without ss, when nothing accepts on it.
aibench_port_free() {
  if command -v ss >/dev/null 2>&1; then
    [ -z "$(ss -Htan "sport = :$1" 2>/dev/null)" ]
  else
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}
PORT=
for _ in $(seq 1 100); do
  candidate=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40001 ))
  if aibench_port_free "$candidate"; then PORT=$candidate; break; fi
done
[ -n "$PORT" ] || { echo 'aibench: no free port found in 20000-60000' >&2; exit 1; }
HOST=$(hostname -f 2>/dev/null || hostname)
STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
mkdir -p -- /shared/aibench/services/opt-1
printf '{"host":"%s","port":%s,"job_id":"%s","started_at":"%s"}\\n' "$HOST" "$PORT" "$SLURM_JOB_ID" "$STARTED_AT" > /shared/aibench/services/opt-1/endpoint.json.tmp.$$
mv -f -- /shared/aibench/services/opt-1/endpoint.json.tmp.$$ /shared/aibench/services/opt-1/endpoint.json
echo "aibench: service endpoint $HOST:$PORT (job $SLURM_JOB_ID)"

# exec: the server replaces this shell, so scancel signals it directly.
exec vllm serve facebook/opt-125m --host 0.0.0.0 --port "$PORT" --max-model-len 4096
`);
  });

  const hostile = [
    `x$(touch MARKER)`,
    'x`touch MARKER`',
    `x';touch MARKER;'`,
    `x" && touch MARKER #`,
    'x|touch MARKER',
    'Qwen/Qwen2.5 0.5B $HOME *',
  ];

  it.each(hostile)('a hostile model name %j reaches the server literally and runs nothing', async (raw) => {
    const tmp = mkdtempSync(join(tmpdir(), 'aibench-body-'));
    const marker = join(tmp, 'marker');
    const model = raw.replaceAll('MARKER', marker);
    const arg = `--chat-template=$(touch ${marker})`;
    const body = renderServiceBody({ ...base, model, vllmArgs: [arg], dir: join(tmp, 'svc dir'), vllmCommand: `printf '[%s]\\n'` });
    const res = await execa('bash', ['-c', body], { env: { SLURM_JOB_ID: '42' }, reject: false, cwd: tmp });
    expect(res.exitCode).toBe(0);
    const printed = res.stdout.split('\n').filter((l) => l.startsWith('['));
    expect(printed[0]).toBe(`[${model}]`);
    expect(printed.slice(1, 4)).toEqual(['[--host]', '[0.0.0.0]', '[--port]']);
    expect(printed[5]).toBe(`[${arg}]`);
    expect(existsSync(marker)).toBe(false);
    const endpoint = JSON.parse(readFileSync(join(tmp, 'svc dir', 'endpoint.json'), 'utf8')) as { port: number; job_id: string };
    expect(endpoint.job_id).toBe('42');
    expect(endpoint.port).toBeGreaterThanOrEqual(20000);
    expect(endpoint.port).toBeLessThanOrEqual(60000);
    expect(printed[4]).toBe(`[${endpoint.port}]`);
  });

  it('refuses what cannot be one literal word or would read as a flag, and --host/--port', () => {
    for (const model of ['', '-x', 'a\nb', '--help']) expect(() => renderServiceBody({ ...base, model })).toThrow(UsageError);
    expect(() => renderServiceBody({ ...base, vllmArgs: ['--port', '1'] })).toThrow(/set by aibench/);
    expect(() => renderServiceBody({ ...base, vllmArgs: ['--host=::'] })).toThrow(/set by aibench/);
    expect(() => renderServiceBody({ ...base, vllmArgs: ['a\nb'] })).toThrow(UsageError);
    expect(() => renderServiceBody({ ...base, model: 'a\0b' })).toThrow(UsageError);
  });

  it('expects the served model names when --served-model-name is given', () => {
    expect(expectedModelNames('m', [])).toEqual(['m']);
    expect(expectedModelNames('m', ['--served-model-name', 'a', 'b', '--x'])).toEqual(['a', 'b']);
    expect(expectedModelNames('m', ['--served-model-name=a'])).toEqual(['a']);
  });

  it('with telemetry: the agent starts after the endpoint is published, values quoted, then a watcher, then exec', () => {
    const body = renderServiceBody({
      ...base, id: "svc'1",
      telemetry: { pushgatewayUrl: 'http://login1:9091/pg path', remoteWriteUrl: 'http://login1:9090/api/v1/write', intervalS: 2.5, aibenchCommand: '/usr/bin/node  /opt/aibench/bin/aibench.js' },
    });
    const tail = body.slice(body.indexOf('echo "aibench: service endpoint'));
    expect(tail).toBe(`echo "aibench: service endpoint $HOST:$PORT (job $SLURM_JOB_ID)"

# GPU telemetry agent: background, stopped with the job
/usr/bin/node /opt/aibench/bin/aibench.js telemetry agent --pushgateway 'http://login1:9091/pg path' --remote-write http://login1:9090/api/v1/write --interval 2.5s --service-id 'svc'\\''1' --slurm-job-id "\${SLURM_JOB_ID:-}" --instance "$(hostname -s)" &
AIBENCH_TELEMETRY_PID=$!
trap 'kill -TERM "$AIBENCH_TELEMETRY_PID" 2>/dev/null; wait "$AIBENCH_TELEMETRY_PID" 2>/dev/null' EXIT
# The server keeps this PID ($$) after exec; stop the agent when it exits, so it never outlives the job.
( while kill -0 $$ 2>/dev/null; do sleep 1; done; kill -TERM "$AIBENCH_TELEMETRY_PID" 2>/dev/null ) </dev/null >/dev/null 2>&1 &

# exec: the server replaces this shell, so scancel signals it directly.
exec vllm serve facebook/opt-125m --host 0.0.0.0 --port "$PORT"
`);
    expect(renderServiceBody(base)).not.toContain('telemetry');
    expect(() => renderServiceBody({ ...base, telemetry: { aibenchCommand: 'aibench' } })).toThrow(/Pushgateway URL or a remote-write URL/);
  });

  it('with telemetry: the agent gets SIGTERM when the exec-ed server exits by itself (no orphan left)', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'aibench-body-tel-'));
    const agent = join(tmp, 'fake-aibench');
    // Records its argv and pid, and the TERM it gets; otherwise sleeps far longer than the test.
    writeFileSync(agent, `#!/bin/bash\nexec >/dev/null 2>&1\nprintf '<%s>' "$@" > ${tmp}/args\ntrap 'echo TERM > ${tmp}/term; kill $!; exit 0' TERM\nsleep 60 &\necho $$ > ${tmp}/pid\nwait\n`, { mode: 0o755 });
    const body = renderServiceBody({
      ...base, dir: join(tmp, 'svc'), vllmCommand: `bash -c 'while [ ! -s ${tmp}/pid ]; do sleep 0.05; done; exit 3' x`,
      telemetry: { pushgatewayUrl: 'http://127.0.0.1:9/', aibenchCommand: agent },
    });
    const res = await execa('bash', ['-c', body], { env: { SLURM_JOB_ID: '42' }, reject: false, cwd: tmp, timeout: 15_000 });
    expect(res.exitCode).toBe(3); // the server's exit code is the job's
    expect(readFileSync(join(tmp, 'args'), 'utf8')).toContain('<--service-id><opt-1><--slurm-job-id><42>');
    const pid = Number(readFileSync(join(tmp, 'pid'), 'utf8'));
    // Each wait has its own deadline, far from the watchdog's 1 s poll; the agent would otherwise sleep 60 s.
    const termDeadline = Date.now() + 15_000;
    while (!existsSync(join(tmp, 'term')) && Date.now() < termDeadline) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(join(tmp, 'term'))).toBe(true);
    const exitDeadline = Date.now() + 15_000;
    while (Date.now() < exitDeadline && (() => { try { process.kill(pid, 0); return true; } catch { return false; } })()) await new Promise((r) => setTimeout(r, 50));
    expect(() => process.kill(pid, 0)).toThrow();
  }, 60_000);
});
