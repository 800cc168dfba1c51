#!/usr/bin/env node
// Build step of the CLI (`npm run build` runs it after tsc): esbuild bundles src/cli/entry.ts and
// every library it uses into dist/bundle/ (ESM, split into chunks so each command group still
// loads only its own code). One file per chunk instead of hundreds of modules is what makes a
// cached `aibench service models` start in about Node's own start-up time, and it is why the
// package needs no node_modules at run time (package.json `dependencies` stays empty: a global
// install has nothing to download, no install scripts, and only the tokenizer encoding that is used).
// Left outside the bundle: ssh2's optional native add-ons (it falls back to JavaScript without them).
// Source maps only when asked: AIBENCH_SOURCEMAP=1 npm run build.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// zod's `z` namespace re-exports every locale (260 kB of its 450 kB), which V8 must compile before
// any schema runs; aibench's messages are English, and zod itself configures English from en.js.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({ contents: "export { default as en } from './en.js';", loader: 'js', resolveDir: dirname(args.path) }));
  },
};
// undici's index.js requires every dispatcher, interceptor, cache, mock, fetch, WebSocket and
// EventSource it has (~45 ms of a benchmark's start-up, measured side by side); aibench uses Pool, the global
// dispatcher's Dispatcher API and FormData (batch uploads, built only when used). The bundle gets an
// index with just those, and the build fails if src/ imports anything else from 'undici'.
const UNDICI_USED = ['Pool', 'getGlobalDispatcher', 'FormData'];
const undiciCore = {
  name: 'undici-core',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]undici[\\/]index\.js$/ }, (args) => ({
      contents: [
        "'use strict'",
        "Object.assign(require('./lib/dispatcher/dispatcher').prototype, require('./lib/api'))",
        "module.exports.Pool = require('./lib/dispatcher/pool')",
        "module.exports.getGlobalDispatcher = require('./lib/global').getGlobalDispatcher",
        "Object.defineProperty(module.exports, 'FormData', { enumerable: true, get: () => require('./lib/web/fetch/formdata').FormData })",
      ].join('\n'),
      loader: 'js', resolveDir: dirname(args.path),
    }));
  },
};
/** The names src/ imports from 'undici' (types aside), which undiciCore must all provide. */
function checkUndiciImports() {
  const files = readdirSync(join(root, 'src'), { recursive: true }).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    for (const m of readFileSync(join(root, 'src', file), 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*'undici'/g)) {
      const names = m[1].split(',').map((n) => n.trim()).filter((n) => n !== '' && !n.startsWith('type '));
      const missing = names.filter((n) => !UNDICI_USED.includes(n));
      if (missing.length > 0) throw new Error(`src/${file} imports ${missing.join(', ')} from undici: add it to the bundle's undici index in scripts/build-bundle.js`);
    }
  }
}
checkUndiciImports();
const outdir = join(root, 'dist', 'bundle');

