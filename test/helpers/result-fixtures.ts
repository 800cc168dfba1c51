// The recorded result fixtures (test/fixtures/results/generate.sh: real runs against the simulator).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseResultDocument, type ResultDocument } from '../../src/bench/results/result-schema.js';
import { runsOf, type LoadedRun } from '../../src/report/result-inputs.js';

export const RESULTS = join(import.meta.dirname, '../fixtures/results');

/** Every run of a fixture file (parsed through the schema, as the commands read them). */
export function fixtureRuns(name: string): ResultDocument[] {
  const path = join(RESULTS, name);
  return runsOf(parseResultDocument(JSON.parse(readFileSync(path, 'utf8')), path));
}

/** The one run of a fixture file. */
export function fixture(name: string): ResultDocument {
  return fixtureRuns(name)[0] as ResultDocument;
}

/** A fixture as if it had started `day` days after 2025-01-01 (history), with its file name. */
export function onDay(name: string, day: number): LoadedRun {
  const doc = structuredClone(fixture(name));
  const start = Date.UTC(2025, 0, 1 + day, 1, 30);
  doc.started_at = new Date(start).toISOString();
  doc.ended_at = new Date(start + doc.duration_s * 1000).toISOString();
  return { file: `nightly-${day}/${name}`, doc };
}

/** The same run without its per-request detail, as a run without --save-detailed. */
export function withoutDetail(doc: ResultDocument): ResultDocument {
  const { requests: _r, input_lens: _i, output_lens: _o, ttfts: _t, itls: _l, ...rest } = doc;
  return rest as ResultDocument;
}
