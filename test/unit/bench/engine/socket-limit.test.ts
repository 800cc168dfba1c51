// A load level needing more sockets than the process may open is refused before any request.
import { describe, expect, it } from 'vitest';
import { checkSocketBudget, openFileLimit } from '../../../../src/bench/engine/socket-limit.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 1048576              files
`;

describe('socket budget', () => {
  it('reads the soft open-file limit; unlimited or unknown means no check', () => {
    expect(openFileLimit(LIMITS)).toBe(1024);
    expect(openFileLimit(LIMITS.replace('1024 ', 'unlimited '))).toBeUndefined();
    expect(openFileLimit('nothing here')).toBeUndefined();
    expect(openFileLimit()).toBeGreaterThan(0); // this machine's own limit (Linux)
  });

  it('refuses more in-flight requests than the limit allows, saying how to fix it', () => {
    expect(() => checkSocketBudget(960, 1024)).not.toThrow();
    expect(() => checkSocketBudget(961, 1024)).toThrow('concurrency: expected at most 960 requests in flight in one client process (open-file limit 1024), got 961');
    expect(() => checkSocketBudget(1e9, undefined)).not.toThrow();
  });
});
