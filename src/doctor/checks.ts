// `aibench doctor`: can this cluster run aibench's work? Each check is small and independent;
// the first (reaching the cluster) gates the rest.
import { existsSync } from 'node:fs';
import type { ResolvedCluster } from '../config/schema.js';
import { AibenchError, errorMessage } from '../errors.js';
import { shellQuote } from '../exec/quote.js';
import { inspectSecretFile } from '../exec/secret-file.js';
import type { ResolvedHost } from '../exec/ssh-config.js';
import type { SshExecutor } from '../exec/ssh-executor.js';
import type { Executor } from '../exec/types.js';

type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  hint?: string;
  /** A failed required check makes doctor exit non-zero; a failed optional one is a warning. */
  required: boolean;
}

const SLURM_COMMANDS = ['sbatch', 'squeue', 'sacct', 'scancel', 'scontrol', 'sinfo'] as const;
const TIMEOUT_MS = 20_000;

type Check = (ex: Executor, cluster: ResolvedCluster) => Promise<Omit<CheckResult, 'id' | 'title' | 'required'>>;

const pass = (detail: string) => ({ status: 'pass' as const, detail });
const fail = (detail: string, hint: string) => ({ status: 'fail' as const, detail, hint });

const slurmCommands: Check = async (ex) => {
  const script = 'for c in "$@"; do command -v "$c" >/dev/null 2>&1 || printf "%s " "$c"; done';
  const r = await ex.run(['sh', '-c', script, 'sh', ...SLURM_COMMANDS], { timeoutMs: TIMEOUT_MS });
  const missing = r.stdout.trim();
  if (r.exitCode !== 0) return fail(`could not look for Slurm commands: ${r.stderr.trim()}`, 'Check the login shell on the cluster.');
  if (missing) return fail(`missing: ${missing}`, 'Install the Slurm client tools (Debian: slurm-client) or add them to PATH for non-interactive shells.');
  return pass(SLURM_COMMANDS.join(' '));
};

/** Partitions from `sinfo`, with the default marked by a trailing `*` stripped. */
function parseSinfoPartitions(stdout: string): { name: string; avail: string; nodes: string; state: string }[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [name = '', avail = '', nodes = '', state = ''] = line.trim().split('|');
      return { name: name.replace(/\*$/, ''), avail, nodes, state };
    });
}

const slurmAnswers: Check = async (ex, cluster) => {
  const r = await ex.run(['sinfo', '--noheader', '--format=%P|%a|%D|%t'], { timeoutMs: TIMEOUT_MS });
  if (r.timedOut) return fail('sinfo timed out', 'slurmctld is not answering; check `scontrol ping`.');
  if (r.exitCode !== 0) return fail(`sinfo failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`, 'Check that slurmctld is up (`scontrol ping`) and SLURM_CONF is right.');
  const parts = parseSinfoPartitions(r.stdout);
  if (parts.length === 0) return fail('sinfo lists no partitions', 'Define a partition in slurm.conf.');
  const wanted = cluster.slurm.partition;
  if (wanted && !parts.some((p) => p.name === wanted)) {
    return fail(`partition ${JSON.stringify(wanted)} not found (have: ${[...new Set(parts.map((p) => p.name))].join(', ')})`, 'Fix slurm.partition in the config.');
  }
  return pass(parts.map((p) => `${p.name}:${p.state}(${p.nodes})`).join(' '));
};

const stateDirWritable: Check = async (ex, cluster) => {
  const dir = cluster.paths.state_dir;
  const probe = `${dir}/.doctor-${process.pid}-${Date.now()}`;
  try {
    await ex.mkdirp(dir);
    await ex.writeFile(probe, 'ok\n');
    await ex.run(['rm', '-f', '--', probe], { timeoutMs: TIMEOUT_MS });
    return pass(dir);
  } catch (error) {
    return fail(`${dir} is not writable: ${errorMessage(error)}`, `Create it (mkdir -p ${shellQuote(dir)}) on shared storage, or set paths.state_dir.`);
  }
};

const hfCache: Check = async (ex, cluster) => {
  const dir = cluster.paths.hf_home;
  const r = await ex.run(['test', '-d', dir], { timeoutMs: TIMEOUT_MS });
  if (r.exitCode === 0) return pass(`${dir} (hub: ${cluster.paths.hf_hub_cache})`);
  return fail(`${dir} does not exist`, `Create the shared HuggingFace cache (mkdir -p ${shellQuote(dir)}) or set paths.hf_home.`);
};

const hfTokenFile: Check = async (ex, cluster) => {
  const file = cluster.hf_token_file;
  if (!file) return { status: 'skip', detail: 'no hf_token_file configured' };
  // The same verdict `jobs submit` and `service start` act on (they refuse to submit).
  const verdict = await inspectSecretFile(ex, file);
  if (verdict.problem !== undefined) return fail(verdict.problem, verdict.hint ?? 'Fix hf_token_file in the config.');
  return pass(`${file} (mode ${verdict.mode})`);
};

