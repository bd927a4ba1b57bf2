// The bundled CLI's code cache (cli/code-cache.ts): the bin runs the command's bundle
// (dist/dlp/cli-<command>.cjs, scripts/bundle-cli.mjs) with V8's cached bytecode per command. A run with the cache gives the output a run without it gives;
// an entry is written only after a run that exits 0, used as it is later (not rewritten), and
// a damaged one is refused before V8 sees it and rewritten; `off` writes nothing; the lab
// command, which the bundle imports from dist/cli, works from a cached bundle; other builds'
// folders go only when they are dlpkit's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheKey, codeCacheRoot, encodeCodeCache, readCodeCache } from '../../cli/code-cache.js';
import { COMMANDS } from '../../cli/main.js';
import { useTempDir } from '../helpers/cli.js';

const BIN = resolve('dist/dlp/bin.cjs');
const bundleFiles = () => readdirSync(resolve('dist/dlp')).filter((n) => /^cli(-[a-z]+)?\.cjs$/.test(n));

describe('code cache entries', () => {
  const dir = useTempDir('dlp-codecache-unit-');

  it('keys a command line by its command, help and version runs apart', () => {
    expect(codeCacheKey(['scalesim', '--config', 'a.cfg'])).toBe('scalesim');
    expect(codeCacheKey(['--json', 'run', 'm.mlp'])).toBe('run');
    expect(codeCacheKey(['run', '--help'])).toBe('run.help');
    expect(codeCacheKey(['help', 'run'])).toBe('run.help'); // run's bundle: a key names one bundle
    expect(codeCacheKey(['help'])).toBe('dlp.help');
    expect(codeCacheKey(['run', 'help'])).toBe('run'); // a model file named help
    expect(codeCacheKey(['-V'])).toBe('dlp.help');
    expect(codeCacheKey([])).toBe('dlp');
    expect(codeCacheKey(['../../etc/passwd'])).toBe('dlp'); // never a path
    expect(codeCacheKey(['RUN'])).toBe('dlp');
  });

  it('reads back what it encodes, and refuses damaged, truncated or foreign files', () => {
    const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) & 255);
    const file = join(dir, 'a.v8');
    writeFileSync(file, encodeCodeCache(data));
    expect(readCodeCache(file)).toEqual(Buffer.from(data));
    const good = readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[good.length - 10]! ^= 1;
    writeFileSync(file, flipped);
    expect(readCodeCache(file)).toBeUndefined();
    writeFileSync(file, good.subarray(0, good.length - 1));
    expect(readCodeCache(file)).toBeUndefined();
    writeFileSync(file, good.subarray(0, 20));
    expect(readCodeCache(file)).toBeUndefined();
    writeFileSync(file, Buffer.concat([Buffer.from('other-format/1\n'), good.subarray(14)]));
    expect(readCodeCache(file)).toBeUndefined();
    const longer = Buffer.concat([good, Buffer.from([0])]); // a byte appended: the length word disagrees
    writeFileSync(file, longer);
    expect(readCodeCache(file)).toBeUndefined();
    const swapped = Buffer.from(good); // two data bytes swapped: same length, another CRC
    [swapped[100], swapped[101]] = [swapped[101]!, swapped[100]!];
    writeFileSync(file, swapped);
    expect(readCodeCache(file)).toBeUndefined();
    expect(readCodeCache(join(dir, 'missing.v8'))).toBeUndefined();
  });

  it('hands V8 its data 8-byte aligned (V8 copies data that is not)', () => {
    const file = join(dir, 'b.v8');
    for (const length of [1, 999, 1000, 4096]) {
      writeFileSync(file, encodeCodeCache(new Uint8Array(length).fill(7)));
      const data = readCodeCache(file)!;
      expect(data.length).toBe(length);
      expect(data.byteOffset % 8).toBe(0);
    }
  });

  it('lives in DLP_CODE_CACHE, else under XDG_CACHE_HOME or ~/.cache; off is off', () => {
    expect(codeCacheRoot({ DLP_CODE_CACHE: 'off' })).toBeUndefined();
    expect(codeCacheRoot({ DLP_CODE_CACHE: '/x/y' })).toBe('/x/y');
    expect(codeCacheRoot({ XDG_CACHE_HOME: '/c' })).toBe(join('/c', 'dlpkit', 'code'));
  });
});

