#!/usr/bin/env node
// Build step of the HTML report (`npm run build` runs it after tsc): compiles the browser script
// (src/report/view, its own tsconfig with the DOM types) and copies the charting library, uPlot,
// from node_modules into dist/report-assets/, from where every report inlines them. So a report
// needs no network and no node_modules at view time or at generation time.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'report-assets');
const require = createRequire(import.meta.url);

mkdirSync(out, { recursive: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'src/report/view/tsconfig.json')], { stdio: 'inherit' });
const uplot = dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
const version = JSON.parse(readFileSync(join(uplot, '..', 'package.json'), 'utf8')).version;
// A </script> inside inlined code would end the element early; the library has none, and this says so loudly if that changes.
const js = readFileSync(join(uplot, 'uPlot.iife.min.js'), 'utf8');
if (/<\/script/i.test(js)) throw new Error('uPlot.iife.min.js contains </script>: cannot inline it');
writeFileSync(join(out, 'uplot.min.js'), js.replace(/\n\/\/# sourceMappingURL=.*$/m, ''));
copyFileSync(join(uplot, 'uPlot.min.css'), join(out, 'uplot.min.css'));
writeFileSync(join(out, 'versions.json'), `${JSON.stringify({ uplot: version })}\n`);
console.error(`report assets: uPlot ${version} and the report view in ${out}`);
