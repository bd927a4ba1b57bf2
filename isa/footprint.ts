// The memory footprint of each instruction as 2-D strided byte spans, and an exact overlap
// test between spans (the timing engine's, isa/engine.ts). The scoreboard (RAW/WAR/WAW), the operand-overlap rules and the bounds
// checks all read footprints from here, so they agree on what an instruction touches; the
// compiler's load hoisting and replay (through schedule.ts) read the same footprints.
import { DTYPE_BYTES, type Instr, type Space } from './spec.js';
import { timingEngine } from './engine.js';

/** `rows` runs of `rowBytes` bytes, run r starting at `start + r·pitch` in `space`. */
export interface Span {
  space: Space;
  start: number;
  rows: number;
  rowBytes: number;
  /** Distance between run starts in bytes (irrelevant when rows = 1). */
  pitch: number;
  /** Operand name, for messages. */
  operand: string;
}

export interface Footprint {
  reads: Span[];
  writes: Span[];
}

/** Builds a span, folding back-to-back rows into one contiguous run. */
export function makeSpan(space: Space, start: number, rows: number, rowBytes: number, pitch: number, operand: string): Span {
  if (rows > 1 && pitch === rowBytes) return { space, start, rows: 1, rowBytes: rows * rowBytes, pitch: rows * rowBytes, operand };
  return { space, start, rows, rowBytes, pitch: rows === 1 ? rowBytes : pitch, operand };
}

/** One past the last byte a span touches. */
export function spanEnd(s: Span): number {
  return s.start + (s.rows - 1) * s.pitch + s.rowBytes;
}

/** Exact test whether two spans share a byte (the timing engine's test, isa/engine/replay.ts:
 * O(min(rows)) after a bounding-box test). */
export function spansOverlap(a: Span, b: Span): boolean {
  return a.space === b.space && timingEngine().spansMeet(a.start, a.rows, a.rowBytes, a.pitch, b.start, b.rows, b.rowBytes, b.pitch) !== 0;
}

/** Same bytes in the same order (the one kind of aliasing ACT allows). */
export function spansEqual(a: Span, b: Span): boolean {
  return a.space === b.space && a.start === b.start && a.rows === b.rows && a.rowBytes === b.rowBytes && a.pitch === b.pitch;
}

/** Bytes of per-column parameters an ACT reads at `aux`: int32/fp32 bias, then fp32 slopes. */
export function actAuxBytes(i: Extract<Instr, { op: 'ACT' }>): number {
  return 4 * i.cols * (i.bias + (i.func === 'prelu' ? 1 : 0));
}

/** The bytes an instruction reads and writes. */
export function footprintOf(instr: Instr): Footprint {
  switch (instr.op) {
    case 'LOAD': {
      const size = DTYPE_BYTES[instr.dtype];
      return {
        reads: [makeSpan('dram', instr.src, instr.rows, instr.cols * size, instr.stride, 'src')],
        writes: [makeSpan(instr.space, instr.dst, instr.rows, instr.cols * size, instr.pitch * size, 'dst')],
      };
    }
    case 'STORE': {
      const size = DTYPE_BYTES[instr.dtype];
      return {
        reads: [makeSpan('nram', instr.src, instr.rows, instr.cols * size, instr.pitch * size, 'src')],
        writes: [makeSpan('dram', instr.dst, instr.rows, instr.cols * size, instr.stride, 'dst')],
      };
    }
    case 'MATMUL': {
      const size = DTYPE_BYTES[instr.dtype];
      const out = makeSpan('nram', instr.out, instr.m, instr.n * 4, instr.outPitch * 4, 'out');
      const reads = [
        makeSpan('nram', instr.in, instr.m, instr.k * size, instr.inPitch * size, 'in'),
        makeSpan('wram', instr.w, instr.k, instr.n * size, instr.wPitch * size, 'w'),
      ];
      if (instr.acc) reads.push(out);
      return { reads, writes: [out] };
    }
    case 'ACT': {
      const si = DTYPE_BYTES[instr.inType];
      const so = DTYPE_BYTES[instr.outType];
      const reads = [makeSpan('nram', instr.src, instr.rows, instr.cols * si, instr.srcPitch * si, 'src')];
      const aux = actAuxBytes(instr);
      if (aux > 0) reads.push(makeSpan('nram', instr.aux, 1, aux, aux, 'aux'));
      return { reads, writes: [makeSpan('nram', instr.dst, instr.rows, instr.cols * so, instr.dstPitch * so, 'dst')] };
    }
    case 'SYNC':
    case 'HALT':
      return { reads: [], writes: [] };
  }
}

/** Does `later` conflict with `earlier` (RAW, WAR or WAW)? */
export function footprintsConflict(earlier: Footprint, later: Footprint): boolean {
  // Indexed loops: the scheduler calls this for every in-flight pair, and for-of allocates
  // an iterator per loop until V8 optimises the caller.
  const ew = earlier.writes, er = earlier.reads, lw = later.writes, lr = later.reads;
  for (let i = 0; i < ew.length; i++) {
    for (let j = 0; j < lr.length; j++) if (spansOverlap(ew[i]!, lr[j]!)) return true;
    for (let j = 0; j < lw.length; j++) if (spansOverlap(ew[i]!, lw[j]!)) return true;
  }
  for (let i = 0; i < er.length; i++) for (let j = 0; j < lw.length; j++) if (spansOverlap(er[i]!, lw[j]!)) return true;
  return false;
}
