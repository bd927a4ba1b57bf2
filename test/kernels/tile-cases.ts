// Random MATMUL tiles for the SIMD kernel's properties (test/kernels, test/runtime/sim-threads):
// shapes, pitches, offsets and acc, memories filled from a seed, and the check against the
// simulator's reference loops (simulator/execute.ts without kernels).
import fc from 'fast-check';
import type { HardwareConfig } from '../../isa/hardware.js';
import type { MatmulInstr } from '../../isa/spec.js';
import type { TileMatmul } from '../../kernels/index.js';
import { executeInstr, matmulSimd } from '../../simulator/execute.js';
import { createMemories, type Memories } from '../../simulator/memory.js';

const NRAM = 1 << 16, WRAM = 1 << 16;
export const hw = { nram: { bytes: NRAM }, wram: { bytes: WRAM } } as HardwareConfig;

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

// Half the pitches dense: dense operands take the kernel's block-copy path.
const arbPad = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 9 }));

export const arbMatmul = fc.record({
  dtype: fc.constantFrom<MatmulInstr['dtype']>('int8', 'int16', 'fp32'),
  m: fc.integer({ min: 1, max: 40 }), k: fc.integer({ min: 1, max: 90 }), n: fc.integer({ min: 1, max: 70 }),
  padIn: arbPad, padW: arbPad, padOut: arbPad,
  inAt: fc.integer({ min: 0, max: 100 }), wAt: fc.integer({ min: 0, max: 100 }), acc: fc.boolean(), seed: fc.integer(),
});

export type Case = { dtype: MatmulInstr['dtype']; m: number; k: number; n: number; padIn: number; padW: number; padOut: number; inAt: number; wAt: number; acc: boolean; seed: number };

export function instrOf(c: Case): MatmulInstr {
  const size = c.dtype === 'int8' ? 1 : c.dtype === 'int16' ? 2 : 4;
  const inPitch = c.k + c.padIn, wPitch = c.n + c.padW, outPitch = c.n + c.padOut;
  const inAddr = c.inAt * size;
  const outAddr = Math.ceil((inAddr + c.m * inPitch * size) / 4) * 4 + 4 * c.inAt;
  return {
    op: 'MATMUL', out: outAddr, in: inAddr, w: c.wAt * size, m: c.m, k: c.k, n: c.n,
    outPitch, inPitch, wPitch, acc: c.acc ? 1 : 0, dtype: c.dtype, layer: 0, swap: 0,
  } as MatmulInstr;
}

/** The tile through `tiles` against the reference loops: int8/int16 bit-identical, fp32 identical (Object.is per element). */
export function sameAsReference(c: Case, tiles: TileMatmul): boolean {
  const instr = instrOf(c);
  const ref = createMemories(hw, new Uint8Array(0), 0);
  const simd = createMemories(hw, new Uint8Array(0), 0);
  fill(ref, c.seed, c.dtype);
  fill(simd, c.seed, c.dtype);
  executeInstr(ref, instr);
  if (!matmulSimd(simd, instr, tiles)) return false;
  if (c.dtype === 'fp32') {
    for (let i = 0; i < ref.nram.f32.length; i++) if (!Object.is(ref.nram.f32[i], simd.nram.f32[i])) return false;
    return true;
  }
  return Buffer.compare(ref.nram.bytes, simd.nram.bytes) === 0;
}
