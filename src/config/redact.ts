// What counts as a secret by its name, in one place: config keys redacted before a config is
// printed, and environment variables refused in `--env` (they would be written into a job script).
// A name for a FILE that holds a secret (`hf_token_file`, `API_KEY_PATH`) is a path, not a secret.

// Judged by how the name ends: WANDB_API_KEY, hf_token, AWS_SECRET_ACCESS_KEY, DB_PASSWORD, PGPASSWORD
// are secrets; TOKENIZERS_PARALLELISM or strict_host_key_checking are not.
const SECRET_NAME = /(password|passwd|passphrase|secret|secrets|token|tokens|key|keys|apikey|credential|credentials|(^|_)pass|(^|_)pat)$/i;
const NAMES_A_FILE = /_(file|path)$/i;

/** True for a config key or environment variable name that looks like it holds a secret. */
export function isSecretName(name: string): boolean {
  return !NAMES_A_FILE.test(name) && SECRET_NAME.test(name);
}

/** A deep copy with secret-looking values replaced by "<redacted>". */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = isSecretName(key) && typeof inner === 'string' ? '<redacted>' : redactSecrets(inner);
    }
    return out;
  }
  return value;
}
