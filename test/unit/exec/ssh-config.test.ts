import { describe, expect, it } from 'vitest';
import { SshSchema } from '../../../src/config/schema.js';
import { ConfigError } from '../../../src/errors.js';
import { parseJumpHop, resolveSshConfig } from '../../../src/exec/ssh-config.js';

const CONFIG = `
# cluster login nodes
Host login
  HostName login1.example.org
  User alice
  Port 2222
  IdentityFile ~/.ssh/id_cluster
  IdentityFile %d/.ssh/id_%r
  ProxyJump bastion
  UserKnownHostsFile ~/.ssh/kh_cluster ~/.ssh/kh_extra

Host bastion
  HostName bastion.example.org
  User bob

Host gpu-*
  User carol
  ProxyJump dave@gw.example.org:2200,login

Host loop1
  ProxyJump loop2
Host loop2
  ProxyJump loop1

Host *
  IdentityFile ~/.ssh/id_default
`;
const env = { HOME: '/home/me', USER: 'me' };
const cfg = (fields: Record<string, unknown>) => SshSchema.parse(fields);

describe('resolveSshConfig', () => {
  it('resolves an alias: HostName, User, Port, IdentityFile (tilde and %tokens), known hosts', () => {
    const r = resolveSshConfig(cfg({ host: 'login' }), CONFIG, env);
    expect(r).toMatchObject({ alias: 'login', host: 'login1.example.org', user: 'alice', port: 2222, identityExplicit: false });
    expect(r.identityFiles).toEqual(['/home/me/.ssh/id_cluster', '/home/me/.ssh/id_alice', '/home/me/.ssh/id_default']);
    expect(r.knownHostsFiles).toEqual(['/home/me/.ssh/kh_cluster', '/home/me/.ssh/kh_extra', '/etc/ssh/ssh_known_hosts']);
  });

  it('resolves ProxyJump aliases into hops', () => {
    const r = resolveSshConfig(cfg({ host: 'login' }), CONFIG, env);
    expect(r.jumps).toHaveLength(1);
    expect(r.jumps[0]).toMatchObject({ alias: 'bastion', host: 'bastion.example.org', user: 'bob', port: 22 });
  });

  it('flattens chained and nested jumps, with user@host:port overriding the hop', () => {
    const r = resolveSshConfig(cfg({ host: 'gpu-7' }), CONFIG, env);
    expect(r).toMatchObject({ host: 'gpu-7', user: 'carol', port: 22 });
    expect(r.jumps.map((h) => `${h.user}@${h.host}:${h.port}`)).toEqual([
      'dave@gw.example.org:2200',
      'bob@bastion.example.org:22', // login's own ProxyJump comes before login
      'alice@login1.example.org:2222',
    ]);
  });

  it('lets explicit fields win over the file', () => {
    const r = resolveSshConfig(
      cfg({ host: 'login', user: 'root', port: 22222, identity_file: '~/k', known_hosts_file: '/tmp/kh', proxy_jump: 'none' }),
      CONFIG,
      env,
    );
    expect(r).toMatchObject({ host: 'login1.example.org', user: 'root', port: 22222, identityFiles: ['/home/me/k'], identityExplicit: true });
    expect(r.knownHostsFiles).toEqual(['/tmp/kh', '/etc/ssh/ssh_known_hosts']);
    expect(r.jumps).toEqual([]);
  });

  it('falls back to the local user, port 22, default keys and known_hosts for an unknown host', () => {
    const r = resolveSshConfig(cfg({ host: '10.0.0.5' }), '', env);
    expect(r).toMatchObject({ host: '10.0.0.5', user: 'me', port: 22, jumps: [] });
    expect(r.identityFiles).toContain('/home/me/.ssh/id_ed25519');
    expect(r.knownHostsFiles).toEqual(['/home/me/.ssh/known_hosts', '/etc/ssh/ssh_known_hosts']);
  });

  it('refuses a ProxyJump loop with a ConfigError', () => {
    expect(() => resolveSshConfig(cfg({ host: 'loop1' }), CONFIG, env)).toThrow(ConfigError);
  });
});

describe('parseJumpHop', () => {
  it.each([
    ['host', { host: 'host' }],
    ['u@host', { user: 'u', host: 'host' }],
    ['u@host:2200', { user: 'u', host: 'host', port: 2200 }],
    ['[::1]:2200', { host: '::1', port: 2200 }],
    ['::1', { host: '::1' }],
  ])('%s', (spec, expected) => {
    expect(parseJumpHop(spec)).toEqual(expected);
  });

  it('rejects a bad port', () => {
    expect(() => parseJumpHop('h:99999')).toThrow(/port/);
  });
});
