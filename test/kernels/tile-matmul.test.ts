// The WebAssembly SIMD MATMUL (kernels/tile-matmul.ts) against the simulator's reference loops
// (simulator/execute.ts without kernels): every int8/int16 result bit-identical, every fp32
// result identical (Object.is per element), over random shapes, pitches, offsets and acc.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HardwareConfig } from '../../isa/hardware.js';
import type { MatmulInstr } from '../../isa/spec.js';
import { createTileMatmul } from '../../kernels/index.js';
import { executeInstr, matmulSimd } from '../../simulator/execute.js';
import { createMemories, type Memories } from '../../simulator/memory.js';

const NRAM = 1 << 16, WRAM = 1 << 16;
const hw = { nram: { bytes: NRAM }, wram: { bytes: WRAM } } as HardwareConfig;
const tiles = createTileMatmul();

function fill(mem: Memories, seed: number, dtype: MatmulInstr['dtype']): void {
  let s = seed >>> 0;
  const next = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s; };
  for (const space of ['nram', 'wram'] as const) {
    const img = mem[space];
    if (dtype === 'fp32') {
      // Finite values over a wide range of exponents (random bytes would include NaNs, whose
      // payloads no arithmetic promises to keep).
      for (let i = 0; i < img.f32.length; i++) img.f32[i] = ((next() / 2 ** 32) - 0.5) * 2 ** ((next() % 48) - 24);
    } else {
      for (let i = 0; i < img.bytes.length; i++) img.bytes[i] = next() & 0xff;
    }
  }
}

const arbMatmul = fc.record({
  dtype: fc.constantFrom<MatmulInstr['dtype']>('int8', 'int16', 'fp32'),
  m: fc.integer({ min: 1, max: 40 }), k: fc.integer({ min: 1, max: 90 }), n: fc.integer({ min: 1, max: 70 }),
  padIn: fc.integer({ min: 0, max: 9 }), padW: fc.integer({ min: 0, max: 9 }), padOut: fc.integer({ min: 0, max: 9 }),
  inAt: fc.integer({ min: 0, max: 100 }), wAt: fc.integer({ min: 0, max: 100 }), acc: fc.boolean(), seed: fc.integer(),
});

type Case = { dtype: MatmulInstr['dtype']; m: number; k: number; n: number; padIn: number; padW: number; padOut: number; inAt: number; wAt: number; acc: boolean };

function instrOf(c: Case): MatmulInstr {
  const size = c.dtype === 'int8' ? 1 : c.dtype === 'int16' ? 2 : 4;
  const inPitch = c.k + c.padIn, wPitch = c.n + c.padW, outPitch = c.n + c.padOut;
  const inAddr = c.inAt * size;
  const outAddr = Math.ceil((inAddr + c.m * inPitch * size) / 4) * 4 + 4 * c.inAt;
  return {
    op: 'MATMUL', out: outAddr, in: inAddr, w: c.wAt * size, m: c.m, k: c.k, n: c.n,
    outPitch, inPitch, wPitch, acc: c.acc ? 1 : 0, dtype: c.dtype, layer: 0, swap: 0,
  } as MatmulInstr;
}

describe('WebAssembly SIMD MATMUL', () => {
  it('is available on this Node', () => {
    expect(tiles).toBeDefined();
  });

  it('gives the reference loops\' exact results (int8, int16, fp32; pitches, offsets, acc)', () => {
    fc.assert(fc.property(arbMatmul, (c) => {
      const instr = instrOf(c);
      const ref = createMemories(hw, new Uint8Array(0), 0);
      const simd = createMemories(hw, new Uint8Array(0), 0);
      fill(ref, c.seed, c.dtype);
      fill(simd, c.seed, c.dtype);
      executeInstr(ref, instr);
      matmulSimd(simd, instr, tiles!);
      if (c.dtype === 'fp32') {
        for (let i = 0; i < ref.nram.f32.length; i++) if (!Object.is(ref.nram.f32[i], simd.nram.f32[i])) return false;
        return true;
      }
      return Buffer.compare(ref.nram.bytes, simd.nram.bytes) === 0;
    }), { numRuns: 150 });
  });

  it('wraps int32 accumulation exactly like the reference at the extremes', () => {
    const c = { dtype: 'int16' as const, m: 3, k: 64, n: 17, padIn: 0, padW: 0, padOut: 0, inAt: 0, wAt: 0, acc: true, seed: 0 };
    const instr = instrOf(c);
    const ref = createMemories(hw, new Uint8Array(0), 0);
    const simd = createMemories(hw, new Uint8Array(0), 0);
    for (const mem of [ref, simd]) {
      mem.nram.i16.fill(-32768, 0, c.m * c.k);
      mem.wram.i16.fill(-32768, 0, c.k * c.n);
      mem.nram.i32.fill(2147483000, instr.out >> 2, (instr.out >> 2) + c.m * c.n);
    }
    executeInstr(ref, instr);
    tiles!.int(
      { data: simd.nram.i32, start: instr.out >> 2, pitch: c.n }, { data: simd.nram.i16, start: 0, pitch: c.k },
      { data: simd.wram.i16, start: 0, pitch: c.n }, c.m, c.k, c.n, true,
    );
    // 2147483000 + 64·2^30 wraps to 2147483000 (64·2^30 = 2^36 ≡ 0 mod 2^32).
    expect(ref.nram.i32[instr.out >> 2]).toBe(2147483000);
    expect(Buffer.compare(ref.nram.bytes, simd.nram.bytes)).toBe(0);
  });
});
