// Output folders: dlpkit replaces only folders it wrote (those with a .dlpkit.json manifest),
// refuses files and foreign folders with one line naming --force, never deletes a file it
// did not write (even with --force), and two writers racing for one -o leave one whole
// bundle and no temp folders. The exact scenarios of issue 15 run through the built CLI.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBundle } from '../../compiler/bundle-files.js';
import { MANIFEST_FILE, readManifest, writeOutputFolder } from '../../cli/output/folder.js';
import { runDlp, useTempDir } from '../helpers/cli.js';

const BIN = resolve('dist/dlp/bin.cjs');
const dir = useTempDir('dlp-out-');
const MODEL = join(dir, 'tiny.mlp');
writeFileSync(MODEL, 'model tiny {\n  input 16\n  dense fc1: 8 relu\n  dense fc2: 4\n}\n');
let n = 0;

/** A fresh folder inside the temp folder. */
function fresh(): string {
  const d = join(dir, `case${n++}`);
  mkdirSync(d);
  return d;
}

/** Every file under `d` with its contents (dot files included), for before/after comparisons. */
function snapshot(d: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(d, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) {
      const p = join(e.parentPath, e.name);
      out[p.slice(d.length + 1)] = readFileSync(p, 'latin1');
    }
  }
  return out;
}

function dlpBin(args: string[], cwd: string) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
}

const BUNDLE = ['bundle.json', 'image.bin', 'program.dlpb', 'program.dlps'];

describe('refusals leave the user\'s files untouched', () => {
  it('`dlp mnist --quick --out .` in a folder with files refuses at once, naming --force', () => {
    const d = fresh();
    writeFileSync(join(d, 'thesis.tex'), 'chapter 1\n');
    mkdirSync(join(d, 'data'));
    writeFileSync(join(d, 'data', 'x.csv'), '1,2\n');
    const before = snapshot(d);
    const r = dlpBin(['mnist', '--quick', '--out', '.'], d);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: --out \.: the folder holds files dlpkit did not write \(.*thesis\.tex.*\).*--force/);
    expect(r.stdout).toBe('');
    expect(snapshot(d)).toEqual(before);
    expect(readdirSync(d).sort()).toEqual(['data', 'thesis.tex']);
  });

  it('`dlp compile m.mlp -o m.mlp` refuses and keeps the model', () => {
    const d = fresh();
    copyFileSync(MODEL, join(d, 'm.mlp'));
    const before = snapshot(d);
    const r = dlpBin(['compile', 'm.mlp', '-o', 'm.mlp'], d);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('error: -o m.mlp: is a file; dlpkit writes a folder there and never replaces a file with one (not even with --force)\n');
    expect(snapshot(d)).toEqual(before);
  });

  it.each([
    ['mnist', ['mnist', '--quick', '--out']],
    ['compile', ['compile', MODEL, '-o']],
    ['compile --force', ['compile', MODEL, '--force', '-o']],
  ])('a regular file as the output folder is refused (%s)', async (_name, args) => {
    const d = fresh();
    writeFileSync(join(d, 'notes.txt'), 'keep me\n');
    const r = await runDlp([...args, join(d, 'notes.txt')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is a file; dlpkit writes a folder there and never replaces a file/);
    expect(readFileSync(join(d, 'notes.txt'), 'utf8')).toBe('keep me\n');
  });

  it('a foreign non-empty folder is refused naming --force; nothing is created next to it', async () => {
    const d = fresh();
    const out = join(d, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'mine.txt'), 'mine');
    const r = await runDlp(['compile', MODEL, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`error: -o ${out}: the folder holds files dlpkit did not write (mine.txt); choose a new or empty folder, or add --force to write dlpkit's files into it (nothing else there is replaced or deleted)\n`);
    expect(readdirSync(d)).toEqual(['out']);
    expect(readdirSync(out)).toEqual(['mine.txt']);
  });

  it('a manifest listing paths outside its folder is not trusted', async () => {
    const d = fresh();
    const out = join(d, 'out');
    mkdirSync(out);
    writeFileSync(join(d, 'victim.txt'), 'precious');
    writeFileSync(join(out, MANIFEST_FILE), JSON.stringify({ tool: 'dlpkit', kind: 'bundle', version: '0', files: ['../victim.txt'] }));
    expect(readManifest(out)).toBeUndefined();
    const r = await runDlp(['compile', MODEL, '-o', out, '--force']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(d, 'victim.txt'), 'utf8')).toBe('precious');
  });
});

