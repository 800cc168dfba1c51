// The launcher's endpoints: each close stops once; closeAll stops what is still open and says what failed.
import { describe, expect, it } from 'vitest';
import { OpenEndpoints } from '../../../src/suite/services.js';

describe('OpenEndpoints', () => {
  it('close() runs the stop once however often it is called; closeAll closes only what is still open', async () => {
    const open = new OpenEndpoints();
    const stops: string[] = [];
    const a = open.track({ url: 'http://a' }, async () => void stops.push('a'));
    open.track({ url: 'http://b' }, async () => void stops.push('b'));
    open.track({ url: 'http://c' }, async () => {
      stops.push('c');
      throw new Error('scancel timed out');
    });
    await Promise.all([a.close(), a.close()]);
    expect(await open.closeAll()).toEqual(['scancel timed out']);
    expect(stops.sort()).toEqual(['a', 'b', 'c']);
    expect(await open.closeAll()).toEqual([]);
  });
});
