// The embedded simulator's typed settings: the same SimOptions the `aibench sim` flags give for the
// same values (the old object -> argv -> parser round trip is the reference), without any argv.
import { describe, expect, it } from 'vitest';
import { parseSimArgs } from '../../../src/cli/sim-args.js';
import { EMBEDDED_SIM_DEFAULTS, SimProfileSchema, embeddedSimOptions, type SimProfile } from '../../../src/sim/embedded-profile.js';

// What bench/execute.ts used to do: profile keys as `--kebab-case value` after loopback, port 0.
function viaArgv(profile: SimProfile): ReturnType<typeof parseSimArgs>['options'] {
  const argv = ['--host', '127.0.0.1', '--port', '0'];
  for (const [key, value] of Object.entries({ ...EMBEDDED_SIM_DEFAULTS, ...profile })) argv.push(`--${key.replace(/_/g, '-')}`, String(value));
  return parseSimArgs(argv).options;
}

describe('embeddedSimOptions', () => {
  it.each<[string, SimProfile]>([
    ['no settings: the embedded defaults', {}],
    ['a model and latencies', { model: 'org/m', itl_ms: 2, prefill_ms_per_token: 0, prefill_overhead_ms: 1 }],
    ['batching and context', { max_num_seqs: 3, max_model_len: 512 }],
    ['failures and jitter', { error_rate: 0.5, jitter: 0.2, seed: -4 }],
    ['every key', { model: 'x', itl_ms: 0, prefill_ms_per_token: 0.5, prefill_overhead_ms: 0, max_num_seqs: 1, max_model_len: 1, error_rate: 1, jitter: 1, seed: 9 }],
  ])('%s: equals what the same `aibench sim` flags give', (_name, profile) => {
    expect(SimProfileSchema.parse(profile)).toEqual(profile);
    expect(embeddedSimOptions(profile)).toEqual(viaArgv(profile));
  });

  it('listens on loopback, any free port, and answers to the model name', () => {
    expect(embeddedSimOptions({ model: 'a/b' })).toMatchObject({ host: '127.0.0.1', port: 0, model: 'a/b', servedModelNames: ['a/b'], itlMs: EMBEDDED_SIM_DEFAULTS.itl_ms });
  });

  it('a key present but undefined keeps its default', () => {
    expect(embeddedSimOptions({ itl_ms: undefined, seed: undefined })).toEqual(embeddedSimOptions({}));
  });
});
