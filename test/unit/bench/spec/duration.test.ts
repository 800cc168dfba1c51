import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/errors.js';
import { minutesToSeconds, parseDurationSeconds, parseTimeoutSpec } from '../../../../src/bench/spec/duration.js';

describe('minutesToSeconds', () => {
  it.each([
    [10, 600],
    ['10', 600],
    [0.5, 30],
    ['0.5', 30],
    ['.5', 30],
    [' 2 ', 120],
    [0.1, 6],
    ['1.25', 75],
    [10080, 604800],
  ])('%j min -> %d s', (input, seconds) => {
    expect(minutesToSeconds(input)).toBe(seconds);
  });

  it.each([
    ['5m', '"5m"'],
    ['abc', '"abc"'],
    ['', '""'],
    ['-1', '"-1"'],
    ['1e3', '"1e3"'],
    ['0x10', '"0x10"'],
    ['0', '"0"'],
    [0, '0'],
    [-2, '-2'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('refuses %j naming field, expectation and value', (input, shown) => {
    expect(() => minutesToSeconds(input)).toThrow(UsageError);
    expect(() => minutesToSeconds(input)).toThrow(`duration: expected minutes as a number > 0 (e.g. 0.5 or 10), got ${shown}`);
  });

  it('refuses absurd durations (> 7 days)', () => {
    expect(() => minutesToSeconds(10081)).toThrow('duration: expected at most 10080 minutes (7 days), got 10081');
  });

  it('names the field it was given', () => {
    expect(() => minutesToSeconds('x', 'suite.duration')).toThrow(/^suite\.duration: /);
  });

  it.each([
    ['0.000001', '"0.000001"'],
    [0.000001, '0.000001'],
    ['0.000008', '"0.000008"'],
  ])('refuses %j: > 0 but rounds to 0 s', (input, shown) => {
    expect(() => minutesToSeconds(input)).toThrow(UsageError);
    expect(() => minutesToSeconds(input)).toThrow(`duration: expected minutes worth at least 0.001 s (1 ms; this rounds to 0 s), got ${shown}`);
  });

  it('accepts the shortest duration that rounds to 1 ms', () => {
    expect(minutesToSeconds('0.00001')).toBe(0.001);
  });
});

describe('parseDurationSeconds', () => {
  it.each([
    ['30', 30],
    [90, 90],
    ['0.5', 0.5],
  ])('%j -> %d', (input, seconds) => {
    expect(parseDurationSeconds(input)).toBe(seconds);
  });
  it.each(['30s', '0', '-3', '', 'NaN'])('refuses %j', (input) => {
    expect(() => parseDurationSeconds(input)).toThrow(`duration-seconds: expected seconds as a number > 0 (e.g. 30 or 600), got ${JSON.stringify(input)}`);
  });
  it('refuses more than 7 days', () => {
    expect(() => parseDurationSeconds(604801)).toThrow(/at most 604800 seconds/);
  });
  it.each([
    ['0.0004', '"0.0004"'],
    [0.0001, '0.0001'],
  ])('refuses %j: > 0 but rounds to 0 s', (input, shown) => {
    expect(() => parseDurationSeconds(input)).toThrow(UsageError);
    expect(() => parseDurationSeconds(input)).toThrow(`duration-seconds: expected seconds worth at least 0.001 s (1 ms; this rounds to 0 s), got ${shown}`);
  });
  it('accepts 1 ms', () => {
    expect(parseDurationSeconds('0.001')).toBe(0.001);
  });
});

describe('parseTimeoutSpec', () => {
  it.each([
    ['10m', 600_000],
    ['30s', 30_000],
    ['1h', 3_600_000],
    ['90', 90_000],
    [90, 90_000],
    ['1.5m', 90_000],
    ['500ms', 500],
    [' 2h ', 7_200_000],
  ])('%j -> %d ms', (input, ms) => {
    expect(parseTimeoutSpec(input)).toBe(ms);
  });
  it.each(['', '0', '0s', '-5s', '10x', 'm', '10 minutes', '1d', '8000h'])('refuses %j', (input) => {
    expect(() => parseTimeoutSpec(input)).toThrow(UsageError);
    expect(() => parseTimeoutSpec(input, 'wait-timeout')).toThrow(/^wait-timeout: expected /);
  });
});
