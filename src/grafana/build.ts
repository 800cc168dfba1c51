// `dashboards build`: every generated file under dashboards/ as {relative path -> text}, JSON with
// sorted keys and a trailing newline so the committed files diff cleanly; writes are atomic.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { administrationDashboard } from './dashboard-administration.js';
import { benchmarkDashboard } from './dashboard-benchmark.js';
import { serviceDashboard } from './dashboard-service.js';
import { DashboardError } from '../errors.js';
import { dashboardProviderYaml, datasourcesYaml } from './provisioning.js';

/** The dashboards as plain JSON objects, by file name. */
export function buildDashboards(): Record<string, object> {
  return {
    'administration.json': administrationDashboard().build(),
    'service.json': serviceDashboard().build(),
    'benchmark.json': benchmarkDashboard().build(),
  };
}

/** Recursively sort object keys (arrays keep their order). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/** Stable JSON text: sorted keys, two-space indent, trailing newline. */
function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** Every generated file, relative path -> exact text. */
export function generatedFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, dashboard] of Object.entries(buildDashboards())) files[name] = stableJson(dashboard);
  files['provisioning/datasources/aibench.yaml'] = datasourcesYaml();
  files['provisioning/dashboards/aibench.yaml'] = dashboardProviderYaml();
  return files;
}

/** Write the generated files under outDir (atomic per file); returns the paths written. */
export async function writeDashboards(outDir: string): Promise<string[]> {
  const written: string[] = [];
  try {
    for (const [relative, text] of Object.entries(generatedFiles())) {
      const path = join(outDir, relative);
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, text);
      written.push(path);
    }
  } catch (error) {
    throw new DashboardError(`Could not write dashboards to ${outDir}: ${(error as Error).message}`, { cause: error });
  }
  return written;
}
