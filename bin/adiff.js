#!/usr/bin/env node
'use strict';
// Launcher only: run main and set the exit code (never process.exit, so piped output is not cut off).
// It loads the bundled CLI (dist/cli/adiff.bundle.cjs, one file) with V8's code cache recorded at build time
// (dist/cli/adiff.cache): both are built with the library by `npm run build` (scripts/bundle.mjs). When the cache
// does not fit this Node, V8 rejects it and the bundle is compiled as usual.
//
// This file is CommonJS (bin/package.json says so): an ES-module entry point makes Node set up its ES-module loader
// first, about 10 ms of a one-formula run that the CLI does not need.
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const bundle = join(__dirname, '..', 'dist', 'cli', 'adiff.bundle.cjs');
let cachedData;
try {
  cachedData = readFileSync(join(__dirname, '..', 'dist', 'cli', 'adiff.cache'));
} catch {
  cachedData = undefined;
}
// The bundle is ASCII (scripts/bundle.mjs checks), so Latin-1 decoding gives the same text, without UTF-8 decoding.
const script = new Script(readFileSync(bundle, 'latin1'), { filename: bundle, cachedData });
const cli = { exports: {} };
// The bundle's `require` resolves relative paths from the bundle's own directory.
script.runInThisContext()(createRequire(bundle), cli, cli.exports);
const { main, processIo } = cli.exports;

main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