describe('--force writes into a foreign folder but keeps its files', () => {
  it('adds the bundle and the manifest, keeps every other file, and can run again', async () => {
    const out = fresh();
    writeFileSync(join(out, 'mine.txt'), 'mine');
    mkdirSync(join(out, 'sub'));
    writeFileSync(join(out, 'sub', 'deep.txt'), 'deep');
    for (let i = 0; i < 2; i++) {
      const r = await runDlp(['compile', MODEL, '-o', out, '--force', '--batch', String(i + 1)]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(readdirSync(out).sort()).toEqual([MANIFEST_FILE, ...BUNDLE, 'mine.txt', 'sub'].sort());
      expect(readFileSync(join(out, 'mine.txt'), 'utf8')).toBe('mine');
      expect(readFileSync(join(out, 'sub', 'deep.txt'), 'utf8')).toBe('deep');
      expect(readBundle(out).batch).toBe(i + 1);
      expect(readManifest(out)!.files).toEqual(BUNDLE);
    }
  });

  it('refuses to overwrite a foreign file that has a bundle file\'s name', async () => {
    const out = fresh();
    writeFileSync(join(out, 'program.dlps'), 'my own program');
    const r = await runDlp(['compile', MODEL, '-o', out, '--force']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/'program\.dlps' is in the way and was not written by dlpkit/);
    expect(readdirSync(out)).toEqual(['program.dlps']);
    expect(readFileSync(join(out, 'program.dlps'), 'utf8')).toBe('my own program');
  });
});

describe('dlpkit-owned folders are replaced as a whole', () => {
  it('a second compile replaces the first bundle; no temp folders remain', async () => {
    const d = fresh();
    const out = join(d, 'b');
    expect((await runDlp(['compile', MODEL, '-o', out, '--batch', '1'])).code).toBe(0);
    expect(readBundle(out).batch).toBe(1);
    expect(readManifest(out)).toEqual({ tool: 'dlpkit', kind: 'bundle', version: expect.any(String), files: BUNDLE });
    expect((await runDlp(['compile', MODEL, '-o', out, '--batch', '3'])).code).toBe(0);
    expect(readBundle(out).batch).toBe(3);
    expect(readdirSync(d)).toEqual(['b']);
  });

  it('files the old manifest lists go; a user file added since makes it foreign again', async () => {
    const d = fresh();
    const out = join(d, 'b');
    mkdirSync(out);
    writeFileSync(join(out, 'old-report.json'), '{}');
    writeFileSync(join(out, MANIFEST_FILE), JSON.stringify({ tool: 'dlpkit', kind: 'bundle', version: '0', files: ['old-report.json'] }));
    expect((await runDlp(['compile', MODEL, '-o', out])).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([MANIFEST_FILE, ...BUNDLE].sort());
    writeFileSync(join(out, 'notes.md'), 'my notes');
    const r = await runDlp(['compile', MODEL, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/holds files dlpkit did not write \(notes\.md\).*--force/);
    expect((await runDlp(['compile', MODEL, '-o', out, '--force'])).code).toBe(0);
    expect(readFileSync(join(out, 'notes.md'), 'utf8')).toBe('my notes');
  });

  it('an empty folder, the current folder, and a symlink to a folder are written in place', () => {
    const d = fresh();
    const inode = statSync(d).ino;
    const r = dlpBin(['compile', MODEL, '-o', '.'], d);
    expect(r.stderr).toBe('');
    expect(readdirSync(d).sort()).toEqual([MANIFEST_FILE, ...BUNDLE].sort());
    // The current folder is owned now: replaced file by file (it cannot be renamed).
    expect(dlpBin(['compile', MODEL, '-o', '.', '--batch', '2'], d).status).toBe(0);
    expect(readBundle(d).batch).toBe(2);
    // Still the same folder: a shell standing in it is not left in a deleted one.
    expect(statSync(d).ino).toBe(inode);
    expect(readdirSync(dirname(d)).filter((f) => f.startsWith('.'))).toEqual([]);
    const e = fresh();
    mkdirSync(join(e, 'real'));
    symlinkSync('real', join(e, 'link'));
    expect(dlpBin(['compile', MODEL, '-o', 'link'], e).status).toBe(0);
    expect(readdirSync(join(e, 'real')).sort()).toEqual([MANIFEST_FILE, ...BUNDLE].sort());
    expect(readdirSync(e).sort()).toEqual(['link', 'real']);
  });
});

describe('two writers to one -o', () => {
  function compileChild(cwd: string, batch: number): Promise<{ code: number | null; err: string }> {
    const p = spawn(process.execPath, [BIN, 'compile', MODEL, '-o', 'out', '--batch', String(batch)], { cwd });
    let err = '';
    p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    return new Promise((done) => p.on('close', (code) => done({ code, err })));
  }

  it('end with one whole bundle and no stranded temp folders', async () => {
    for (let round = 0; round < 3; round++) {
      const d = fresh();
      // The second round starts from an owned folder, so both writers replace it.
      if (round > 0) expect(dlpBin(['compile', MODEL, '-o', 'out'], d).status).toBe(0);
      const [a, b] = await Promise.all([compileChild(d, 2), compileChild(d, 3)]);
      expect(a).toEqual({ code: 0, err: '' });
      expect(b).toEqual({ code: 0, err: '' });
      expect(readdirSync(d)).toEqual(['out']);
      const out = join(d, 'out');
      expect(readdirSync(out).sort()).toEqual([MANIFEST_FILE, ...BUNDLE].sort());
      expect([2, 3]).toContain(readBundle(out).batch);
    }
  });
});

describe('file outputs are checked before the work', () => {
  const prog = join(dir, 'p.dlps');
  writeFileSync(prog, readFileSync('examples/dense-relu.dlps'));
  const onnx = join(dir, 'm.onnx');
  writeFileSync(onnx, 'not read: the output is refused first');

  it.each([
    ['asm onto its own input', ['asm', prog, '-o', prog], `error: -o ${prog}: that is the input file '${prog}'; writing there would overwrite its own input\n`],
    ['disasm onto its own input', ['disasm', prog, '-o', prog], `error: -o ${prog}: that is the input file '${prog}'; writing there would overwrite its own input\n`],
    ['asm into /dev/null/x', ['asm', prog, '-o', '/dev/null/x'], `error: -o /dev/null/x: '/dev/null' is not a folder\n`],
    ['asm onto a folder', ['asm', prog, '-o', dir], `error: -o ${dir}: is a folder; give a file name\n`],
    ['simulate --trace onto a folder', ['simulate', prog, '--trace', dir], `error: --trace ${dir}: is a folder; give a file name\n`],
    ['simulate -o onto a folder', ['simulate', prog, '--dump', 'x', '-o', dir], `error: -o ${dir}: is a folder; give a file name\n`],
    ['run --trace onto its model', ['run', MODEL, '--trace', MODEL], `error: --trace ${MODEL}: that is the input file '${MODEL}'; writing there would overwrite its own input\n`],
    ['export onto its own --model', ['export', '--model', onnx, '-o', onnx], `error: -o ${onnx}: that is the input file '${onnx}'; writing there would overwrite its own input\n`],
    ['train -o onto a folder (before training)', ['train', '-o', dir], `error: -o ${dir}: is a folder; give a file name\n`],
    ['train -o under a file', ['train', '-o', join(prog, 'w.safetensors')], `error: -o ${join(prog, 'w.safetensors')}: '${prog}' is not a folder\n`],
  ])('%s', async (_name, args, err) => {
    const before = snapshot(dir);
    const r = await runDlp(args);
    expect(r.err).toBe(err);
    expect(r.code).toBe(1);
    expect(snapshot(dir)).toEqual(before);
  });

  it('an existing regular file is replaced (as cc -o does); /dev/null is written, not replaced', async () => {
    const out = join(fresh(), 'p.dlpb');
    writeFileSync(out, 'old');
    expect((await runDlp(['asm', prog, '-o', out])).code).toBe(0);
    expect(readFileSync(out).subarray(0, 4)).not.toEqual(Buffer.from('old'));
    expect(readdirSync(dirname(out))).toEqual(['p.dlpb']);
    expect((await runDlp(['asm', prog, '-o', '/dev/null'])).code).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});

describe('writeOutputFolder when the target changes while it writes', () => {
  const opts = { flag: '-o', kind: 'test' };

  it('another dlpkit writer finishing first: the later one replaces it whole', () => {
    const d = fresh();
    const out = join(d, 'out');
    writeOutputFolder(out, opts, (tmp) => {
      writeFileSync(join(tmp, 'a.txt'), 'late');
      // The other writer runs to completion inside our fill.
      writeOutputFolder(out, opts, (other) => writeFileSync(join(other, 'b.txt'), 'early'));
      expect(readdirSync(out).sort()).toEqual([MANIFEST_FILE, 'b.txt']);
    });
    expect(readdirSync(out).sort()).toEqual([MANIFEST_FILE, 'a.txt']);
    expect(readManifest(out)!.files).toEqual(['a.txt']);
    expect(readdirSync(d)).toEqual(['out']);
  });

  it('a foreign file appearing meanwhile: refused, the temp folder removed, the file kept', () => {
    const d = fresh();
    const out = join(d, 'out');
    expect(() => writeOutputFolder(out, opts, (tmp) => {
      writeFileSync(join(tmp, 'a.txt'), 'ours');
      mkdirSync(out);
      writeFileSync(join(out, 'theirs.txt'), 'theirs');
    })).toThrow(/the folder holds files dlpkit did not write \(theirs\.txt\)/);
    expect(readdirSync(d)).toEqual(['out']);
    expect(readdirSync(out)).toEqual(['theirs.txt']);
  });

  it('a user file added to an owned folder meanwhile: refused, the folder as it was', () => {
    const d = fresh();
    const out = join(d, 'out');
    writeOutputFolder(out, opts, (tmp) => writeFileSync(join(tmp, 'a.txt'), 'v1'));
    expect(() => writeOutputFolder(out, opts, (tmp) => {
      writeFileSync(join(tmp, 'a.txt'), 'v2');
      writeFileSync(join(out, 'notes.md'), 'mine');
    })).toThrow(/holds files dlpkit did not write \(notes\.md\)/);
    // The folder became foreign during the fill: nothing was replaced, nothing deleted.
    expect(readFileSync(join(out, 'notes.md'), 'utf8')).toBe('mine');
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('v1');
    expect(readdirSync(d)).toEqual(['out']);
  });
});
