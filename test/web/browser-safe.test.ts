// The core layers (isa, kernels, compiler, simulator) must run in a browser: bundling each public face
// for platform 'browser' must not pull in any Node built-in. esbuild fails the build on a
// `node:` or bare built-in import it cannot resolve for the browser, and the metafile lists
// every module that made it in, so a built-in that slipped through as an external is caught too.
import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const FACES = ['isa/index.ts', 'kernels/index.ts', 'compiler/index.ts', 'simulator/index.ts'];
const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

async function nodeImports(entry: string): Promise<{ errors: string[]; inputs: string[] }> {
  try {
    const r = await build({
      entryPoints: [entry], bundle: true, write: false, platform: 'browser', format: 'esm',
      metafile: true, logLevel: 'silent',
    });
    const inputs = Object.values(r.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
    return { errors: [], inputs: inputs.filter((p) => BUILTINS.has(p)) };
  } catch (e) {
    const errors = ((e as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors ?? [])
      .map((x) => `${x.location?.file ?? '?'}:${x.location?.line ?? '?'}: ${x.text}`);
    return { errors: errors.length ? errors : [String(e)], inputs: [] };
  }
}

describe('core layers are browser-safe', () => {
  for (const face of FACES) {
    it(`${face} bundles for the browser without Node built-ins`, async () => {
      const r = await nodeImports(face);
      expect(r.errors).toEqual([]);
      expect(r.inputs).toEqual([]);
    });
  }

  it('the check rejects a face that imports a Node built-in', async () => {
    // isa/node.ts is the Node-only face (fs through files.ts): the same check must flag it.
    const r = await nodeImports('isa/node.ts');
    expect(r.errors.join('\n')).toMatch(/node:fs/);
  });
});
