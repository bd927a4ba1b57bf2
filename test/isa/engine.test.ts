// The timing engine (isa/engine/replay.ts, WebAssembly) from outside: the committed binary is
// the one its source builds to; its span overlap test agrees with counting bytes; ops whose
// records were dropped (an earlier record generation) still time the same; running out of
// memory is a clear error.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeSpan, spansOverlap, type Span } from '../../isa/footprint.js';
import { onEngine, timingEngine } from '../../isa/engine.js';
import { prepareOps, queueDepths, scheduleOps, opsCycles } from '../../isa/schedule.js';
import { loadHardware } from '../../isa/hardware-file.js';
import { DlpError, type Instr } from '../../isa/index.js';
// @ts-expect-error: a plain ES module script without types
import { ENGINE_MODULE, engineModuleText } from '../../scripts/build-engine.mjs';

describe('the engine binary', () => {
  it('isa/replay-wasm.ts is what scripts/build-engine.mjs builds from isa/engine/replay.ts', async () => {
    expect(readFileSync(ENGINE_MODULE as string, 'utf8')).toBe(await (engineModuleText as () => Promise<string>)());
  });
});

/** The bytes a span covers, one by one. */
function bytesOf(s: Span): Set<number> {
  const out = new Set<number>();
  for (let r = 0; r < s.rows; r++) for (let b = 0; b < s.rowBytes; b++) out.add(s.start + r * s.pitch + b);
  return out;
}

const arbSpan = fc.record({
  start: fc.integer({ min: 0, max: 300 }),
  rows: fc.integer({ min: 1, max: 9 }),
  rowBytes: fc.integer({ min: 1, max: 40 }),
  gap: fc.integer({ min: -5, max: 40 }),
  space: fc.constantFrom('nram' as const, 'wram' as const),
}).map(({ start, rows, rowBytes, gap, space }) => makeSpan(space, start, rows, rowBytes, Math.max(1, rowBytes + gap), 'x'));

describe('spansOverlap', () => {
  it('is true exactly when the two spans share a byte in the same space', () => {
    fc.assert(fc.property(arbSpan, arbSpan, (a, b) => {
      const bytes = bytesOf(b);
      const shared = a.space === b.space && [...bytesOf(a)].some((x) => bytes.has(x));
      expect(spansOverlap(a, b)).toBe(shared);
      expect(spansOverlap(b, a)).toBe(shared);
    }), { numRuns: 3000 });
  });

  it('catches a one-byte overlap between interleaved rows, and none between rows that only touch', () => {
    const a = makeSpan('nram', 0, 4, 8, 16, 'a'); // bytes 0-7, 16-23, 32-39, 48-55
    expect(spansOverlap(a, makeSpan('nram', 8, 4, 8, 16, 'b'))).toBe(false);
    expect(spansOverlap(a, makeSpan('nram', 7, 4, 8, 16, 'b'))).toBe(true);
    expect(spansOverlap(a, makeSpan('nram', 55, 1, 1, 1, 'b'))).toBe(true);
    expect(spansOverlap(a, makeSpan('nram', 56, 1, 100, 100, 'b'))).toBe(false);
    expect(spansOverlap(a, makeSpan('wram', 0, 4, 8, 16, 'b'))).toBe(false);
  });
});

