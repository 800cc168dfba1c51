#!/usr/bin/env node
// Thin shim: the bundled CLI (dist/bundle/, built by `npm run build`; a package ships it built)
// does everything, including setting the exit code. A checkout that was never built says so.
const cli = await import('../dist/bundle/aibench.js').catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('aibench.js')) throw error;
  process.stderr.write('error: aibench is not built in this checkout\nhint: run `npm run build` (npm test builds too)\n');
  process.exitCode = 1;
});
if (cli) await cli.main(process.argv);
