#!/usr/bin/env node
// Thin shim: the compiled CLI does everything, including setting the exit code.
import { main } from '../dist/cli/main.js';

await main(process.argv);
