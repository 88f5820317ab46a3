// Bundles the CLI into one file and records V8's code cache for it, for fast start-up (issue 6: a one-point
// `adiff eval` within 1.5x of `node -e 0`). The library (dist/index.js and friends) is built by tsc.
//
// - dist/cli/adiff.bundle.cjs: the CLI (src/cli/main.ts and everything it imports, Chevrotain, commander, chalk)
//   as ONE CommonJS function expression `(function (require, module, exports) { ... })`. bin/adiff.js compiles
//   it with `vm.Script`, which (unlike an ES module on Node 20) accepts V8 code-cache data.
// - dist/cli/adiff.cache: that code cache, produced here after running a few typical commands in-process, so it
//   holds the compiled code of every function those commands used (the lazily compiled ones too). V8 checks it
//   against the source and its own version and flags; when it does not fit (another Node), bin/adiff.js simply
//   compiles the bundle as usual.
// - Node built-ins that only some paths use are loaded on first use (lazyBuiltins), and chalk's terminal
//   detection is left out (chalkDetectionPlugin).
// - The version is inlined, so start-up does not read package.json.
// - Start-up patches of Chevrotain: its lexer's char-code table (chevrotainLexerPlugin), how its parser's mixins
//   are applied (chevrotainMixinPlugin) and where its grammar-recording methods go (chevrotainRecordingPlugin).
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { Script } from 'node:vm';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const bundlePath = 'dist/cli/adiff.bundle.cjs';
const cachePath = 'dist/cli/adiff.cache';

/**
 * The functions of each lazily loaded built-in that the bundle uses: the module is loaded when one of them is first
 * called. A use of any other export fails the build (esbuild: no matching export).
 * - node:child_process: commander needs it only for executable subcommands (adiff has none); it drags in net.
 * - node:readline, node:os: the REPL; node:os also for the number of cores (--points threads).
 * - node:fs/promises: reading a --file or writing plot --out (it also loads streams and readline internals).
 * - node:tty: asked only when a stream is a character device other than /dev/null (io.ts, isTerminal); it loads
 *   net and streams.
 */
const lazyBuiltins = {
  'node:child_process': ['spawn'],
  'node:readline': ['createInterface'],
  'node:os': ['homedir', 'availableParallelism'],
  'node:fs/promises': ['readFile', 'writeFile', 'appendFile', 'open'],
  'node:tty': ['isatty'],
};
const lazyPlugin = {
  name: 'lazy-builtins',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(lazyBuiltins).join('|')})$`);
    b.onResolve({ filter }, (args) => (args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy-builtin' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      loader: 'js',
      contents: [
        `let m; const get = () => (m ??= require(${JSON.stringify(args.path)}));`,
        ...lazyBuiltins[args.path].map((name) => `export const ${name} = (...a) => get().${name}(...a);`),
      ].join('\n'),
    }));
  },
};

/**
 * Chalk's terminal detection (its vendored supports-color) runs when chalk loads: it loads node:tty and node:os and
 * asks whether fds 1 and 2 are terminals, for chalk's default instances. adiff uses only `new Chalk({ level })`
 * with the level it decides itself (io.ts, colorLevel), so the bundle replaces the detection by "no colour", and
 * the build fails if src/ imports anything from chalk but the Chalk class and types.
 */
const chalkDetectionPlugin = {
  name: 'chalk-no-detection',
  setup(b) {
    b.onResolve({ filter: /^#supports-color$/ }, (args) => (/[\\/]chalk[\\/]/.test(args.importer) ? { path: 'supports-color', namespace: 'chalk-no-detection' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'chalk-no-detection' }, () => ({
      loader: 'js',
      contents: 'export function createSupportsColor() { return false; }\nexport default { stdout: false, stderr: false };',
    }));
  },
};
for (const file of readdirSync('src', { recursive: true })) {
  if (!String(file).endsWith('.ts')) continue;
  const text = readFileSync(join('src', String(file)), 'utf8');
  for (const m of text.matchAll(/import\s+(type\s+)?([^;]*?)\s+from\s+'chalk'/g)) {
    if (!m[1] && !/^\{\s*Chalk(\s*,\s*type\s+\w+)*\s*\}$/.test(m[2])) {
      throw new Error(`scripts/bundle.mjs: src/${file} imports ${m[2]} from chalk; the bundle has no colour detection (see chalkDetectionPlugin)`);
    }
  }
}

/**
 * One start-up patch of Chevrotain's lexer: it fills a 65,536-entry table, charCode → bucket (the code itself for
 * codes below 256, else 255 + ⌊code / 255⌋), for every lexer it builds, which takes milliseconds before the first
 * token. The patch computes the same bucket arithmetically. The build fails if Chevrotain's code differs from what
 * the patch expects (a Chevrotain update), rather than bundling it unpatched.
 */
const chevrotainLexerPlugin = {
  name: 'chevrotain-lexer-table',
  setup(b) {
    b.onLoad({ filter: /chevrotain[\\/]lib[\\/]src[\\/]scan[\\/]lexer\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      const edits = [
        [': charCodeToOptimizedIdxMap[charCode];', ': 255 + ~~(charCode / 255);'],
        ['if (isEmpty(charCodeToOptimizedIdxMap)) {', 'if (false) {'],
      ];
      for (const [from, to] of edits) {
        if (text.split(from).length !== 2) throw new Error(`scripts/bundle.mjs: Chevrotain's lexer.js changed (no single '${from}'); review the patch`);
        text = text.replace(from, to);
      }
      if (!/i > 255 \? 255 \+ ~~\(i \/ 255\) : i/.test(text)) throw new Error("scripts/bundle.mjs: Chevrotain's char-code table changed; review the patch");
      return { contents: text, loader: 'js' };
    });
  },
};

