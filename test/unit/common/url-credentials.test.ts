// The one credentials test for URLs: detection, masking for messages, scrubbing from free text.
import { describe, expect, it } from 'vitest';
import { hasUrlCredentials, maskUrlCredentials, scrubUrlCredentials } from '../../../src/common/url-credentials.js';

describe('URL credentials', () => {
  it.each([
    ['http://alice:s3cret@host:8000/v1', true],
    ['https://alice@host', true],
    ['http://a:p@ss@host/x', true],
    ['http://host:8000/v1?next=a@b', false],
    ['http://host/path@x', false],
    ['http://host#frag@x', false],
    ['http://node1:8000', false],
  ])('%s has credentials: %s', (url, expected) => {
    expect(hasUrlCredentials(url)).toBe(expected);
  });

  it('masks the userinfo for messages and scrubs every URL in a text', () => {
    expect(maskUrlCredentials('https://alice:s3cret@host:8000/v1')).toBe('https://***@host:8000/v1');
    expect(maskUrlCredentials('http://a:p@ss@host/x')).toBe('http://***@host/x');
    expect(scrubUrlCredentials('GET http://u:p@h1/x failed, then https://v@h2 too')).toBe('GET http://h1/x failed, then https://h2 too');
  });
});
