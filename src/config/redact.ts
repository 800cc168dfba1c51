// Redact secret-looking values before a config is printed. Files that hold secrets (keys ending
// in _file) are paths, not secrets, and stay visible.

const SECRET_KEY = /(password|passphrase|secret|token|api_key|apikey)$/i;

/** A deep copy with secret-looking values replaced by "<redacted>". */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) && typeof inner === 'string' ? '<redacted>' : redactSecrets(inner);
    }
    return out;
  }
  return value;
}
