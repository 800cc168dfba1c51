// SSH key pairs for tests, made by OpenSSH's own ssh-keygen. ssh2's generateKeyPairSync is not
// used: about 1 in 300 of its ed25519 keys is malformed (ssh2 and ssh-keygen both refuse it),
// which made tests that need a valid key fail at random.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SshKeyPair {
  /** OpenSSH private key file text. */
  private: string;
  /** `type base64 comment` as in an .pub file. */
  public: string;
}

export function sshKeyPair(type: 'ed25519' | 'ecdsa' = 'ed25519'): SshKeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'aibench-key-'));
  try {
    const file = join(dir, 'key');
    execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'ecdsa' ? ['-b', '256'] : []), '-N', '', '-C', 'aibench-test', '-f', file], { stdio: 'ignore' });
    return { private: readFileSync(file, 'utf8'), public: readFileSync(`${file}.pub`, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
