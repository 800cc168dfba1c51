#!/usr/bin/env node
// Thin shim: the bundled CLI (dist/bundle/, built by `npm run build`) does everything, including setting the exit code.
import { main } from '../dist/bundle/aibench.js';

await main(process.argv);
