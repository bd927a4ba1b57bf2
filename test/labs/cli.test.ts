// `dlp lab list` and `dlp lab check`: exit codes, the status cache and the listing.
import { Command, CommanderError } from 'commander';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    // The list says plainly which way it went: how many cases passed and how many failed.
    expect((await dlp('lab', 'list')).out).toMatch(/01 .*FAILED: \d+ of 21 cases passed, \d+ failed/);
    const ok = await dlp('lab', 'check', '01', '--solution');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('PASSED: all 21 cases');
    const status = JSON.parse(readFileSync(statusFile, 'utf8')) as Record<string, { passed: boolean; dir: string }>;
    expect(status['01']).toMatchObject({ passed: true, dir: 'solution' });
    expect((await dlp('lab', 'list')).out).toMatch(/01 .*passed \(21 cases\) \[solution\]/);
  });

  it('rejects an unknown lab with the list of labs', async () => {
    await expect(dlp('lab', 'check', '42')).rejects.toThrow("unknown lab '42' (labs: 01, 02, 03, 04, 05, 06, 07, 08, 09, 10)");
  });

  it('start writes the hand-out only, and the copy is checked from outside the repository', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'dlp-lab-start-'));
    try {
      const dir = join(parent, 'lab08');
      const { out, code } = await dlp('lab', 'start', '8', dir);
      expect(code).toBe(0);
      expect(out).toContain(`dlp lab check 08 --dir ${dir}`);
      expect(readdirSync(dir).sort()).toEqual(['.dlpkit.json', 'README.md', 'experiment.ts', 'package.json', 'tsconfig.json']);
      expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toMatchObject({ type: 'module' });
      // Outside the repository the starter imports dlpkit by package name and fails only on its TODOs.
      const r = await dlp('lab', 'check', '08', '--dir', dir, '--quick');
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/PASS {2}load experiment\.ts/);
      expect(r.out).toMatch(/FAIL {2}task 2: kFold\(10, 3\) partitions the data: threw: TODO: kFold/);
      expect(r.out).not.toMatch(/Cannot find module/);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  }, 120_000);

  it('start refuses a non-empty folder and leaves it untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlp-lab-start-'));
    try {
      writeFileSync(join(dir, 'mine.txt'), 'my work');
      await expect(dlp('lab', 'start', '01', dir)).rejects.toThrow(/is not empty: give a new or empty folder \(nothing was written\)/);
      expect(readdirSync(dir)).toEqual(['mine.txt']);
      // an empty folder is fine
      const empty = join(dir, 'empty');
      mkdirSync(empty);
      expect((await dlp('lab', 'start', '01', empty)).code).toBe(0);
      expect(readdirSync(empty).sort()).toEqual(['.dlpkit.json', 'README.md', 'layers.ts', 'package.json', 'tsconfig.json']);
      // a second start into the (now non-empty) hand-out is refused: it holds the student's work
      await expect(dlp('lab', 'start', '01', empty)).rejects.toThrow(/is not empty/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
