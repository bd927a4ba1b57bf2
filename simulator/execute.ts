// The functional core: the living definition of what each instruction does to memory.
// Instructions run here in program order; the scoreboard of the timing model guarantees the
// hardware's overlapped execution gives the same bytes. Kernels work on typed-array views with
// no per-element allocation (MATMUL is the hot loop of every simulation). The loops below are
// the definition; tiles of at least MIN_SIMD_MACS multiply-adds run in WebAssembly SIMD
// (kernels/tile-matmul.ts), which gives the same bits (test/kernels checks it).
import { copyRows, type TileMatmul } from '../kernels/index.js';
import { DTYPE_BYTES, type Instr, type LoadInstr, type MatmulInstr, type StoreInstr } from '../isa/spec.js';
import type { Memories } from './memory.js';
import { executeAct } from './act.js';

function executeLoad(mem: Memories, i: LoadInstr): void {
  const size = DTYPE_BYTES[i.dtype];
  copyRows(mem[i.space].bytes, i.dst, i.pitch * size, mem.dram.bytes, i.src, i.stride, i.rows, i.cols * size);
}

function executeStore(mem: Memories, i: StoreInstr): void {
  const size = DTYPE_BYTES[i.dtype];
  copyRows(mem.dram.bytes, i.dst, i.stride, mem.nram.bytes, i.src, i.pitch * size, i.rows, i.cols * size);
}

/** Integer MATMUL: exact products, int32 accumulation with two's-complement wrap. Storing each
 * partial sum into the Int32Array wraps it exactly like `(acc + a*b) | 0`, since |acc + a·b|
 * < 2^32 is exact in a double. Zero inputs (common after ReLU) are skipped: exact for integers. */
function matmulInt(
  out: Int32Array, A: Int8Array | Int16Array, W: Int8Array | Int16Array, i: MatmulInstr, size: number,
): void {
  const { m, k, n, outPitch, inPitch, wPitch } = i;
  const o0 = i.out >> 2, a0 = i.in / size, w0 = i.w / size;
  for (let r = 0; r < m; r++) {
    const o = o0 + r * outPitch;
    if (!i.acc) out.fill(0, o, o + n);
    const a = a0 + r * inPitch;
    for (let p = 0; p < k; p++) {
      const x = A[a + p]!;
      if (x === 0) continue;
      const w = w0 + p * wPitch;
      for (let j = 0; j < n; j++) out[o + j] += x * W[w + j]!;
    }
  }
}

/** fp32 MATMUL: each dot product is summed in double precision in order p = 0..k-1 and rounded
 * to fp32 once when stored (after adding the old out when acc = 1). */
function matmulF32(out: Float32Array, A: Float32Array, W: Float32Array, i: MatmulInstr): void {
  const { m, k, n, outPitch, inPitch, wPitch } = i;
  const o0 = i.out >> 2, a0 = i.in >> 2, w0 = i.w >> 2;
  const sum = new Float64Array(n);
  for (let r = 0; r < m; r++) {
    sum.fill(0);
    const a = a0 + r * inPitch;
    for (let p = 0; p < k; p++) {
      const x = A[a + p]!;
      const w = w0 + p * wPitch;
      for (let j = 0; j < n; j++) sum[j] += x * W[w + j]!;
    }
    const o = o0 + r * outPitch;
    if (i.acc) for (let j = 0; j < n; j++) out[o + j] = out[o + j]! + sum[j]!;
    else out.set(sum, o);
  }
}

/** Below this many multiply-adds the copies into the SIMD kernel's memory cost more than they save. */
export const MIN_SIMD_MACS = 2048;

/** MATMUL through the SIMD kernel whatever its size (executeInstr uses it from MIN_SIMD_MACS
 * on); false (nothing written) when the tile does not fit the kernel's memory. */
export function matmulSimd(mem: Memories, i: MatmulInstr, tiles: TileMatmul): boolean {
  const { nram, wram } = mem;
  const out = { data: nram.i32, start: i.out >> 2, pitch: i.outPitch };
  if (i.dtype === 'fp32') {
    const f32 = { data: nram.f32, start: out.start, pitch: out.pitch };
    return tiles.f32(f32, { data: nram.f32, start: i.in >> 2, pitch: i.inPitch }, { data: wram.f32, start: i.w >> 2, pitch: i.wPitch }, i.m, i.k, i.n, i.acc !== 0);
  }
  const [A, W, size] = i.dtype === 'int8' ? [nram.i8, wram.i8, 1] : [nram.i16, wram.i16, 2];
  return tiles.int(out, { data: A, start: i.in / size, pitch: i.inPitch }, { data: W, start: i.w / size, pitch: i.wPitch }, i.m, i.k, i.n, i.acc !== 0);
}

function executeMatmul(mem: Memories, i: MatmulInstr, tiles: TileMatmul | undefined): void {
  const { nram, wram } = mem;
  if (tiles && i.m * i.k * i.n >= MIN_SIMD_MACS && matmulSimd(mem, i, tiles)) return;
  if (i.dtype === 'int8') matmulInt(nram.i32, nram.i8, wram.i8, i, 1);
  else if (i.dtype === 'int16') matmulInt(nram.i32, nram.i16, wram.i16, i, 2);
  else matmulF32(nram.f32, nram.f32, wram.f32, i);
}

/** Applies one (validated) instruction to memory (MATMUL through `tiles` when given). Throws a plain message string for
 * data-dependent faults (e.g. a PReLU slope out of range), which the caller locates. */
export function executeInstr(mem: Memories, instr: Instr, tiles?: TileMatmul): void {
  switch (instr.op) {
    case 'LOAD': return executeLoad(mem, instr);
    case 'STORE': return executeStore(mem, instr);
    case 'MATMUL': return executeMatmul(mem, instr, tiles);
    case 'ACT': return executeAct(mem.nram, instr);
    case 'SYNC':
    case 'HALT':
      return;
  }
}

/** Multiply-accumulates of an instruction (0 for everything but MATMUL). */
export function macsOf(instr: Instr): number {
  return instr.op === 'MATMUL' ? instr.m * instr.k * instr.n : 0;
}
