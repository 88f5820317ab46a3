#!/usr/bin/env node
// Launcher only: run main and set the exit code (never process.exit, so piped output is not cut off).
// It loads the bundled CLI (dist/cli/adiff.bundle.cjs, one file) with V8's code cache recorded at build time
// (dist/cli/adiff.cache): both are built with the library by `npm run build` (scripts/bundle.mjs). When the cache
// does not fit this Node, V8 rejects it and the bundle is compiled as usual.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Script } from 'node:vm';

const bundle = new URL('../dist/cli/adiff.bundle.cjs', import.meta.url);
let cachedData;
try {
  cachedData = readFileSync(new URL('../dist/cli/adiff.cache', import.meta.url));
} catch {
  cachedData = undefined;
}
const script = new Script(readFileSync(bundle, 'utf8'), { filename: bundle.pathname, cachedData });
const cli = { exports: {} };
script.runInThisContext()(createRequire(bundle), cli, cli.exports);
const { main, processIo } = cli.exports;

// A closed stdout pipe (e.g. `adiff ... | head -1`) ends quietly.
process.stdout.on('error', (e) => {
  if (e && e.code === 'EPIPE') process.exitCode = process.exitCode ?? 0;
  else throw e;
});

process.exitCode = await main(process.argv.slice(2), processIo());
