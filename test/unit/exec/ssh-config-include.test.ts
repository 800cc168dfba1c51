// ~/.ssh/config resolution against a fixture home (test/fixtures/ssh-home): Include with globs,
// relative to ~/.ssh, nested, and inside a Host block; Host patterns as OpenSSH reads them (`?` is
// exactly one character, `!` negates, first value wins across files); Match host after HostName;
// what is not followed (Match exec, directives aibench does not act on) is reported, never run.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SshSchema } from '../../../src/config/schema.js';
import { readSshConfigText } from '../../../src/exec/ssh-config-file.js';
import { sshPatternListMatch } from '../../../src/exec/ssh-config-match.js';
import { resolveSshConfig } from '../../../src/exec/ssh-config.js';

const HOME = resolve(import.meta.dirname, '../../fixtures/ssh-home');
const FILE = join(HOME, '.ssh/config');
const env = { HOME, USER: 'me' };
const resolveHost = (host: string) => resolveSshConfig(SshSchema.parse({ host }), readFileSync(FILE, 'utf8'), env);

describe('ssh_config Include', () => {
  it('follows globbed Includes relative to ~/.ssh in lexical order; the first value wins', () => {
    const r = resolveHost('login');
    expect(r).toMatchObject({ host: 'login1.example.org', user: 'alice', port: 2222 });
    expect(r.identityFiles).toEqual([join(HOME, '.ssh/id_cluster'), join(HOME, '.ssh/id_default')]);
  });

  it('only includes files the glob names (conf.d/*.conf, not ignored.txt)', () => {
    const read = readSshConfigText(readFileSync(FILE, 'utf8'), FILE, HOME);
    expect(new Set(read.directives.map((d) => d.file.replace(`${HOME}/.ssh/`, '')))).toEqual(new Set(['conf.d/10-login.conf', 'conf.d/20-login-late.conf', 'work/hosts', 'work/nested', 'work/only-wrapped', FILE.replace(`${HOME}/.ssh/`, '')]));
  });

  it('applies an Include nested in a Host block only to that host, Host lines inside it too', () => {
    expect(resolveHost('bastion')).toMatchObject({ host: 'bastion.example.org', port: 2022, user: 'fallback' });
    expect(resolveHost('wrapped').host).toBe('wrapped.example.org');
    expect(resolveHost('other').host).toBe('other'); // its Host block sits inside `Host wrapped`
  });

  it('reports an Include it cannot read', () => {
    const read = readSshConfigText('Include conf.d\n', FILE, HOME); // a directory
    expect(read.notes).toEqual([expect.stringMatching(/Include .*conf\.d .*could not be read: EISDIR/)]);
  });
});

describe('Host patterns and Match', () => {
  it('reads ? as exactly one character and !pattern as an exclusion', () => {
    expect(resolveHost('gpu-1')).toMatchObject({ user: 'gpuuser', port: 2201, jumps: [expect.objectContaining({ host: 'login1.example.org', user: 'alice' })] });
    expect(resolveHost('gpu-9')).toMatchObject({ user: 'latecomer', jumps: [] }); // !gpu-9
    expect(resolveHost('gpu-')).toMatchObject({ user: 'latecomer' }); // `?` needs a character
    expect(resolveHost('gpu-10')).toMatchObject({ user: 'latecomer' });
    expect(sshPatternListMatch(['*.EXAMPLE.org'], 'login.example.ORG')).toBe(true);
  });

  it('never runs Match exec and reports it, with the directives aibench does not act on', () => {
    const r = resolveHost('login');
    expect(r.user).toBe('alice');
    expect(existsSync('/tmp/aibench-must-not-exist')).toBe(false);
    expect(r.notes).toEqual(expect.arrayContaining([
      expect.stringMatching(/^Match exec .*"exec" is not evaluated by aibench \(it never runs commands from ssh_config\)/),
      'not applied by aibench for login: ProxyCommand, ServerAliveInterval',
    ]));
  });
});
