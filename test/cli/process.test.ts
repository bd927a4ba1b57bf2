// The dlp process as a shell sees it, through the built CLI (dist/dlp/bin.cjs, the bundle npx
// runs): Ctrl-C ends a long command promptly with status 130 and writes nothing; a closed stdout ends quietly;
// /dev/full is one error line; `dlp -V` and `--help` load no heavy module; and commands work
// under `ulimit -v 4000000`, as autograders set it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, buildProgram } from '../../cli/main.js';
import { runDlp, useTempDir } from '../helpers/cli.js';

const BIN = resolve('dist/dlp/bin.cjs');
const dir = useTempDir('dlp-proc-');
const TINY = join(dir, 'tiny.mlp');
writeFileSync(TINY, 'model tiny {\n  input 16\n  dense fc1: 8 relu\n  dense fc2: 4\n}\n');

interface Ended { code: number | null; signal: NodeJS.Signals | null; out: string; err: string; ms: number }

function ended(p: ChildProcess, t0: number): Promise<Ended> {
  let out = '';
  let err = '';
  p.stdout?.on('data', (b: Buffer) => { out += b.toString(); });
  p.stderr?.on('data', (b: Buffer) => { err += b.toString(); });
  return new Promise((done) => p.on('close', (code, signal) => done({ code, signal, out, err, ms: performance.now() - t0 })));
}

/** Starts `dlp args` in `cwd`, sends SIGINT after `afterMs`, and reports how it ended. */
async function interrupt(args: string[], cwd: string, afterMs: number): Promise<Ended & { sentAt: number }> {
  const t0 = performance.now();
  const p = spawn(process.execPath, [BIN, ...args], { cwd });
  const result = ended(p, t0);
  await new Promise((r) => setTimeout(r, afterMs));
  const sentAt = performance.now() - t0;
  p.kill('SIGINT');
  return { ...(await result), sentAt };
}

