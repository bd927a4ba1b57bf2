// Builds the playground into one static folder (default web/dist): index.html, app.js (the
// page, with the worker bundle inlined as a string and started from a Blob URL, so the site
// works from file:// where module scripts and fetch are blocked) and style.css.
//   node web/build.mjs [--out DIR]     one build (npm run web:build)
//   node web/build.mjs --serve [--port N]   watch + serve web/dist-dev with live reload (npm run web)
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const WEB = dirname(fileURLToPath(import.meta.url));
const LOADERS = { '.mlp': 'text', '.dlps': 'text', '.safetensors': 'binary' };

function args(argv) {
  const out = { out: undefined, serve: false, port: 8021 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out.out = resolve(argv[++i]);
    else if (argv[i] === '--serve') out.serve = true;
    else if (argv[i] === '--port') out.port = Number(argv[++i]);
    else throw new Error(`web/build.mjs: unknown argument '${argv[i]}'`);
  }
  // The live-reload build (unminified, with the reload script) never lands in the static folder.
  out.out ??= join(WEB, out.serve ? 'dist-dev' : 'dist');
  return out;
}

/** Bundles the worker to a string and exposes it to the page as the module 'worker-source'. */
function workerPlugin(minify) {
  return {
    name: 'worker-source',
    setup(build) {
      build.onResolve({ filter: /^worker-source$/ }, () => ({ path: 'worker-source', namespace: 'worker-source' }));
      build.onLoad({ filter: /.*/, namespace: 'worker-source' }, async () => {
        const r = await esbuild.build({
          entryPoints: [join(WEB, 'src/worker.ts')], bundle: true, write: false, format: 'iife', platform: 'browser',
          target: 'es2022', minify, loader: LOADERS, metafile: true, logLevel: 'silent',
        });
        return { contents: r.outputFiles[0].text, loader: 'text', watchFiles: Object.keys(r.metafile.inputs).map((f) => resolve(f)) };
      });
    },
  };
}

async function writeStatic(outdir, liveReload) {
  await mkdir(outdir, { recursive: true });
  let html = await readFile(join(WEB, 'index.html'), 'utf8');
  if (liveReload) html = html.replace('</body>', `<script>new EventSource('/esbuild').addEventListener('change', () => location.reload());</script>\n</body>`);
  const tmp = join(outdir, `.index.html.${process.pid}.tmp`);
  await writeFile(tmp, html);
  await rename(tmp, join(outdir, 'index.html'));
  await copyFile(join(WEB, 'style.css'), join(outdir, 'style.css'));
}

function pageOptions(outdir, minify) {
  return {
    entryPoints: [join(WEB, 'src/main.ts')], bundle: true, outfile: join(outdir, 'app.js'), format: 'iife',
    platform: 'browser', target: 'es2022', minify, sourcemap: false, loader: LOADERS, plugins: [workerPlugin(minify)],
    logLevel: 'warning',
  };
}

/** One production build into `outdir`. */
export async function buildSite(outdir = join(WEB, 'dist')) {
  await esbuild.build(pageOptions(outdir, true));
  await writeStatic(outdir, false);
  return outdir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const a = args(process.argv.slice(2));
  if (!a.serve) {
    await buildSite(a.out);
    console.log(`wrote ${a.out} (open index.html, or serve the folder from any static host)`);
  } else {
    await writeStatic(a.out, true);
    const ctx = await esbuild.context({
      ...pageOptions(a.out, false),
      plugins: [workerPlugin(false), { name: 'static', setup: (b) => b.onEnd(() => writeStatic(a.out, true)) }],
    });
    await ctx.watch();
    const { hosts, port } = await ctx.serve({ servedir: a.out, port: a.port });
    console.log(`playground at http://${hosts[0] ?? 'localhost'}:${port}/ (live reload; Ctrl-C stops)`);
    process.on('SIGINT', () => { void ctx.dispose().then(() => process.exit(130)); });
  }
}