/** A LOAD → MATMUL → ACT → STORE chain over `blocks` row blocks on dlp-s. */
function chain(blocks: number): Instr[] {
  const out: Instr[] = [];
  for (let b = 0; b < blocks; b++) {
    const x = (b % 2) * 1024;
    out.push(
      { op: 'LOAD', space: 'nram', dst: x, src: b * 256, rows: 4, cols: 64, stride: 64, pitch: 64, dtype: 'int8', layer: 1 },
      { op: 'MATMUL', out: 4096 + x * 4, in: x, w: 0, m: 4, k: 64, n: 16, inPitch: 64, wPitch: 16, outPitch: 16, acc: 0, dtype: 'int8', swap: 0, layer: 1 },
      { op: 'ACT', dst: 8192 + x, src: 4096 + x * 4, rows: 4, cols: 16, dstPitch: 16, srcPitch: 16, aux: 0, bias: 0, func: 'relu', inType: 'int32', outType: 'int8', mult: 1, shift: 0, scale: 1, alpha: 0, layer: 1 },
      { op: 'STORE', dst: 65536 + b * 64, src: 8192 + x, rows: 4, cols: 16, stride: 16, pitch: 16, dtype: 'int8', layer: 1 },
    );
  }
  out.push({ op: 'HALT', layer: 0 });
  return out;
}

describe('op records', () => {
  it('ops prepared before the record region started over time the same as fresh ones', () => {
    const hw = loadHardware('dlp-s');
    const instrs = chain(40);
    const old = prepareOps(instrs, hw);
    const cycles = opsCycles(old, hw);
    const sched = scheduleOps(old, queueDepths(hw), (i, r) => new DlpError(`${i}: ${r}`));
    // More than the region holds (2 MiB of 232-byte records): it starts over at least once.
    for (let i = 0; i < 12; i++) prepareOps(chain(1200), hw);
    const fresh = prepareOps(instrs, hw);
    expect(old[0]!.generation).not.toBe(fresh[0]!.generation);
    expect(opsCycles(old, hw)).toBe(cycles);
    expect(opsCycles(fresh, hw)).toBe(cycles);
    const again = scheduleOps(old, queueDepths(hw), (i, r) => new DlpError(`${i}: ${r}`));
    expect(again).toEqual(sched);
    // A stream mixing both generations (the same instructions) as well.
    expect(opsCycles([...fresh.slice(0, 80), ...old.slice(80)], hw)).toBe(cycles);
    expect(cycles).toBeGreaterThan(0);
  });

  it('running out of engine memory is a DlpError naming the instruction count', () => {
    // A real one: more than the memory's maximum (1 GiB) asked of the engine's allocator.
    expect(() => onEngine(7, () => timingEngine().alloc(0x7fff_ffff))).toThrow(/timing of 7 instructions needs more than/);
    // The engine goes on working after it (every call starts from a reset arena).
    expect(opsCycles(prepareOps(chain(3), loadHardware('dlp-s')), loadHardware('dlp-s'))).toBeGreaterThan(0);
    const trap = new Error('unreachable');
    trap.name = 'RuntimeError';
    expect(() => onEngine(3_000_000, () => { throw trap; })).toThrow(/timing of 3000000 instructions needs more than the timing engine's 1024 MiB/);
    expect(() => onEngine(5, () => { throw new TypeError('other'); })).toThrow(TypeError);
    const outOfBounds = new Error('memory access out of bounds');
    outOfBounds.name = 'RuntimeError';
    expect(() => onEngine(5, () => { throw outOfBounds; })).toThrow(outOfBounds);
  });
});

describe('under an address-space cap', () => {
  const script = "import { scheduleCycles } from './dist/isa/schedule.js'; try { scheduleCycles([{ op: 'HALT', layer: 0 }], (await import('./dist/isa/hardware-file.js')).loadHardware('dlp-s')); console.log('ran'); } catch (e) { console.log(e.constructor.name + ': ' + e.message); }";
  const capped = (flags: string) => spawnSync('bash', ['-c', `ulimit -v 4000000; node ${flags} --input-type=module -e "${script}"`], { encoding: 'utf8', timeout: 30_000 });

  it('without --disable-wasm-trap-handler the engine says what to do; with it, it runs', () => {
    const without = capped('');
    expect(without.stdout.trim()).toMatch(/^DlpError: the timing engine \(WebAssembly\) could not start: .*run node with --disable-wasm-trap-handler$/);
    expect(capped('--disable-wasm-trap-handler').stdout.trim()).toBe('ran');
  });
});
