// aibench's own version, read once from package.json (the same relative path works from src/
// under vitest and from dist/ in the built package).
import { createRequire } from 'node:module';

/** The package version, e.g. "0.1.0". */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
