// The simulator in a separate process for the client benchmarks (bench-client.js, bench-scrape.js),
// so client and server never share an event loop. Uses dist/ (npm run build first).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

/** Fork a simulator with `aibench sim` flags; resolves with its URL and a stop(). */
export function startSim(args) {
  const child = fork(here, ['--host', '127.0.0.1', '--port', '0', '--max-num-seqs', '4096', ...args], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ url: m.url, stop: () => new Promise((r) => { child.once('exit', r); child.disconnect(); }) }));
    child.once('error', reject);
  });
}

// Run as the child: serve until the parent disconnects.
if (process.argv[1] === here) {
  const { parseSimArgs } = await import('../dist/cli/sim-args.js');
  const { startSimServer } = await import('../dist/sim/server.js');
  const server = await startSimServer(parseSimArgs(process.argv.slice(2)).options);
  process.send?.({ url: server.url });
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
}
