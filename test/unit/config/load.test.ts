import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { STARTER_CONFIG } from '../../../src/config/starter.js';

const fixture = (name: string) => join(import.meta.dirname, '../../fixtures/config', name);

async function loadError(name: string): Promise<ConfigError> {
  const error = await loadConfig(fixture(name)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadConfig', () => {
  it('reads a valid file and fills defaults', async () => {
    const { config, path, source } = await loadConfig(fixture('valid.yaml'));
    expect(source).toBe('flag');
    expect(path).toBe(fixture('valid.yaml'));
    const hpc = config.clusters.hpc!;
    expect(hpc.executor).toBe('ssh');
    if (hpc.executor !== 'ssh') throw new Error('unreachable');
    expect(hpc.ssh).toMatchObject({ host: 'login1', user: 'alice', port: 2222, agent: true, strict_host_key_checking: 'yes' });
    expect(hpc.paths.hf_home).toBe('/data/hf');
    expect(hpc.hf_offline).toBe(true);
    expect(config.clusters.here!.paths.hf_home).toBe('/shared/huggingface');
    expect(config.models_cache_ttl_s).toBe(60);
  });

  it.each([
    ['bad-port.yaml', 'clusters.hpc.ssh.port: Too big: expected number to be <=65535, got 70000'],
    ['unknown-key.yaml', 'clusters.hpc: unknown key "partiton"'],
    ['bad-default.yaml', 'default_cluster: expected one of the clusters defined (hpc), got "nope"'],
    ['relative-ssh-path.yaml', 'clusters.hpc.paths.state_dir: expected an absolute path on the cluster (starting with /), got "~/aibench"'],
  ])('%s names the file, the key path and the bad value', async (name, expected) => {
    const error = await loadError(name);
    expect(error.message).toBe(`${fixture(name)}: ${expected}`);
    expect(error.exitCode).toBe(2);
  });

  it('an unknown executor lists the valid kinds', async () => {
    const error = await loadError('bad-executor.yaml');
    expect(error.message).toContain('clusters.hpc.executor');
    expect(error.message).toContain('"local"');
    expect(error.message).toContain('"ssh"');
    expect(error.message).toContain('"kubernetes"');
  });

  it('reports YAML syntax errors with the file name', async () => {
    const error = await loadError('bad-yaml.yaml');
    expect(error.message).toMatch(new RegExp(`^${fixture('bad-yaml.yaml')}: invalid YAML`));
  });

  it('a missing file named by --config is an error, a missing default file is the built-in', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aibench-cfg-'));
    const missing = join(dir, 'nope.yaml');
    await expect(loadConfig(missing)).rejects.toThrow(`${missing}: cannot read config file (ENOENT), named by --config`);
    await expect(loadConfig(undefined, { AIBENCH_CONFIG: missing })).rejects.toThrow('named by AIBENCH_CONFIG');
    const builtIn = await loadConfig(undefined, { XDG_CONFIG_HOME: dir, HOME: dir });
    expect(builtIn.source).toBe('built-in');
    expect(builtIn.config.clusters).toEqual({});
  });

  it('finds the XDG default file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aibench-cfg-'));
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'aibench'));
    await writeFile(join(dir, 'aibench', 'config.yaml'), 'default_cluster: local\n');
    const loaded = await loadConfig(undefined, { XDG_CONFIG_HOME: dir });
    expect(loaded.source).toBe('default-file');
    expect(loaded.path).toBe(join(dir, 'aibench', 'config.yaml'));
  });

  it('the starter file written by config init is valid', () => {
    const config = parseConfigText(STARTER_CONFIG, 'starter');
    expect(config.default_cluster).toBe('local');
    expect(config.clusters.local?.executor).toBe('local');
    expect(config.clusters.local).toMatchObject({ aibench_command: 'aibench', telemetry: { interval_s: 5 } });
    expect(config.monitoring).toEqual({});
    // Its commented-out examples are valid too.
    const uncommented = STARTER_CONFIG.replace('# monitoring:', 'monitoring:').replace('#   targets_dir:', '  targets_dir:')
      .replace('# pushgateway_url:', 'pushgateway_url:').replace('# remote_write_url:', 'remote_write_url:');
    const full = parseConfigText(uncommented, 'starter');
    expect(full.monitoring.targets_dir).toBe('/etc/prometheus/aibench-targets');
    expect(full.clusters.local?.telemetry).toEqual({ pushgateway_url: 'http://login1:9091', remote_write_url: 'http://login1:9090/api/v1/write', interval_s: 5 });
  });
});

describe('telemetry, aibench_command and monitoring keys', () => {
  const cluster = (lines: string) => `clusters:\n  hpc:\n    executor: local\n${lines}`;
  const message = (text: string): string => {
    try {
      parseConfigText(text, 'f.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('defaults: aibench_command aibench, telemetry interval 5 s and no sink, no targets_dir', () => {
    const config = parseConfigText(cluster(''), 'f.yaml');
    expect(config.clusters.hpc).toMatchObject({ aibench_command: 'aibench', telemetry: { interval_s: 5 } });
    expect(config.clusters.hpc?.telemetry.pushgateway_url).toBeUndefined();
    expect(config.monitoring).toEqual({});
  });

  it('reads every key', () => {
    const config = parseConfigText(
      `monitoring: {targets_dir: /etc/prometheus/aibench-targets}\n${cluster('    aibench_command: /usr/bin/node /opt/aibench/bin/aibench.js\n    telemetry: {pushgateway_url: "http://login1:9091", remote_write_url: "https://prom:9090/api/v1/write", interval_s: 0.5}\n')}`,
      'f.yaml',
    );
    expect(config.monitoring).toEqual({ targets_dir: '/etc/prometheus/aibench-targets' });
    expect(config.clusters.hpc).toMatchObject({
      aibench_command: '/usr/bin/node /opt/aibench/bin/aibench.js',
      telemetry: { pushgateway_url: 'http://login1:9091', remote_write_url: 'https://prom:9090/api/v1/write', interval_s: 0.5 },
    });
  });

  it.each([
    [cluster('    telemetry: {pushgateway_url: "ftp://login1"}\n'), 'clusters.hpc.telemetry.pushgateway_url: expected an http:// or https:// URL, got "ftp://login1"'],
    [cluster('    telemetry: {remote_write_url: "login1:9090"}\n'), 'clusters.hpc.telemetry.remote_write_url: expected an http:// or https:// URL, got "login1:9090"'],
    [cluster('    telemetry: {pushgateway_url: "http://u:pw@login1:9091"}\n'), 'clusters.hpc.telemetry.pushgateway_url: expected a URL without user:password@ (it would appear in the job script and in ps), got one with credentials'],
    [cluster('    telemetry: {interval_s: 0}\n'), 'clusters.hpc.telemetry.interval_s: Too small: expected number to be >0, got 0'],
    [cluster('    telemetry: {pushgateway: "http://login1:9091"}\n'), 'clusters.hpc.telemetry: unknown key "pushgateway"'],
    [cluster('    aibench_command: ""\n'), 'clusters.hpc.aibench_command: Too small: expected string to have >=1 characters, got ""'],
    ['monitoring: {targets_dir: prom/targets}\n', 'monitoring.targets_dir: expected an absolute path (starting with / or ~/), got "prom/targets"'],
    ['monitoring: {target_dir: /x}\n', 'monitoring: unknown key "target_dir"'],
  ])('%j -> %s', (text, expected) => {
    expect(message(text)).toBe(`f.yaml: ${expected}`);
  });
});
