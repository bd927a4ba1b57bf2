// The memory footprint of each instruction as 2-D strided byte spans, and an exact overlap
// test between spans (the timing engine's, isa/engine.ts). The scoreboard (RAW/WAR/WAW), the operand-overlap rules and the bounds
// checks all read footprints from here, so they agree on what an instruction touches; the
// compiler's load hoisting and replay (through schedule.ts) read the same spans (visitSpans).
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

/** Receives an instruction's byte spans (visitSpans): rows already folded as makeSpan folds
 * them. An object with a method, so a caller keeps no closure per instruction. */
export interface SpanSink {
  span(space: Space, start: number, rows: number, rowBytes: number, pitch: number, operand: string, written: boolean): void;
}

/** Gives `sink` one span, folding back-to-back rows into one contiguous run. */
function put(sink: SpanSink, space: Space, start: number, rows: number, rowBytes: number, pitch: number, operand: string, written: boolean): void {
  if (rows > 1 && pitch === rowBytes) sink.span(space, start, 1, rows * rowBytes, rows * rowBytes, operand, written);
  else sink.span(space, start, rows, rowBytes, rows === 1 ? rowBytes : pitch, operand, written);
}

/** Collects spans as Span objects. */
class Collect implements SpanSink {
  reads: Span[] = [];
  writes: Span[] = [];
  span(space: Space, start: number, rows: number, rowBytes: number, pitch: number, operand: string, written: boolean): void {
    (written ? this.writes : this.reads).push({ space, start, rows, rowBytes, pitch, operand });
  }
}

/** Builds a span, folding back-to-back rows into one contiguous run. */
export function makeSpan(space: Space, start: number, rows: number, rowBytes: number, pitch: number, operand: string): Span {
  const c = new Collect();
  put(c, space, start, rows, rowBytes, pitch, operand, false);
  return c.reads[0]!;
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
  const c = new Collect();
  visitSpans(instr, c);
  return c;
}

/** Each span an instruction writes, then each it reads (in operand order): the one definition
 * of what an instruction touches, for footprints and the timing engine's op records. */
export function visitSpans(instr: Instr, sink: SpanSink): void {
  switch (instr.op) {
    case 'LOAD': {
      const size = DTYPE_BYTES[instr.dtype];
      put(sink, instr.space, instr.dst, instr.rows, instr.cols * size, instr.pitch * size, 'dst', true);
      put(sink, 'dram', instr.src, instr.rows, instr.cols * size, instr.stride, 'src', false);
      return;
    }
    case 'STORE': {
      const size = DTYPE_BYTES[instr.dtype];
      put(sink, 'dram', instr.dst, instr.rows, instr.cols * size, instr.stride, 'dst', true);
      put(sink, 'nram', instr.src, instr.rows, instr.cols * size, instr.pitch * size, 'src', false);
      return;
    }
    case 'MATMUL': {
      const size = DTYPE_BYTES[instr.dtype];
      put(sink, 'nram', instr.out, instr.m, instr.n * 4, instr.outPitch * 4, 'out', true);
      put(sink, 'nram', instr.in, instr.m, instr.k * size, instr.inPitch * size, 'in', false);
      put(sink, 'wram', instr.w, instr.k, instr.n * size, instr.wPitch * size, 'w', false);
      if (instr.acc) put(sink, 'nram', instr.out, instr.m, instr.n * 4, instr.outPitch * 4, 'out', false);
      return;
    }
    case 'ACT': {
      const si = DTYPE_BYTES[instr.inType];
      const so = DTYPE_BYTES[instr.outType];
      put(sink, 'nram', instr.dst, instr.rows, instr.cols * so, instr.dstPitch * so, 'dst', true);
      put(sink, 'nram', instr.src, instr.rows, instr.cols * si, instr.srcPitch * si, 'src', false);
      const aux = actAuxBytes(instr);
      if (aux > 0) put(sink, 'nram', instr.aux, 1, aux, aux, 'aux', false);
      return;
    }
    case 'SYNC':
    case 'HALT':
      return;
  }
}
