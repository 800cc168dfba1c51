import { describe, expect, it } from 'vitest';
import { classifyFailure, nextAimd, validateAimd, type Outcome } from '../../../src/dispatch/aimd.js';
import { effectivePriority } from '../../../src/dispatch/aging-queue.js';
import { Tier, tierFromName, tierName } from '../../../src/dispatch/tiers.js';

describe('AIMD', () => {
  const opts = validateAimd({ floor: 1, ceiling: 5, initial: 2, increaseAfter: 3 });
  const run = (outcomes: Outcome[]) => outcomes.reduce((s, o) => nextAimd(s, o, opts), { value: opts.initial, streak: 0 }).value;

  it.each<[Outcome[], number]>([
    [['success', 'success'], 2],
    [['success', 'success', 'success'], 3],
    [Array(30).fill('success'), 5],
    [['success', 'success', 'failure', 'success', 'success'], 1],
    [[...Array(9).fill('success'), 'oom'], 2],
    [[...Array(9).fill('success'), 'timeout'], 2],
    [['oom', 'oom', 'oom'], 1],
    [[...Array(9).fill('success'), 'failure'], 4],
  ])('%j -> %d', (outcomes, value) => {
    expect(run(outcomes)).toBe(value);
  });

  it('refuses bad bounds', () => {
    expect(() => validateAimd({ floor: 0, ceiling: 3 })).toThrow('floor');
    expect(() => validateAimd({ floor: 3, ceiling: 2 })).toThrow('ceiling');
    expect(() => validateAimd({ floor: 1, ceiling: 2, initial: 3 })).toThrow('initial');
  });

  it.each([
    [new Error('CUDA error: out of memory'), 'oom'],
    [new Error('job 12 ended OUT_OF_MEMORY'), 'oom'],
    [new Error('service did not become ready: timed out after 600s'), 'timeout'],
    [Object.assign(new Error('x'), { name: 'TimeoutError' }), 'timeout'],
    [new Error('connection refused'), 'failure'],
    ['weird', 'failure'],
  ])('classifies %s as %s', (error, kind) => {
    expect(classifyFailure(error)).toBe(kind);
  });
});

describe('aging and tiers', () => {
  it('rises one tier per agingMs, never above IMMEDIATE', () => {
    expect(effectivePriority(Tier.BACKGROUND, 99, 100)).toBe(0);
    expect(effectivePriority(Tier.BACKGROUND, 100, 100)).toBe(1);
    expect(effectivePriority(Tier.BACKGROUND, 250, 100)).toBe(2);
    expect(effectivePriority(Tier.BACKGROUND, 10_000, 100)).toBe(Tier.IMMEDIATE);
    expect(effectivePriority(Tier.INTERACTIVE, 10_000, Number.POSITIVE_INFINITY)).toBe(Tier.INTERACTIVE);
  });

  it('maps names both ways and lists the valid ones', () => {
    expect(tierFromName('preload')).toBe(1);
    expect(tierFromName('IMMEDIATE')).toBe(3);
    expect(tierName(0)).toBe('background');
    expect(() => tierFromName('urgent')).toThrow('expected one of immediate, interactive, preload, background, got "urgent"');
  });
});
