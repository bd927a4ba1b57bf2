// The README's first command, `npm install && npx dlp mnist`, runs the built CLI: npm's
// prepare script compiles dist/ and bundles it (scripts/bundle-cli.mjs), and npx execs the
// package's bin, dist/dlp/bin.cjs, directly, so it must exist and be executable.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('the installed dlp command', () => {
  const bin = (JSON.parse(readFileSync('package.json', 'utf8')) as { bin: { dlp: string } }).bin.dlp;

  it('is the bundle, and executable', () => {
    expect(bin).toBe('dist/dlp/bin.cjs');
    expect(statSync(bin).mode & 0o111).toBe(0o111);
  });

  it('runs through its shebang and prints the command list', () => {
    const out = execFileSync(bin, ['--help'], { encoding: 'utf8' });
    expect(out).toMatch(/^Usage: dlp /);
    for (const cmd of ['mnist', 'train', 'compile', 'run', 'simulate', 'scalesim']) expect(out).toContain(cmd);
  });
});
