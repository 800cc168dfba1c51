// A document that fails its own schema is never lost: it is written whole to the rescue path and
// the error says where; when even that write fails, the error says so instead of claiming it.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputDocument, outputSearchDocument } from '../../../../src/bench/results/result-io.js';
import type { ResultDocument, SearchDocument } from '../../../../src/bench/results/result-schema.js';
import { fixture } from '../../../helpers/result-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'aibench-rescue-'));
const FIXTURE = 'detailed/base.json';

describe('rescue of an invalid document', () => {
  it('a valid run passes through; an invalid one is written whole to the rescue file, named in the error', async () => {
    const good = fixture(FIXTURE);
    await expect(outputDocument([good], join(dir, 'unused.json'))).resolves.toMatchObject({ kind: 'run', completed: good.completed });
    const bad = { ...good, completed: -1 } as ResultDocument;
    const rescue = join(dir, 'run.invalid.json');
    await expect(outputDocument([bad], rescue)).rejects.toThrow(`everything measured was written to ${rescue}`);
    expect(JSON.parse(readFileSync(rescue, 'utf8'))).toMatchObject({ completed: -1, mean_ttft_ms: good.mean_ttft_ms });
  });

  it('a search document likewise; an unwritable rescue path is reported as not saved, never as saved', async () => {
    const bad = { schema_version: 1, kind: 'search', steps: [] } as unknown as SearchDocument;
    const rescue = join(dir, 'search.invalid.json');
    await expect(outputSearchDocument(bad, rescue)).rejects.toThrow(/The search document failed its own schema .*everything measured was written to/);
    expect(existsSync(rescue)).toBe(true);
    const nowhere = join(dir, 'no-such-dir', 'x.json');
    await expect(outputSearchDocument(bad, nowhere)).rejects.toThrow(`and it could not be saved to ${nowhere}`);
  });
});
