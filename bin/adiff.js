#!/usr/bin/env node
// Launcher only: run main and set the exit code (never process.exit, so piped output is not cut off).
import { main, processIo } from '../dist/cli/main.js';

// A closed stdout pipe (e.g. `adiff ... | head -1`) ends quietly.
process.stdout.on('error', (e) => {
  if (e && e.code === 'EPIPE') process.exitCode = process.exitCode ?? 0;
  else throw e;
});

process.exitCode = await main(process.argv.slice(2), processIo());
