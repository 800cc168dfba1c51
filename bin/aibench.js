#!/usr/bin/env node
// Thin shim, CommonJS (bin/package.json) so that what the fast path answers (--version, --help, a
// cached `service models`: dist/bundle/fast.cjs) starts no ES module loader; everything else is the
// bundled CLI (dist/bundle/aibench.js), which sets the exit code. Both are built by
// `npm run build` (a package ships them built); a checkout that was never built says so.
'use strict';

const missing = (error, file) => (error?.code === 'MODULE_NOT_FOUND' || error?.code === 'ERR_MODULE_NOT_FOUND') && String(error.message).includes(file);

function notBuilt() {
  process.stderr.write('error: aibench is not built in this checkout\nhint: run `npm run build` (npm test builds too)\n');
  process.exitCode = 1;
}

// The fast path answers one-argument command lines (--version, --help) and `service models`: any
// other command line does not load it (~3 ms). What it answers is decided there, not here.
const args = process.argv.slice(2);
const maybeFast = args.length === 1 || args.includes('models');

async function run() {
  let fast;
  try {
    if (maybeFast) fast = require('../dist/bundle/fast.cjs');
  } catch (error) {
    if (!missing(error, 'fast.cjs')) throw error;
  }
  const code = fast === undefined ? undefined : await fast.answerFast(process.argv);
  if (code !== undefined) {
    process.exitCode = code;
    return;
  }
  let cli;
  try {
    cli = await import('../dist/bundle/aibench.js');
  } catch (error) {
    if (!missing(error, 'aibench.js')) throw error;
    return notBuilt();
  }
  await cli.runFull(process.argv);
}

run().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
