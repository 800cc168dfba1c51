import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resultText, VLLM_DETAIL_KEYS, withoutRunLists } from '../../../../src/bench/results/result-text.js';

describe('resultText', () => {
  it('parses back to exactly what JSON.stringify gives, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(resultText(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });

  it('drops undefined fields, writes null for undefined list items and non-finite numbers, and uses toJSON', () => {
    const doc = { a: undefined, b: [1, Number.NaN, 3], c: [{ x: 1, y: undefined }], d: new Date(0), e: [undefined, { z: [1] }] };
    expect(JSON.parse(resultText(doc))).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('keeps the summary readable and puts each request record and each ITL list on a line of its own', () => {
    const doc = {
      kind: 'run',
      config: { target: { model: 'm' }, percentiles: [50, 99] },
      requests: [{ index: 0, success: true, itl_ms: [1.5, 2] }, { index: 1, success: false, itl_ms: [] }],
      ttfts: [0.1, 0.2],
      itls: [[0.0015, 0.002], []],
    };
    expect(resultText(doc)).toBe(
      [
        '{',
        '  "kind": "run",',
        '  "config": {',
        '    "target": {',
        '      "model": "m"',
        '    },',
        '    "percentiles": [50,99]',
        '  },',
        '  "requests": [',
        '    {"index":0,"success":true,"itl_ms":[1.5,2]},',
        '    {"index":1,"success":false,"itl_ms":[]}',
        '  ],',
        '  "ttfts": [0.1,0.2],',
        '  "itls": [',
        '    [0.0015,0.002],',
        '    []',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('withoutRunLists', () => {
  const numbers = fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 6 });
  const lists = fc.record({ ttfts: numbers, itls: fc.array(numbers, { maxLength: 4 }), input_lens: fc.array(fc.nat(), { maxLength: 4 }), output_lens: fc.array(fc.nat(), { maxLength: 4 }) }, { requiredKeys: [] });
  // A run: schema_version and kind first (as aibench writes them), then any fields (nested ones may be
  // called itls too, and must stay), with vLLM's lists somewhere among them.
  // (Integer-like keys would come first in a JS object, before schema_version: not aibench's layout.)
  const key = fc.string().filter((k) => !/^\d+$/.test(k));
  const run = fc.tuple(fc.dictionary(key, fc.jsonValue(), { maxKeys: 5 }), lists, fc.dictionary(key, fc.jsonValue(), { maxKeys: 3 }), fc.dictionary(fc.constantFrom('itls', 'ttfts', 'x'), fc.jsonValue(), { maxKeys: 2 }))
    .map(([before, vllm, after, nested]) => ({ schema_version: 1, kind: 'run', ...before, nested, ...vllm, ...after, tail: [nested] }));
  const without = (doc: Record<string, unknown>) => Object.fromEntries(Object.entries(doc).filter(([k]) => !(VLLM_DETAIL_KEYS as readonly string[]).includes(k)));
  // What a reader parses: the cut text, or the whole file when nothing was cut.
  const cut = (text: string): string => withoutRunLists(Buffer.from(text), VLLM_DETAIL_KEYS) ?? text;
  const writers: Array<[string, (doc: unknown) => string]> = [['resultText', resultText], ['JSON.stringify', (doc) => `${JSON.stringify(doc, null, 2)}\n`]];

  it.each(writers)('cuts exactly the run-level lists of a run written by %s', (_name, write) => {
    fc.assert(
      fc.property(run, (doc) => {
        const plain = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
        expect(JSON.parse(cut(write(doc)))).toEqual(without(plain));
      }),
      { numRuns: 300 },
    );
  });

  it.each(writers)('cuts them in every run of a sweep written by %s, and nothing outside its runs', (_name, write) => {
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 3 }), lists, (runs, outside) => {
        const doc = { schema_version: 1, kind: 'sweep', summary: [{ label: 'x', ...outside, more: { a: 1 } }], runs };
        const plain = JSON.parse(JSON.stringify(doc)) as { runs: Array<Record<string, unknown>> };
        expect(JSON.parse(cut(write(doc)))).toEqual({ ...plain, runs: plain.runs.map(without) });
      }),
      { numRuns: 200 },
    );
  });

  it('cuts on the bytes of a file that is not ASCII, and decodes what is kept as UTF-8', () => {
    const doc = { schema_version: 1, kind: 'run', label: 'modèle 😀', 'ключ': ['ttfts', 'é'], ttfts: [0.5], itls: [[1, 2]], after: '→' };
    const text = resultText(doc);
    expect(Buffer.byteLength(text)).toBeGreaterThan(text.length);
    expect(JSON.parse(cut(text))).toEqual({ schema_version: 1, kind: 'run', label: 'modèle 😀', 'ключ': ['ttfts', 'é'], after: '→' });
  });

  it('leaves any other layout whole', () => {
    const doc = { schema_version: 1, kind: 'run', itls: [[1]], ttfts: [1] };
    for (const text of [JSON.stringify(doc), `${JSON.stringify({ kind: 'run', schema_version: 1, itls: [[1]] }, null, 2)}`, `${JSON.stringify({ ...doc, kind: 'search' }, null, 2)}`]) {
      expect(withoutRunLists(Buffer.from(text), VLLM_DETAIL_KEYS)).toBeUndefined();
    }
  });
});