/**
 * One start-up patch of Chevrotain's parser module: at load it copies the methods of its ten mixin classes (203 of
 * them) one by one onto Parser.prototype, and V8 reshapes that prototype at every addition: about 7 ms of a
 * one-point run. The patch puts them on one new object inserted between Parser.prototype and its parent instead
 * (0.3 ms; some 3–4 ms of that come back when the parser first runs: with chevrotainRecordingPlugin, the module
 * set-up of a one-point run went from about 16 ms to 8 and the command from 13 to 16.5), which finds the same methods (no mixin method has the name of another or of one of Parser's own; if
 * one ever had, the patch removes Parser's own so the mixin's still wins, as the copy did). The build fails if
 * Chevrotain's code differs from what the patch expects.
 */
const chevrotainMixinPlugin = {
  name: 'chevrotain-mixins',
  setup(b) {
    b.onLoad({ filter: /chevrotain[\\/]lib[\\/]src[\\/]parse[\\/]parser[\\/]utils[\\/]apply_mixins\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const expected = [
        'export function applyMixins(derivedCtor, baseCtors) {',
        '    baseCtors.forEach((baseCtor) => {',
        '        const baseProto = baseCtor.prototype;',
        '        Object.getOwnPropertyNames(baseProto).forEach((propName) => {',
        '            if (propName === "constructor") {',
        '                return;',
        '            }',
        '            const basePropDescriptor = Object.getOwnPropertyDescriptor(baseProto, propName);',
        '            // Handle Accessors',
        '            if (basePropDescriptor &&',
        '                (basePropDescriptor.get || basePropDescriptor.set)) {',
        '                Object.defineProperty(derivedCtor.prototype, propName, basePropDescriptor);',
        '            }',
        '            else {',
        '                derivedCtor.prototype[propName] = baseCtor.prototype[propName];',
        '            }',
        '        });',
        '    });',
        '}',
      ].join('\n');
      if (!text.startsWith(expected)) throw new Error("scripts/bundle.mjs: Chevrotain's apply_mixins.js changed; review the patch (chevrotainMixinPlugin)");
      const contents = [
        'export function applyMixins(derivedCtor, baseCtors) {',
        '  const proto = derivedCtor.prototype;',
        '  const mixins = Object.create(Object.getPrototypeOf(proto));',
        '  for (const baseCtor of baseCtors) {',
        '    const baseProto = baseCtor.prototype;',
        '    for (const name of Object.getOwnPropertyNames(baseProto)) {',
        '      if (name === "constructor") continue;',
        '      const d = Object.getOwnPropertyDescriptor(baseProto, name);',
        '      if (d && (d.get || d.set)) Object.defineProperty(mixins, name, d);',
        '      else mixins[name] = baseProto[name];',
        '      if (Object.prototype.hasOwnProperty.call(proto, name)) delete proto[name];',
        '    }',
        '  }',
        '  Object.setPrototypeOf(proto, mixins);',
        '}',
      ].join('\n');
      return { contents, loader: 'js' };
    });
  },
};

