import { describe, expect, it } from 'vitest';
import { DEFAULT_SSH_STATE_DIR, resolveCluster } from '../../../src/config/cluster.js';
import { parseConfigText } from '../../../src/config/load.js';
import { redactSecrets } from '../../../src/config/redact.js';
import { UsageError } from '../../../src/errors.js';

const env = { HOME: '/home/u', XDG_STATE_HOME: '/home/u/.state' };

describe('resolveCluster', () => {
  it('has a built-in local cluster with XDG state and the shared HF cache defaults', () => {
    const c = resolveCluster(parseConfigText('{}', 't'), undefined, env);
    expect(c.name).toBe('local');
    expect(c.executor).toBe('local');
    expect(c.paths).toEqual({
      state_dir: '/home/u/.state/aibench',
      hf_home: '/shared/huggingface',
      hf_hub_cache: '/shared/huggingface/hub',
    });
  });

  it('uses default_cluster and derives hub cache from hf_home; ssh state defaults to shared storage', () => {
    const cfg = parseConfigText('default_cluster: hpc\nclusters:\n  hpc:\n    executor: ssh\n    ssh: {host: h}\n    paths: {hf_home: /data/hf}\n', 't');
    const c = resolveCluster(cfg, undefined, env);
    expect(c.name).toBe('hpc');
    expect(c.paths).toEqual({ state_dir: DEFAULT_SSH_STATE_DIR, hf_home: '/data/hf', hf_hub_cache: '/data/hf/hub' });
  });

  it('expands ~/ for local clusters only', () => {
    const cfg = parseConfigText('clusters:\n  me:\n    executor: local\n    paths: {state_dir: ~/st, hf_home: ~/hf}\n', 't');
    expect(resolveCluster(cfg, 'me', env).paths).toEqual({ state_dir: '/home/u/st', hf_home: '/home/u/hf', hf_hub_cache: '/home/u/hf/hub' });
  });

  it('an unknown cluster lists the known ones', () => {
    const cfg = parseConfigText('clusters:\n  hpc:\n    executor: local\n', 't');
    const error = (() => {
      try {
        resolveCluster(cfg, 'gpu2', env);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('Unknown cluster "gpu2"; known clusters: local, hpc');
  });
});

describe('redactSecrets', () => {
  it('hides secret-looking values but keeps *_file paths', () => {
    expect(redactSecrets({ a: { api_key: 'sk-1', hf_token: 'hf_x', hf_token_file: '/p' }, list: [{ password: 'p' }] })).toEqual({
      a: { api_key: '<redacted>', hf_token: '<redacted>', hf_token_file: '/p' },
      list: [{ password: '<redacted>' }],
    });
  });
});
