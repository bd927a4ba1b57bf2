// The README's first command, `npm install && npx dlp mnist`, runs the built CLI: npm's
// prepare script compiles dist/ and npx execs dist/cli/bin.js directly, so it must exist and
// be executable (tsc writes files 0644; scripts/copy-assets.mjs marks it 0755).
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('the installed dlp command', () => {
  const bin = 'dist/cli/bin.js';

  it('dist/cli/bin.js is executable', () => {
    expect(statSync(bin).mode & 0o111).toBe(0o111);
  });

  it('runs through its shebang and prints the command list', () => {
    const out = execFileSync(bin, ['--help'], { encoding: 'utf8' });
    expect(out).toMatch(/^Usage: dlp /);
    for (const cmd of ['mnist', 'train', 'compile', 'run', 'simulate', 'scalesim']) expect(out).toContain(cmd);
  });
});