describe('Ctrl-C', () => {
  // A shell reports a process that SIGINT ended as status 130 (128 + 2); Node reports the signal.
  it('stops `dlp mnist --quick` promptly and writes no report and no temp folder', async () => {
    const cwd = join(dir, 'mnist');
    spawnSync('mkdir', [cwd]);
    // 1,000 epochs of the quick subset: still training at 1.5 s on a fast machine (one quick
    // epoch finishes in about a second end to end).
    const r = await interrupt(['mnist', '--quick', '--epochs', '1000', '--out', 'X'], cwd, 1500);
    expect(r.signal).toBe('SIGINT');
    expect(r.ms - r.sentAt).toBeLessThan(2000);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('stops a long synchronous simulation promptly (no handler waits for it to yield)', async () => {
    const cwd = join(dir, 'run');
    spawnSync('mkdir', [cwd]);
    // 2048-2048-2048 at batch 4096 (34 G MAC) compiles and simulates for far longer than 1.5 s on any machine.
    writeFileSync(join(dir, 'big.mlp'), 'model big {\n  input 2048\n  dense fc1: 2048 relu\n  dense fc2: 2048\n}\n');
    const r = await interrupt(['run', join(dir, 'big.mlp'), '--batch', '4096', '--trace', 't.json'], cwd, 1500);
    expect(r.signal).toBe('SIGINT');
    expect(r.ms - r.sentAt).toBeLessThan(2000);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('a Ctrl-C during the write phase waits for the output to be whole, then ends the process', () => {
    const marker = join(dir, 'written.txt');
    const guard = pathToFileURL(resolve('dist/cli/output/guard.js')).href;
    const script = `const { duringWrite } = await import(${JSON.stringify(guard)});
      const { writeFileSync } = await import('node:fs');
      duringWrite(() => {
        process.kill(process.pid, 'SIGINT');
        const t = Date.now(); while (Date.now() - t < 200) {}
        writeFileSync(${JSON.stringify(marker)}, 'whole');
      });
      setTimeout(() => writeFileSync(${JSON.stringify(marker)}, 'kept running'), 1000);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.signal).toBe('SIGINT');
    expect(readFileSync(marker, 'utf8')).toBe('whole');
  });
});

describe('closed or full stdout', () => {
  let big: string;
  beforeAll(async () => {
    // A program whose text (about 0.5 MB) and input region (100 × 784 values) overflow a pipe's 64 KiB.
    big = join(dir, 'bundle');
    expect((await runDlp(['compile', resolve('examples/mnist.mlp'), '--batch', '100', '-o', big])).code).toBe(0);
  });

  async function readOneChunk(args: string[]): Promise<Ended> {
    const t0 = performance.now();
    const p = spawn(process.execPath, [BIN, ...args]);
    let err = '';
    p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    // Like `| head -c 1`: read once, then close the pipe.
    p.stdout.once('data', () => p.stdout.destroy());
    return new Promise((done) => p.on('close', (code, signal) => done({ code, signal, out: '', err, ms: performance.now() - t0 })));
  }

  it('`dlp disasm X | head -1` ends quietly with status 0', async () => {
    const r = await readOneChunk(['disasm', join(big, 'program.dlpb')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('`dlp simulate ... --dump REGION | head` ends quietly with status 0', async () => {
    const meta = JSON.parse(readFileSync(join(big, 'bundle.json'), 'utf8')) as { layout: { input: { name: string } } };
    const r = await readOneChunk(['simulate', join(big, 'program.dlpb'), '--dram', join(big, 'image.bin'), '--dump', meta.layout.input.name]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it.each([[['-V']], [['--help']], [['disasm', 'BIG']]])('writing to /dev/full is one error line and status 1 (%s)', (args) => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [BIN, ...args.map((a) => (a === 'BIG' ? join(big, 'program.dlpb') : a))], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      expect(r.stderr).toBe('error: cannot write to standard output (ENOSPC)\n');
      expect(r.status).toBe(1);
    } finally {
      closeSync(full);
    }
  });
});

describe('loading only what a command needs', () => {
  // The unbundled build (dist/cli/), where every module is its own URL: the bundle splits its
  // chunks at the same dynamic imports (scripts/bundle-cli.mjs), so it loads no more.
  const UNBUNDLED = resolve('dist/cli/bin.js');
  /** The module URLs `dlp args` loads, recorded by a module resolve hook. */
  function loadedModules(args: string[]): string[] {
    const log = join(dir, `loaded-${args.join('_').replace(/\W/g, '')}.txt`);
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(hooks, `import { appendFileSync } from 'node:fs';
export async function resolve(spec, ctx, next) { const r = await next(spec, ctx); appendFileSync(process.env.DLP_LOAD_LOG, r.url + '\\n'); return r; }\n`);
    const register = `data:text/javascript,import{register}from'node:module';register(${JSON.stringify(pathToFileURL(hooks).href)});`;
    const r = spawnSync(process.execPath, ['--import', register, UNBUNDLED, ...args], { encoding: 'utf8', env: { ...process.env, DLP_LOAD_LOG: log } });
    expect(r.status).toBe(0);
    return readFileSync(log, 'utf8').trim().split('\n');
  }

  it.each(['-V', '--help', 'help compile'])('`dlp %s` loads no runtime, WebAssembly kernel or TypeScript loader (nor, for -V and --help, the compiler or simulator)', (line) => {
    const args = line.split(' ');
    const loaded = loadedModules(args);
    expect(loaded.some((u) => u.endsWith('/cli/main.js'))).toBe(true);
    // `help compile` loads the compile command's module (compiler and simulator), nothing else heavy.
    const heavy = ['/runtime/', '/labs/', 'tsx', 'piscina', ...(args[0] === 'help' ? [] : ['/compiler/', '/simulator/', 'protobufjs', 'ohm-js'])];
    for (const h of heavy) expect(loaded.filter((u) => u.includes(h)), h).toEqual([]);
  });

  it('the stubs in cli/main.ts match what each command module registers', async () => {
    for (const c of COMMANDS) {
      const real = (await buildProgram(c.name)).commands.find((x) => x.name() === c.name)!;
      expect(real.description(), c.name).toBe(c.description);
      expect(real.usage(), c.name).toBe(c.usage);
    }
    expect((await buildProgram()).commands.map((x) => x.name())).toEqual(COMMANDS.map((c) => c.name));
  });
});

describe('the simulator\'s worker thread (runtime/sim-threads.ts)', () => {
  const simThreads = pathToFileURL(resolve('dist/runtime/sim-threads.js')).href;
  /** A script that splits 64×64×64 int8 tiles with the worker (threshold 0) until it has taken
   * chunks, prints the thread count and chunks, then does `then`. */
  const script = (then: string): string => `const { createSimThreads } = await import(${JSON.stringify(simThreads)});
    const t = createSimThreads({ minMacs: 0, adaptive: false });
    // 512×1024×64 (33.5 M MACs, milliseconds of work): the caller claims chunks as soon as it has
    // woken the worker, so on a tiny tile a loaded machine's worker may wake too late every time.
    const a = new Int8Array(512 * 1024).fill(3), w = new Int8Array(1024 * 64).fill(2), out = new Int32Array(512 * 64);
    const tile = () => t.tiles.int({ data: out, start: 0, pitch: 64 }, { data: a, start: 0, pitch: 1024 }, { data: w, start: 0, pitch: 64 }, 512, 1024, 64, false);
    for (let i = 0; i < 500 && t.workerChunks() === 0; i++) { tile(); await new Promise((r) => setTimeout(r, 10)); }
    console.log(t.threads(), t.workerChunks() > 0, out[0]);
    ${then}`;

  it('never keeps the process alive: a script that leaves it running ends by itself', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script('')], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    // 1024 products of 3·2 per output: 6144.
    expect(r.stdout).toBe('2 true 6144\n');
    expect(r.status).toBe(0);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s ends a process busy on split tiles promptly', async (signal) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, ['--input-type=module', '-e', script('for (;;) tile();')]);
    const result = ended(p, t0);
    await new Promise<void>((split) => p.stdout.once('data', () => split()));
    const sentAt = performance.now() - t0;
    p.kill(signal);
    const r = await result;
    expect(r.out).toBe('2 true 6144\n');
    expect(r.signal).toBe(signal);
    expect(r.ms - sentAt).toBeLessThan(2000);
  });

  it('works under `ulimit -v 4000000` with --disable-wasm-trap-handler (what dlp restarts with)', () => {
    const r = spawnSync('bash', ['-c', `ulimit -v 4000000; node --disable-wasm-trap-handler --input-type=module -e '${script('').replace(/'/g, "'\\''")}'`], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('2 true 6144\n');
  });
});

describe('under `ulimit -v 4000000`', () => {
  const capped = (cmd: string) => spawnSync('bash', ['-c', `ulimit -v 4000000; ${cmd}`], { encoding: 'utf8', cwd: dir });

  it('`dlp -V` prints the version', () => {
    const r = capped(`node ${BIN} -V`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${(JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version}\n`);
    expect(r.status).toBe(0);
  });

  it('`dlp run` of a small model simulates it', () => {
    const r = capped(`node ${BIN} run ${TINY} --json`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { cycles: number }).cycles).toBeGreaterThan(0);
  });

  it('`dlp run` of a model with big tiles (split with the worker) prints the uncapped report', () => {
    const model = join(dir, 'wide.mlp');
    writeFileSync(model, 'model wide {\n  input 512\n  dense fc1: 512 relu\n  dense fc2: 256\n}\n');
    const r = capped(`node ${BIN} run ${model} --batch 512 --json`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const free = spawnSync(process.execPath, [BIN, 'run', model, '--batch', '512', '--json'], { encoding: 'utf8' });
    expect(r.stdout).toBe(free.stdout);
  });

  it('`dlp train` runs its WebAssembly kernels (dlp restarts Node without the wasm trap handler)', () => {
    const out = join(dir, 'w.safetensors');
    const r = capped(`node ${BIN} train --subset 200 --epochs 1 --json -o ${out}`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(out)).toBe(true);
  });
});
