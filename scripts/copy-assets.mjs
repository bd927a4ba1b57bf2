// Copies non-TypeScript assets (ohm grammars, JSON presets) next to the compiled JS in dist/,
// so the built CLI finds them at the same relative paths as the sources do, and marks the CLI
// entry point executable (tsc writes it 0644; npx and npm's bin links exec it directly).
import { chmodSync, cpSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';

const roots = ['isa', 'compiler', 'simulator', 'runtime', 'cli'];
const exts = ['.ohm', '.json', '.proto'];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (exts.some((e) => name.endsWith(e))) {
      const out = join('dist', p);
      mkdirSync(dirname(out), { recursive: true });
      cpSync(p, out);
    }
  }
}
for (const r of roots) walk(r);
chmodSync(join('dist', 'cli', 'bin.js'), 0o755);
