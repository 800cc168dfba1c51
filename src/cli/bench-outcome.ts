// What `bench run` and `bench search` share around the one core call: the spec from a profile and
// the typed flags, and the verdict turned into the error whose class carries the exit code. The
// service stack and the profile reader (yaml) load only when a run names a service or a profile.
import type { Command } from 'commander';
import { executeBenchmark } from '../bench/engine/execute.js';
import type { BenchOutcome, ProgressEvent } from '../bench/engine/runner.js';
import { readApiKey } from '../bench/results/result-io.js';
import type { Verdict } from '../bench/results/verdict.js';
import type { BenchSpec } from '../bench/spec/bench-spec.js';
import { mergeInput } from '../bench/spec/bench-input.js';
import { buildBenchSpec, configBenchDefaults } from '../bench/spec/build-spec.js';
import { BenchError, ThresholdError } from '../errors.js';
import type { Output } from '../report/output.js';
import { createProgress } from '../report/progress.js';
import { settingLabel, SPEC_FLAGS, typedInput } from './bench-options.js';
import { configFor, useInterrupt } from './context.js';

/** The one core call of `bench run` and `bench search`: the spec against its target (a service, a URL, the embedded simulator), with progress and Ctrl-C. */
export async function runWithProgress(spec: BenchSpec, command: Command, output: Output, apiKeyFile: string | undefined): Promise<BenchOutcome> {
  const apiKey = await readApiKey(apiKeyFile);
  const progress = await createProgress(output);
  const hooks = { signal: useInterrupt(), onProgress: (event: ProgressEvent) => progress.update(event), onInfo: (line: string) => output.info(line) };
  try {
    return spec.target.service === undefined
      ? await executeBenchmark(spec, apiKey ? { apiKey } : {}, hooks)
      : await (await import('../bench/cluster/service-benchmark.js')).benchmarkService((await configFor(command)).config, spec, hooks, apiKeyFile !== undefined && apiKey ? { apiKey } : {});
  } finally {
    progress.stop();
  }
}

/** Config defaults, then the profile (a built-in name or a file), then the flags typed -> one BenchSpec; errors name the flag or the profile key. */
export async function specFromCommandLine(profileName: string | undefined, command: Command, flags: Parameters<typeof typedInput>[1] = SPEC_FLAGS, kind: 'bench' | 'search' = 'bench'): Promise<BenchSpec> {
  const profilePath = profileName === undefined ? undefined : await (await import('../config/profiles.js')).resolveProfile(profileName, kind, '--profile');
  const profile = profilePath === undefined ? {} : await (await import('../bench/spec/profile.js')).loadBenchProfile(profilePath);
  const typed = typedInput(command, flags);
  const given = mergeInput(profile, typed);
  // The config is read only where it matters: a service (its Prometheus has the GPU series) or PromQL assertions.
  const needsConfig = given.service !== undefined || (given.assert_promql ?? []).length > 0;
  const defaults = needsConfig ? configBenchDefaults((await configFor(command)).config) : {};
  return buildBenchSpec(mergeInput(defaults, given), { label: settingLabel(typed, profilePath === undefined ? undefined : { path: profilePath, input: profile }) });
}

/** The verdict as the CLI says it: warnings, then an error whose class carries the exit code. */
export function verdictToExit(output: Output, verdict: Verdict): void {
  for (const warning of verdict.warnings) output.warn(warning);
  if (verdict.status === 'interrupted') return; // main turns the interrupt into exit 130
  if (verdict.status === 'failed') {
    const gate = verdict.assertions.some((a) => a.status === 'error');
    throw new BenchError(verdict.reasons.join('; '), {
      hint: gate ? 'an assertion that cannot be evaluated never passes: check the field or query, the Prometheus URL and that the server exports the metric' : 'check the target URL, the model name and the API key',
    });
  }
  if (verdict.status === 'breached') throw new ThresholdError(`thresholds breached (--fail-on / --assert):\n  ${verdict.breaches.join('\n  ')}`);
}
