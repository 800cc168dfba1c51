// --metadata key=value: repeatable tags that travel input -> spec -> result, add up across a profile
// and the flags, and are refused (exit 2, naming the key) when a key or value could not be shown as is.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchInputSchema, mergeInput } from '../../../../src/bench/spec/bench-input.js';
import { buildBenchSpec } from '../../../../src/bench/spec/build-spec.js';
import { ResultDocumentSchema } from '../../../../src/bench/results/result-schema.js';
import { collectMetadata } from '../../../../src/cli/bench-options.js';

const FIXTURE = join(import.meta.dirname, '../../../fixtures/results/nightly/fast-1.json');

describe('--metadata', () => {
  it('collects repeated flags into one map; a value may hold =', () => {
    const once = collectMetadata('git_sha=abc', undefined);
    expect(collectMetadata('build=url=http://ci/7', once)).toEqual({ git_sha: 'abc', build: 'url=http://ci/7' });
    expect(() => collectMetadata('no-equals', undefined)).toThrow(/expected key=value, got "no-equals"/);
    expect(() => collectMetadata('=v', undefined)).toThrow(/expected key=value/);
  });

  it('adds the flags to a profile\'s tags (a flag wins on the same key) and lands in the spec', () => {
    const merged = mergeInput({ metadata: { suite: 'nightly', git_sha: 'old' } }, { metadata: { git_sha: 'new' } });
    expect(merged.metadata).toEqual({ suite: 'nightly', git_sha: 'new' });
    expect(buildBenchSpec({ url: 'http://127.0.0.1:1', ...merged }).metadata).toEqual({ suite: 'nightly', git_sha: 'new' });
    expect(buildBenchSpec({ url: 'http://127.0.0.1:1' }).metadata).toBeUndefined();
  });

  it('refuses keys and values that cannot be shown as they are', () => {
    const bad = (metadata: Record<string, string>) => BenchInputSchema.safeParse({ metadata }).error?.issues.map((i) => i.message);
    expect(bad({ '1x': 'y' })).toEqual([expect.stringMatching(/^expected a key of letters/)]);
    expect(bad({ k: 'a\u001b[31mb' })).toEqual(['expected a value without control characters']);
    expect(bad(Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])))).toEqual(['expected at most 64 entries']);
  });

  it('is an optional field of the result schema: string values only', () => {
    const doc = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
    expect(ResultDocumentSchema.safeParse(doc).success).toBe(true);
    expect(ResultDocumentSchema.safeParse({ ...doc, metadata: { git_sha: 'abc' } }).data?.metadata).toEqual({ git_sha: 'abc' });
    expect(ResultDocumentSchema.safeParse({ ...doc, metadata: { build: 7 } }).success).toBe(false);
  });
});
