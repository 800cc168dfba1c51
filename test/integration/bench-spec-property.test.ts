// Every valid combination of `bench run` flags over a profile yields a result document that
// validates (the defect this guards: a run that measured for minutes, then failed its own schema).
// Real flags through commander, a real profile object, a real run against the simulator.
import { Command } from 'commander';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBenchmark } from '../../src/bench/engine/runner.js';
import { outputDocument } from '../../src/bench/results/result-io.js';
import { parseResultDocument } from '../../src/bench/results/result-schema.js';
import { mergeInput, type BenchInput } from '../../src/bench/spec/bench-input.js';
import { buildBenchSpec } from '../../src/bench/spec/build-spec.js';
import { addSpecOptions, settingLabel, typedInput } from '../../src/cli/bench-options.js';
import { parseSimArgs } from '../../src/cli/sim-args.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';

let server: SimServer;
beforeAll(async () => {
  server = await startSimServer(parseSimArgs(['--host', '127.0.0.1', '--port', '0', '--itl-ms', '0', '--prefill-overhead-ms', '0', '--max-model-len', '4096']).options);
});
afterAll(() => server.close());

// Flags a person may type, as argv; each arbitrary yields only values the flags accept.
const flagArgs = fc.record(
  {
    load: fc.oneof(
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 2 }).map((c) => ['--concurrency', [...new Set(c)].join(',')]),
      fc.tuple(fc.integer({ min: 20, max: 200 }), fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined })).map(([r, cap]) => [
        '--rate', String(r), ...(cap === undefined ? [] : ['--max-concurrency', String(cap)]),
      ]),
    ),
    count: fc.integer({ min: 1, max: 4 }).map((n) => ['--num-requests', String(n)]),
    lengths: fc.tuple(fc.option(fc.integer({ min: 1, max: 48 })), fc.option(fc.integer({ min: 1, max: 6 }))).map(([i, o]) => [
      ...(i === null ? [] : ['--input-len', String(i)]), ...(o === null ? [] : ['--output-len', String(o)]),
    ]),
    rangeRatio: fc.option(fc.constantFrom('0', '0.3', '0.9')).map((r) => (r === null ? [] : ['--range-ratio', r])),
    api: fc.option(fc.constantFrom('completions', 'chat')).map((a) => (a === null ? [] : ['--api', a])),
    warmup: fc.option(fc.integer({ min: 0, max: 2 })).map((w) => (w === null ? [] : ['--warmup', String(w)])),
    seed: fc.option(fc.integer({ min: 0, max: 1e6 })).map((s) => (s === null ? [] : ['--seed', String(s)])),
    percentiles: fc.option(fc.uniqueArray(fc.constantFrom(1, 50, 75, 99.9), { minLength: 1 })).map((p) => (p === null ? [] : ['--percentiles', p.join(',')])),
    goodput: fc.option(fc.constantFrom('ttft:500', 'tpot:50,e2el:2000')).map((g) => (g === null ? [] : ['--goodput', g])),
    deadline: fc.option(fc.constantFrom('finish', 'cut')).map((d) => (d === null ? [] : ['--on-deadline', d])),
    detailed: fc.boolean().map((d) => (d ? ['--save-detailed'] : [])),
    gate: fc.option(fc.constantFrom('p99.9_ttft_ms>100000', 'failed>0')).map((g) => (g === null ? [] : ['--fail-on', g])),
  },
  { requiredKeys: [] },
).map((parts) => Object.values(parts).flat());

// A profile under the flags: its values stand unless a typed flag replaces them.
const profile: fc.Arbitrary<BenchInput> = fc.record(
  { api: fc.constantFrom('completions', 'chat'), seed: fc.integer({ min: 0, max: 99 }), input_len: fc.integer({ min: 1, max: 32 }), output_len: fc.integer({ min: 1, max: 4 }), concurrency: fc.integer({ min: 1, max: 3 }) },
  { requiredKeys: [] },
);

describe('every valid spec yields a valid result document', () => {
  it('flags x profile -> BenchSpec -> run -> a document that validates', async () => {
    await fc.assert(
      fc.asyncProperty(flagArgs, profile, async (argv, base) => {
        const cmd = addSpecOptions(new Command('run').exitOverride());
        cmd.parse(argv, { from: 'user' });
        const typed = typedInput(cmd);
        const spec = buildBenchSpec(mergeInput(base, typed), { label: settingLabel(typed, { path: 'p.yaml', input: base }) });
        const outcome = await runBenchmark(spec, { url: server.url });
        const doc = await outputDocument(outcome.runs, '/nonexistent/rescue.json'); // throws if invalid
        const reread = parseResultDocument(JSON.parse(JSON.stringify(doc)));
        const runs = reread.kind === 'search' ? [] : 'runs' in reread ? reread.runs : [reread];
        expect(runs).toHaveLength(spec.loads.length);
        for (const run of runs) {
          expect(run.completed + run.failed + run.cut).toBe(spec.stop.num_requests);
          expect(run.config.percentiles).toEqual(spec.percentiles);
          if (spec.dataset.kind === 'random') expect(run.config.dataset.input_len).toBe(spec.dataset.input_len);
        }
      }),
      { numRuns: 30, seed: 20261202 },
    );
  }, 180_000);
});