describe('one bundle per command', () => {
  /** The dist modules a bundle holds (esbuild marks each with a `// dist/...` line). */
  const modules = (name: string) => [...readFileSync(resolve('dist/dlp', name), 'latin1').matchAll(/^\/\/ (dist\/\S+\.js)$/gm)].map((m) => m[1]!);
  const commandModule = (c: string) => `dist/cli/commands/${c}.js`;
  const names = COMMANDS.map((c) => c.name).filter((c) => c !== 'lab');

  it("holds its command's module and imports every other command's from dist/cli at run time", () => {
    expect(bundleFiles().sort()).toEqual(['cli.cjs', ...names.map((c) => `cli-${c}.cjs`)].sort());
    const outside = (name: string) => new Set([...readFileSync(resolve('dist/dlp', name), 'latin1').matchAll(/__dlpImport\(["']\.\.\/cli\/commands\/([a-z]+)\.js["']\)/g)].map((m) => m[1]!));
    for (const c of names) {
      expect(modules(`cli-${c}.cjs`), c).toContain(commandModule(c));
      expect([...outside(`cli-${c}.cjs`)].sort(), c).toEqual(COMMANDS.map((o) => o.name).filter((o) => o !== c).sort());
    }
    expect([...outside('cli.cjs')].sort()).toEqual(COMMANDS.map((o) => o.name).sort());
    const base = modules('cli.cjs');
    expect(base.some((m) => /^dist\/(cli\/commands|compiler|simulator|runtime)\//.test(m))).toBe(false);
  });

  it('leaves out what its command does not run: scalesim has no runtime, asm no compiler', () => {
    expect(modules('cli-scalesim.cjs').some((m) => m.startsWith('dist/runtime/'))).toBe(false);
    expect(modules('cli-asm.cjs').some((m) => m.startsWith('dist/compiler/') || m.startsWith('dist/runtime/'))).toBe(false);
  });

  it('runs each command from its bundle, and help for a command from that command\'s', () => {
    const dlp = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, DLP_CODE_CACHE: 'off' } });
    for (const c of ['asm', 'scalesim']) {
      const r = dlp(['help', c]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Usage: dlp ${c} `);
      expect(r.stdout).toContain('Options:');
    }
    const top = dlp(['--help']);
    expect(top.status).toBe(0);
    for (const c of COMMANDS) expect(top.stdout).toContain(c.name);
  });
});

describe('the dlp bin with the code cache', () => {
  const dir = useTempDir('dlp-codecache-');
  const model = join(dir, 'small.mlp');
  writeFileSync(model, 'model small {\n  input 64\n  dense 32 relu\n  dense 10\n}\n');
  const dlp = (args: string[], cache: string) => spawnSync(process.execPath, [BIN, ...args],
    { encoding: 'utf8', cwd: dir, env: { ...process.env, DLP_CODE_CACHE: cache, DLP_SCHEDULE_CACHE: 'off' } });
  const bundleFolder = (root: string) => {
    const names = readdirSync(root).filter((n) => n.startsWith('bundle-'));
    expect(names).toHaveLength(1);
    return join(root, names[0]!);
  };

  it('gives the same output cached, uncached and off; writes one entry per command and reuses it', () => {
    const root = join(dir, 'a');
    const off = dlp(['run', 'small.mlp', '--json'], 'off');
    expect(off.status, off.stderr).toBe(0);
    const first = dlp(['run', 'small.mlp', '--json'], root);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe(off.stdout);
    expect(first.stderr).toBe('');
    const folder = bundleFolder(root);
    expect(readdirSync(folder).sort()).toEqual(['.dlpkit-code', 'run.v8']);
    const entry = join(folder, 'run.v8');
    expect(readCodeCache(entry)!.length).toBeGreaterThan(10_000);
    const written = statSync(entry).mtimeMs;
    const second = dlp(['run', 'small.mlp', '--json'], root);
    expect(second.stdout).toBe(off.stdout);
    expect(statSync(entry).mtimeMs).toBe(written); // accepted by V8, so not rewritten
  });

  it('rewrites a damaged entry and writes none after a failed run or with the cache off', () => {
    const root = join(dir, 'b');
    const off = dlp(['run', 'small.mlp', '--json'], 'off');
    expect(dlp(['run', 'small.mlp', '--json'], root).status).toBe(0);
    const entry = join(bundleFolder(root), 'run.v8');
    const bytes = readFileSync(entry);
    bytes[bytes.length - 100]! ^= 0xff;
    writeFileSync(entry, bytes);
    const again = dlp(['run', 'small.mlp', '--json'], root);
    expect(again.stdout).toBe(off.stdout);
    expect(readCodeCache(entry)).toBeDefined(); // intact again
    const failed = dlp(['compile', 'missing.mlp', '-o', 'x'], root);
    expect(failed.status).toBe(1);
    expect(existsSync(join(bundleFolder(root), 'compile.v8'))).toBe(false);
    expect(dlp(['run', 'small.mlp'], 'off').status).toBe(0);
    expect(existsSync(join(dir, 'off'))).toBe(false);
  });

  it('runs ASCII bundles (read as latin1) whose text still prints its non-ASCII characters', () => {
    // scripts/bundle-cli.mjs: esbuild escapes non-ASCII in code; the bin reads the file as latin1.
    for (const name of bundleFiles()) expect(readFileSync(resolve('dist/dlp', name)).every((b) => b < 0x80), name).toBe(true);
    const root = join(dir, 'ascii');
    for (let run = 0; run < 2; run++) { // writes the cache entry, then runs from it
      const help = dlp(['train', '--help'], root);
      expect(help.status, help.stderr).toBe(0);
      expect(help.stdout).toContain('random shifts (±2 px) and rotations (±10°)');
      expect(help.stdout).toContain('σ of --init normal');
    }
  });

  it('runs the lab command (imported from dist/cli) from a cached bundle', () => {
    const root = join(dir, 'c');
    const first = dlp(['lab', 'list'], root);
    expect(first.status, first.stderr).toBe(0);
    expect(existsSync(join(bundleFolder(root), 'lab.v8'))).toBe(true);
    const second = dlp(['lab', 'list'], root);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toBe('');
    expect(second.stdout).toBe(first.stdout);
    expect(second.stdout).toMatch(/Forward and backward by hand/);
  });

  it('removes the folders of other builds it made, and nothing it did not make', () => {
    const root = join(dir, 'd');
    const old = join(root, 'bundle-0123456789abcdef');
    mkdirSync(old, { recursive: true });
    writeFileSync(join(old, '.dlpkit-code'), '');
    writeFileSync(join(old, 'run.v8'), 'old');
    const foreign = join(root, 'bundle-eeeeeeeeeeeeeeee'); // a build's name, not marked as dlpkit's
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'run.v8'), 'mine');
    const mixed = join(root, 'bundle-ffffffffffffffff'); // marked, but holding a file of the user's
    mkdirSync(mixed);
    writeFileSync(join(mixed, '.dlpkit-code'), '');
    writeFileSync(join(mixed, 'notes.txt'), 'mine');
    expect(dlp(['run', 'small.mlp'], root).status).toBe(0);
    expect(existsSync(old)).toBe(false);
    expect(readFileSync(join(foreign, 'run.v8'), 'utf8')).toBe('mine');
    expect(readFileSync(join(mixed, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(root).sort()).toHaveLength(3);
  });
});
