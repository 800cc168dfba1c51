// Files shipped with aibench (package.json, bin/, profiles/, dashboards/, dist/report-assets/)
// found from wherever this code runs: src/ under vitest, dist/ after tsc, dist/bundle/ in the
// bundle an installed package runs. The root is the nearest folder above holding package.json.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The package's root folder (a checkout or the installed package). */
function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  root = dir;
  return dir;
}

/** A path inside the package, e.g. packagePath('profiles', 'quickstart.yaml'). */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}

const requireCjs = createRequire(import.meta.url);

/**
 * A CommonJS module the build puts beside the bundle (dist/bundle/NAME.cjs), required synchronously
 * on first use; from a checkout that was not built (tests run from src/), made of its packages.
 */
export function requireBuilt<T>(name: string, fromPackages: (load: NodeJS.Require) => T): T {
  const built = packagePath('dist', 'bundle', `${name}.cjs`);
  return existsSync(built) ? (requireCjs(built) as T) : fromPackages(requireCjs);
}
