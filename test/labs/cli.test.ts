// `dlp lab list` and `dlp lab check`: exit codes, the status cache and the listing.
import { Command, CommanderError } from 'commander';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { register } from '../../cli/commands/lab.js';
import { labsRoot } from '../../labs/index.js';

const statusFile = join(labsRoot(), '.status.json');
let saved: string | undefined;

async function dlp(...args: string[]): Promise<{ out: string; code: number }> {
  const program = new Command('dlp').exitOverride();
  register(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(args, { from: 'user' });
    return { out, code: 0 };
  } catch (e) {
    if (e instanceof CommanderError) return { out, code: e.exitCode };
    throw e;
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}

describe('dlp lab', () => {
  beforeAll(() => {
    saved = existsSync(statusFile) ? readFileSync(statusFile, 'utf8') : undefined;
    rmSync(statusFile, { force: true });
  });
  afterAll(() => {
    if (saved !== undefined) writeFileSync(statusFile, saved);
    else rmSync(statusFile, { force: true });
  });

  it('lists every lab with its expected time', async () => {
    const { out, code } = await dlp('lab', 'list');
    expect(code).toBe(0);
    expect(out).toContain('01  Forward and backward by hand');
    expect(out).toContain('90 min');
    expect(out).toContain('not checked');
  });

  it('check exits 1 on the starter, 0 on the solution, and records the status', async () => {
    expect((await dlp('lab', 'check', '1')).code).toBe(1);
    const ok = await dlp('lab', 'check', '01', '--solution');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('PASSED: all 21 cases');
    const status = JSON.parse(readFileSync(statusFile, 'utf8')) as Record<string, { passed: boolean; dir: string }>;
    expect(status['01']).toMatchObject({ passed: true, dir: 'solution' });
    expect((await dlp('lab', 'list')).out).toMatch(/01 .*passed \[solution\]/);
  });

  it('rejects an unknown lab with the list of labs', async () => {
    await expect(dlp('lab', 'check', '42')).rejects.toThrow("unknown lab '42' (labs: 01, 02, 03, 04, 05, 06, 07, 08)");
  });
});
