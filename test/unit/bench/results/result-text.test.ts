import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resultText } from '../../../../src/bench/results/result-text.js';

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
