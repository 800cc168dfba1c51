// aibench's own version, read once from the package's package.json (see package-files.ts for how
// it is found from src/, dist/ and the bundle alike).
import { readFileSync } from 'node:fs';
import { packagePath } from './package-files.js';

/** The package version, e.g. "0.1.0". */
export const VERSION: string = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
