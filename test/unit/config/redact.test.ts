// One rule for secret-looking names: config keys redacted on show, env names refused in --env.
import { describe, expect, it } from 'vitest';
import { isSecretName } from '../../../src/config/redact.js';

describe('isSecretName', () => {
  it.each([
    'HF_TOKEN', 'hf_token', 'HUGGING_FACE_HUB_TOKEN', 'VLLM_API_KEY', 'WANDB_API_KEY', 'OPENAI_API_KEY', 'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN', 'DB_PASSWORD', 'PGPASSWORD', 'SMTP_PASS', 'GITHUB_PAT', 'MY_SECRET', 'api_key', 'apikey', 'passphrase',
    'GOOGLE_APPLICATION_CREDENTIALS', 'Key', 'ssh_passwd',
  ])('%s is secret-looking', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    'HF_HOME', 'HF_HUB_CACHE', 'TOKENIZERS_PARALLELISM', 'CUDA_VISIBLE_DEVICES', 'PATH', 'hf_token_file', 'API_KEY_PATH', 'VLLM_API_KEY_FILE',
    'strict_host_key_checking', 'known_hosts_file', 'identity_file', 'PASSIVE_MODE', 'SECRETARY_NAME', 'BYPASS', 'COMPASS',
  ])('%s is not', (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});
