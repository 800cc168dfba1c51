import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/errors.js';
import { parseGoodput } from '../../../../src/bench/spec/goodput.js';

describe('parseGoodput', () => {
  it.each([
    ['ttft:300,tpot:50,e2el:2000', { ttftMs: 300, tpotMs: 50, e2elMs: 2000 }],
    ['ttft:300', { ttftMs: 300 }],
    [' tpot:12.5 , e2el:1000 ', { tpotMs: 12.5, e2elMs: 1000 }],
    [['ttft:300', 'tpot:50'], { ttftMs: 300, tpotMs: 50 }],
  ])('%j', (input, slo) => {
    expect(parseGoodput(input)).toEqual(slo);
  });

  it.each([
    ['latency:5', /unknown SLO "latency" in "latency:5"; expected one of ttft, tpot, e2el/],
    ['ttft:0', /expected ttft as milliseconds > 0 .*got "ttft:0"/],
    ['tpot:-5', /got "tpot:-5"/],
    ['ttft:abc', /got "ttft:abc"/],
    ['ttft', /got "ttft"/],
    ['ttft:300,ttft:200', /ttft given twice/],
    ['', /expected key:ms pairs/],
    ['toString:1', /unknown SLO "toString"/],
  ])('refuses %j', (input, message) => {
    expect(() => parseGoodput(input)).toThrow(UsageError);
    expect(() => parseGoodput(input)).toThrow(message);
  });
});