/** The licence text of every package the bundle includes, in one file beside it (the bundle carries their code). */
function writeThirdPartyLicenses(metafile) {
  const packages = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) packages.add(m[1]);
  }
  const sections = [...packages].sort().map((name) => {
    const dir = join(root, 'node_modules', name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file && existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').trim() : `(no licence file; package.json says: ${pkg.license ?? 'unknown'})`;
    return `${name}@${pkg.version} (${pkg.license ?? 'unknown'})\n\n${text}\n`;
  });
  writeFileSync(join(outdir, 'THIRD-PARTY-LICENSES.txt'), `Packages bundled into aibench's dist/bundle/ and their licences.\n\n${sections.join(`\n${'-'.repeat(72)}\n\n`)}`);
  return packages.size;
}

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { aibench: join(root, 'src/cli/entry.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Whitespace and syntax minified, identifiers kept: class and function names survive as written
  // (`error.name`, --debug stack traces) without esbuild's keepNames, whose __name() call per
  // function and class ran ~30 ms of CPU before a benchmark's first request (profiled).
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: process.env.AIBENCH_SOURCEMAP === '1' ? 'linked' : false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  external: ['cpu-features', '*.node'],
  plugins: [zodEnglishOnly, undiciCore],
});
// CommonJS libraries inside an ESM bundle still call require() for Node's own modules, and
// ssh2's WebAssembly loader reads __dirname: each chunk that names one of them gets its own, and
// only those (createRequire costs a little per chunk, and a command loads a dozen or more).
const SHIMS = [
  { uses: /\brequire\b/, code: "import { createRequire as __aibenchRequire } from 'node:module'; const require = __aibenchRequire(import.meta.url);" },
  { uses: /\b__(?:file|dir)name\b/, code: "import { dirname as __aibenchDirname } from 'node:path'; import { fileURLToPath as __aibenchPath } from 'node:url'; const __filename = __aibenchPath(import.meta.url); const __dirname = __aibenchDirname(__filename);" },
];
for (const file of readdirSync(outdir).filter((f) => f.endsWith('.js'))) {
  const code = readFileSync(join(outdir, file), 'utf8');
  const shims = SHIMS.filter((s) => s.uses.test(code)).map((s) => s.code);
  if (shims.length > 0) writeFileSync(join(outdir, file), `${shims.join(' ')}\n${code}`);
}
// The PromQL and LogQL grammars, as one CommonJS file src/grafana/parse-query.ts requires on its
// first query (a run without PromQL assertions never loads them).
const queryParsers = await build({
  stdin: { contents: "module.exports = { promql: require('@prometheus-io/lezer-promql').parser, logql: require('@grafana/lezer-logql').parser };", resolveDir: root, loader: 'js' },
  outfile: join(outdir, 'query-parsers.cjs'), bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: true, metafile: true, logLevel: 'warning',
});
// The fast path (src/cli/fast-path.ts: --version, --help, a cached `service models`) alone, as one CommonJS
// file that bin/aibench.js requires before anything else: answering it then starts neither the ES
// module loader (~10 ms) nor the chunks of the full program.
const fast = await build({
  entryPoints: { fast: join(root, 'src/cli/fast-path.ts') },
  outdir, outExtension: { '.js': '.cjs' }, bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: true, metafile: true, logLevel: 'warning',
  // package-files.ts finds the package from its own file's URL.
  define: { 'import.meta.url': '__aibenchFileUrl' },
  banner: { js: "const __aibenchFileUrl = require('node:url').pathToFileURL(__filename).href;" },
});
// The bench client's fallback encoding, as one CommonJS file it loads synchronously only when a
// text is not plain words (see src/bench/datasets/bundled-encoding.ts), and the table of its word
// tokens computed once here (by the tsc output of that module) instead of at every run.
const encoding = await build({
  entryPoints: { cl100k_base: 'gpt-tokenizer/encoding/cl100k_base' },
  outdir, outExtension: { '.js': '.cjs' }, bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: true, metafile: true, logLevel: 'warning',
});
const { computeWordTable, packWordTable, WORD_TABLE_FILE } = await import(pathToFileURL(join(root, 'dist/bench/datasets/bundled-encoding.js')).href);
writeFileSync(WORD_TABLE_FILE, JSON.stringify(packWordTable(computeWordTable())));
// AIBENCH_METAFILE=FILE: esbuild's metafile of the ES bundle, to see which inputs each chunk holds.
if (process.env.AIBENCH_METAFILE) writeFileSync(process.env.AIBENCH_METAFILE, JSON.stringify(result.metafile));
writeThirdPartyLicenses({ inputs: { ...result.metafile.inputs, ...encoding.metafile.inputs, ...fast.metafile.inputs, ...queryParsers.metafile.inputs } });
const bytes = Object.values({ ...result.metafile.outputs, ...encoding.metafile.outputs, ...fast.metafile.outputs, ...queryParsers.metafile.outputs }).reduce((sum, o) => sum + o.bytes, 0);
console.error(`bundle: ${Object.keys(result.metafile.outputs).length + 4} files, ${(bytes / 1e6).toFixed(1)} MB in ${outdir}`);
