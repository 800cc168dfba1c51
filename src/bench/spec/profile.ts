// Benchmark profile YAML: the flat benchmark settings (the `bench run` flags in snake_case), plus
// `description` and `sim:`. Checked key by key on load, so a broken profile is named even when a
// flag would override the bad key; the merged settings then become one BenchSpec.
import { formatZodIssues, PARSE_ONCE } from '../../config/zod-error.js';
import { ConfigError } from '../../errors.js';
import { readYamlFile } from '../../config/yaml-file.js';
import { BenchInputSchema, type BenchInput } from './bench-input.js';

type BenchProfile = BenchInput;

/** Validate a parsed profile; ConfigError listing `FILE: key.path: expected ..., got ...`. */
export function parseBenchProfile(value: unknown, source: string): BenchProfile {
  const parsed = BenchInputSchema.safeParse(value ?? {}, { ...PARSE_ONCE, reportInput: true });
  if (parsed.success) return parsed.data;
  const lines = formatZodIssues(parsed.error).map((line) => `${source}: ${line}`);
  throw new ConfigError(`Invalid benchmark profile:\n  ${lines.join('\n  ')}`);
}

/** Read and validate a profile YAML file. */
export async function loadBenchProfile(path: string): Promise<BenchProfile> {
  return parseBenchProfile(await readYamlFile(path, 'profile'), path);
}
