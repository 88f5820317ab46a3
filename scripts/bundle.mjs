// Bundles the CLI into one file (dist/cli/adiff.mjs), so start-up reads one module instead of hundreds
// (Chevrotain alone is many small ES modules). The library (dist/index.js and friends) is built by tsc.
// The bundle sits in dist/cli/ so that paths relative to it (../../package.json) are the same as for main.js.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/adiff.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies (commander) call require() for Node built-ins; give the ES module one.
  banner: { js: "import { createRequire as __adiffRequire } from 'node:module'; const require = __adiffRequire(import.meta.url);" },
});
