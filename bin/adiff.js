#!/usr/bin/env node
// Launcher only: run main and set the exit code (never process.exit, so piped output is not cut off).
// It loads the bundled CLI (dist/cli/adiff.mjs, one file: fast start-up), built with the library by `npm run build`.
import { main, processIo } from '../dist/cli/adiff.mjs';

// A closed stdout pipe (e.g. `adiff ... | head -1`) ends quietly.
process.stdout.on('error', (e) => {
  if (e && e.code === 'EPIPE') process.exitCode = process.exitCode ?? 0;
  else throw e;
});

process.exitCode = await main(process.argv.slice(2), processIo());