// Compute nodes reach `aibench tunnel`'s forward on the login node only if sshd lets it bind a
// non-loopback address. Best evidence first: ask for 0.0.0.0 and see what sshd bound (ss); then
// `sshd -T` (system config, may not be the running sshd's); then the config files. Warn, never fail.
const gatewayPorts: Check = async (ex) => {
  if (ex.kind !== 'ssh') return { status: 'skip', detail: 'local cluster: no SSH reverse tunnel' };
  const warn = (detail: string) => ({ status: 'warn' as const, detail, hint: 'Set `GatewayPorts clientspecified` (or yes) in the login node\'s sshd_config so compute nodes can reach `aibench tunnel` forwards.' });
  const fw = await ex.forwardIn('0.0.0.0', 0, '127.0.0.1', 9).catch(() => undefined);
  if (fw) {
    const r = await ex.run(['ss', '-Hltn', `sport = :${fw.port}`], { timeoutMs: TIMEOUT_MS }).catch(() => undefined);
    await fw.close();
    if (r?.exitCode === 0 && new RegExp(`(^|\\s)(0\\.0\\.0\\.0|\\*|\\[::\\]):${fw.port}\\s`, 'm').test(r.stdout)) return pass(`sshd bound 0.0.0.0:${fw.port} for a reverse forward`);
    if (r?.exitCode === 0 && r.stdout.includes(`127.0.0.1:${fw.port}`)) return warn(`sshd bound 127.0.0.1:${fw.port} when asked for 0.0.0.0: GatewayPorts is off`);
  }
  const conf = await ex.run(['sh', '-c', '(sshd -T || /usr/sbin/sshd -T) 2>/dev/null | grep -i "^gatewayports " || cat /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf 2>/dev/null | grep -i "^[[:space:]]*gatewayports[[:space:]]" | head -n 1'], { timeoutMs: TIMEOUT_MS });
  const value = /gatewayports\s+(\S+)/i.exec(conf.stdout)?.[1]?.toLowerCase();
  if (value === 'yes' || value === 'clientspecified') return pass(`GatewayPorts ${value} (from sshd -T or /etc/ssh; the running sshd may use another config)`);
  if (value) return warn(`GatewayPorts ${value} (from sshd -T or /etc/ssh)`);
  return warn('could not determine GatewayPorts: no reverse-forward probe, `sshd -T` not permitted and no setting in /etc/ssh (default: no)');
};

const CHECKS: { id: string; title: string; required: boolean; run: Check }[] = [
  { id: 'slurm-commands', title: 'Slurm commands', required: true, run: slurmCommands },
  { id: 'slurm-answers', title: 'Slurm answers (sinfo)', required: true, run: slurmAnswers },
  { id: 'state-dir', title: 'State dir writable', required: true, run: stateDirWritable },
  { id: 'hf-cache', title: 'HF cache root present', required: true, run: hfCache },
  { id: 'hf-token-file', title: 'HF token file mode', required: true, run: hfTokenFile },
  { id: 'gateway-ports', title: 'sshd GatewayPorts (telemetry tunnel)', required: false, run: gatewayPorts },
];

const hostText = (h: ResolvedHost) => {
  const key = h.identityFiles.find((path) => existsSync(path));
  return `${h.user}@${h.host}:${h.port}${h.alias !== h.host ? ` (alias ${h.alias})` : ''}, key ${key ?? `none of ${h.identityFiles.join(', ')}${process.env.SSH_AUTH_SOCK ? '; the agent' : ''}`}`;
};

/** Where SSH goes, as ~/.ssh/config resolved it: host, user, port, key and jump chain; a warning for what it did not follow. */
function sshTargetCheck(ex: Executor): Omit<CheckResult, 'id' | 'title' | 'required'> {
  if (ex.kind !== 'ssh') return { status: 'skip', detail: 'local cluster: no SSH' };
  const r = (ex as SshExecutor).resolved;
  const detail = `${hostText(r)}${r.jumps.length > 0 ? `; via ${r.jumps.map(hostText).join(' -> ')}` : ''}`;
  if (r.notes.length === 0) return pass(detail);
  return { status: 'warn', detail: `${detail}; ${r.notes.join('; ')}`, hint: 'aibench follows HostName, User, Port, IdentityFile, ProxyJump and UserKnownHostsFile (with Include and Match host/user); set what else you need in the cluster\'s ssh: block.' };
}

async function reach(ex: Executor): Promise<Omit<CheckResult, 'id' | 'title' | 'required'>> {
  try {
    const r = await ex.run(['uname', '-n'], { timeoutMs: TIMEOUT_MS });
    if (r.exitCode !== 0) return fail(`uname failed: ${r.stderr.trim()}`, 'Check the remote shell.');
    return pass(`${ex.label} (${r.stdout.trim()})`);
  } catch (error) {
    const hint = error instanceof AibenchError && error.hint ? error.hint : 'Check the cluster connection settings.';
    return fail(errorMessage(error), hint);
  }
}

/** Run every check against a cluster; later checks are skipped when it cannot be reached. */
export async function runDoctor(ex: Executor, cluster: ResolvedCluster): Promise<CheckResult[]> {
  const results: CheckResult[] = [{ id: 'reach', title: `Reach cluster (${cluster.executor})`, required: true, ...(await reach(ex)) }];
  const reachable = results[0]!.status === 'pass';
  results.push({ id: 'ssh-target', title: 'SSH target (ssh_config resolved)', required: false, ...sshTargetCheck(ex) });
  for (const check of CHECKS) {
    const outcome = reachable
      ? await check.run(ex, cluster).catch((error: unknown) => fail(errorMessage(error), 'Run with --debug for details.'))
      : { status: 'skip' as const, detail: 'cluster not reachable' };
    results.push({ id: check.id, title: check.title, required: check.required, ...outcome });
  }
  return results;
}

/** Required checks that failed. */
export function failedRequired(results: CheckResult[]): CheckResult[] {
  return results.filter((r) => r.required && r.status === 'fail');
}