/**
 * A second start-up patch of Chevrotain's parser: to record the grammar, it puts 89 recording versions of its DSL
 * methods (CONSUME, CONSUME1, …, OR9, consume, …, ACTION, BACKTRACK, LA) on the parser instance one by one, and
 * deletes them one by one afterwards: about 7 ms. The patch puts them on one object inserted between the instance
 * and its prototype while recording, and takes it out afterwards: the same methods are found during recording
 * (none of them is an own property of the instance before, checked here at run time), the prototype's after. The
 * build fails if Chevrotain's code differs from what the patch expects.
 */
const chevrotainRecordingPlugin = {
  name: 'chevrotain-recording',
  setup(b) {
    b.onLoad({ filter: /chevrotain[\\/]lib[\\/]src[\\/]parse[\\/]parser[\\/]traits[\\/]gast_recorder\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const start = text.indexOf('    enableRecording() {');
      const end = text.indexOf('    //   Parser methods are called inside an ACTION?');
      const original = start >= 0 && end > start ? text.slice(start, end) : '';
      // What the replaced methods do, in their own words: the names they set and delete, and how.
      const expected = [
        'this[`CONSUME${idx}`] = function (arg1, arg2) {', 'return this.consumeInternalRecord(arg1, i, arg2);',
        'this[`SUBRULE${idx}`] = function (arg1, arg2) {', 'return this.subruleInternalRecord(arg1, i, arg2);',
        'this[`OPTION${idx}`] = function (arg1) {', 'return this.optionInternalRecord(arg1, i);',
        'this[`OR${idx}`] = function (arg1) {', 'return this.orInternalRecord(arg1, i);',
        'this[`MANY${idx}`] = function (arg1) {', 'this.manyInternalRecord(i, arg1);',
        'this[`MANY_SEP${idx}`] = function (arg1) {', 'this.manySepFirstInternalRecord(i, arg1);',
        'this[`AT_LEAST_ONE${idx}`] = function (arg1) {', 'this.atLeastOneInternalRecord(i, arg1);',
        'this[`AT_LEAST_ONE_SEP${idx}`] = function (arg1) {', 'this.atLeastOneSepFirstInternalRecord(i, arg1);',
        'this[`consume`] = function (idx, arg1, arg2) {', 'return this.consumeInternalRecord(arg1, idx, arg2);',
        'this[`subrule`] = function (idx, arg1, arg2) {', 'return this.subruleInternalRecord(arg1, idx, arg2);',
        'this[`option`] = function (idx, arg1) {', 'return this.optionInternalRecord(arg1, idx);',
        'this[`or`] = function (idx, arg1) {', 'return this.orInternalRecord(arg1, idx);',
        'this[`many`] = function (idx, arg1) {', 'this.manyInternalRecord(idx, arg1);',
        'this[`atLeastOne`] = function (idx, arg1) {', 'this.atLeastOneInternalRecord(idx, arg1);',
        'this.ACTION = this.ACTION_RECORD;', 'this.BACKTRACK = this.BACKTRACK_RECORD;', 'this.LA = this.LA_RECORD;',
        'delete that[`CONSUME${idx}`];', 'delete that[`AT_LEAST_ONE_SEP${idx}`];', 'delete that[`atLeastOne`];',
        'delete that.ACTION;', 'delete that.BACKTRACK;', 'delete that.LA;',
      ];
      const normal = original.replace(/\s+/g, ' ');
      const statements = (original.match(/this\[`|this\.(ACTION|BACKTRACK|LA) =|delete that/g) ?? []).length;
      // 14 + 3 assignments and 14 + 3 deletions, each written once (the 8 indexed ones in a loop over 10).
      if (!expected.every((line) => normal.includes(line)) || statements !== 34) {
        throw new Error("scripts/bundle.mjs: Chevrotain's gast_recorder.js changed; review the patch (chevrotainRecordingPlugin)");
      }
      const replacement = `    enableRecording() {
        this.RECORDING_PHASE = true;
        this.TRACE_INIT("Enable Recording", () => {
            const proto = Object.getPrototypeOf(this);
            const rec = Object.create(proto);
            for (let i = 0; i < 10; i++) {
                const idx = i > 0 ? i : "";
                rec[\`CONSUME\${idx}\`] = function (arg1, arg2) { return this.consumeInternalRecord(arg1, i, arg2); };
                rec[\`SUBRULE\${idx}\`] = function (arg1, arg2) { return this.subruleInternalRecord(arg1, i, arg2); };
                rec[\`OPTION\${idx}\`] = function (arg1) { return this.optionInternalRecord(arg1, i); };
                rec[\`OR\${idx}\`] = function (arg1) { return this.orInternalRecord(arg1, i); };
                rec[\`MANY\${idx}\`] = function (arg1) { this.manyInternalRecord(i, arg1); };
                rec[\`MANY_SEP\${idx}\`] = function (arg1) { this.manySepFirstInternalRecord(i, arg1); };
                rec[\`AT_LEAST_ONE\${idx}\`] = function (arg1) { this.atLeastOneInternalRecord(i, arg1); };
                rec[\`AT_LEAST_ONE_SEP\${idx}\`] = function (arg1) { this.atLeastOneSepFirstInternalRecord(i, arg1); };
            }
            rec.consume = function (idx, arg1, arg2) { return this.consumeInternalRecord(arg1, idx, arg2); };
            rec.subrule = function (idx, arg1, arg2) { return this.subruleInternalRecord(arg1, idx, arg2); };
            rec.option = function (idx, arg1) { return this.optionInternalRecord(arg1, idx); };
            rec.or = function (idx, arg1) { return this.orInternalRecord(arg1, idx); };
            rec.many = function (idx, arg1) { this.manyInternalRecord(idx, arg1); };
            rec.atLeastOne = function (idx, arg1) { this.atLeastOneInternalRecord(idx, arg1); };
            rec.ACTION = proto.ACTION_RECORD;
            rec.BACKTRACK = proto.BACKTRACK_RECORD;
            rec.LA = proto.LA_RECORD;
            for (const name of Object.getOwnPropertyNames(rec)) {
                if (Object.prototype.hasOwnProperty.call(this, name)) throw Error(\`adiff's Chevrotain patch: the parser has its own '\${name}'\`);
            }
            this.recordingPrototype = proto;
            Object.setPrototypeOf(this, rec);
        });
    }
    disableRecording() {
        this.RECORDING_PHASE = false;
        this.TRACE_INIT("Deleting Recording methods", () => {
            Object.setPrototypeOf(this, this.recordingPrototype);
            delete this.recordingPrototype;
        });
    }
`;
      return { contents: text.slice(0, start) + replacement + text.slice(end), loader: 'js' };
    });
  },
};

// The previous bundle's files (and the ES-module bundle of earlier builds) must not outlive a failed build.
for (const f of [bundlePath, cachePath, 'dist/cli/adiff.mjs']) rmSync(f, { force: true });

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: bundlePath,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { ADIFF_VERSION: JSON.stringify(pkg.version) },
  // main.ts reads package.json through import.meta.url only when ADIFF_VERSION is not defined (the tsc build).
  logOverride: { 'empty-import-meta': 'silent' },
  // ASCII only (non-ASCII characters escaped), so that bin/adiff.js can read the bundle as Latin-1.
  charset: 'ascii',
  plugins: [lazyPlugin, chalkDetectionPlugin, chevrotainLexerPlugin, chevrotainMixinPlugin, chevrotainRecordingPlugin],
  banner: { js: '(function (require, module, exports) {' },
  footer: { js: '})' },
});

// The code cache: compile the bundle exactly as bin/adiff.js does, run typical commands, then serialize.
const source = readFileSync(bundlePath, 'latin1');
if (!/^[\x00-\x7f]*$/.test(source)) throw new Error(`scripts/bundle.mjs: ${bundlePath} is not ASCII; bin/adiff.js reads it as Latin-1`);
const script = new Script(source, { filename: new URL(`../${bundlePath}`, import.meta.url).pathname });
const mod = { exports: {} };
script.runInThisContext()(createRequire(import.meta.url), mod, mod.exports);
const sink = { write: () => true, isTTY: false, on() {}, once() {}, off() {} };
const io = {
  stdout: sink,
  stderr: sink,
  env: {},
  readStdin: async () => new Uint8Array(),
  readFile: async () => new Uint8Array(),
};
const runs = [
  ['eval', 'ln(x1)+x1*x2-sin(x2)', '--at', 'x1=2,x2=5'],
  ['eval', 'ln(x1)+x1*x2-sin(x2)', '--at', 'x1=2,x2=5', '--json'],
  ['eval', 'sqrt(x^2 + y^2)', '--at', 'x=3,y=4', '--trace'],
  ['eval', 'x +', '--at', 'x=1'],
];
for (const argv of runs) await mod.exports.main(argv, io);
writeFileSync(cachePath, script.createCachedData());

// The library (issue 18): src/index.ts and everything it imports, Chevrotain included (with the same start-up
// patches), bundled: one file to load instead of Chevrotain's tree of lodash-es modules.
// - dist/lib/adiff.lib.cjs: the library as ONE CommonJS function expression, like the CLI's bundle, and
//   dist/lib/adiff.lib.cache, V8's code cache for it (recorded after loading); dist/adiff.cjs (`require`)
//   compiles the bundle with that cache (vm.Script), which saves most of the start-up: compiling 200 kB of
//   JavaScript. dist/adiff.mjs (Node's `import`) re-exports what dist/adiff.cjs exports, so `import` and
//   `require` share one copy of the library (one AdiffError class).
// - dist/adiff.browser.mjs: the library as one ES module using no Node built-ins (platform 'neutral': the build
//   fails if one is imported), for browsers and bundlers (the `browser` condition of the exports).
// Types: tsc's dist/*.d.ts for `import`; for `require`, the same declarations under dist/cjs/, whose package.json
// says CommonJS, so that TypeScript (module nodenext) reads them as CommonJS declarations.
const library = { entryPoints: ['src/index.ts'], bundle: true, target: 'es2022', minify: true, keepNames: true, legalComments: 'none', logLevel: 'warning', mainFields: ['module', 'main'], plugins: [chevrotainLexerPlugin, chevrotainMixinPlugin, chevrotainRecordingPlugin] };
const libPath = 'dist/lib/adiff.lib.cjs';
const libCache = 'dist/lib/adiff.lib.cache';
await build({ ...library, platform: 'neutral', format: 'esm', outfile: 'dist/adiff.browser.mjs', charset: 'utf8' });
await build({ ...library, platform: 'node', format: 'cjs', outfile: libPath, charset: 'ascii', banner: { js: '(function (require, module, exports) {' }, footer: { js: '})' } });
const libSource = readFileSync(libPath, 'latin1');
if (!/^[\x00-\x7f]*$/.test(libSource)) throw new Error(`scripts/bundle.mjs: ${libPath} is not ASCII; dist/adiff.cjs reads it as Latin-1`);
const libScript = new Script(libSource, { filename: new URL(`../${libPath}`, import.meta.url).pathname });
const lib = { exports: {} };
libScript.runInThisContext()(createRequire(import.meta.url), lib, lib.exports);
// The cache is recorded right after the module has run, before any call: a cache that also holds the functions of
// typical calls (the parser's set-up above all) is twice the size, and reading it costs more at import than it
// saves at the first compile() (measured: 16 ms against 7 ms to load, and no faster a first call).
writeFileSync(libCache, libScript.createCachedData());
const names = Object.keys(lib.exports).sort();
writeFileSync('dist/adiff.cjs', `'use strict';
// The library for require (and, through dist/adiff.mjs, for import): compiles the bundle dist/lib/adiff.lib.cjs
// with V8's code cache recorded at build time (scripts/bundle.mjs); when the cache does not fit this Node, V8
// rejects it and the bundle is compiled as usual.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');
const file = join(__dirname, 'lib', 'adiff.lib.cjs');
let cachedData;
try {
  cachedData = readFileSync(join(__dirname, 'lib', 'adiff.lib.cache'));
} catch {
  cachedData = undefined;
}
new Script(readFileSync(file, 'latin1'), { filename: file, cachedData }).runInThisContext()(require, module, exports);
`);
writeFileSync('dist/adiff.mjs', `// The library for import: the same module as require('adiff-cli') (dist/adiff.cjs), re-exported by name.
import { createRequire } from 'node:module';
const lib = createRequire(import.meta.url)('./adiff.cjs');
export const { ${names.join(', ')} } = lib;
`);
rmSync('dist/cjs', { recursive: true, force: true });
for (const file of readdirSync('dist', { recursive: true })) {
  const name = String(file);
  if (!name.endsWith('.d.ts') || name.startsWith('cli')) continue;
  const to = join('dist/cjs', name);
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(to, readFileSync(join('dist', name)));
}
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');
