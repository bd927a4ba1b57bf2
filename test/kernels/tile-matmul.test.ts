// The WebAssembly SIMD MATMUL (kernels/tile-matmul.ts) against the simulator's reference loops
// (simulator/execute.ts without kernels): every int8/int16 result bit-identical, every fp32
// result identical (Object.is per element), over random shapes, pitches, offsets and acc.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTileMatmul } from '../../kernels/index.js';
import { executeInstr } from '../../simulator/execute.js';
import { createMemories } from '../../simulator/memory.js';
import { arbMatmul, hw, instrOf, sameAsReference } from './tile-cases.js';

const tiles = createTileMatmul();

describe('WebAssembly SIMD MATMUL', () => {
  it('is available on this Node', () => {
    expect(tiles).toBeDefined();
  });

  it('gives the reference loops\' exact results (int8, int16, fp32; pitches, offsets, acc)', () => {
    fc.assert(fc.property(arbMatmul, (c) => sameAsReference(c, tiles!)), { numRuns: 150 });
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
