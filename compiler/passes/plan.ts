// Tile plans: a schedule splits the model into segments of consecutive layers; a segment
// runs one loop nest over blocks of m batch rows. In `rows` order each row block flows through
// all the segment's layers with intermediate activations kept in NRAM (layer fusion); in `cols`
// order (one layer) a K×n weight panel stays in WRAM while every row block streams past it.
// This file holds the plan types and the buffer allocation both the search (tile.ts) and
// codegen use, so a plan that fits here is exactly what codegen emits; cost.ts ranks plans.
import { DTYPE_BYTES } from '../../isa/spec.js';
import type { HardwareConfig } from '../../isa/hardware.js';
import type { QuantLayer, QuantModel } from './quant-model.js';

/** How a layer gets its weights: all of W once per segment, a K×n panel per column panel
 * (cols order), or a k×n tile per use. */
export type WMode = 'resident' | 'panel' | 'tile';
/** How a layer gets its input: the previous layer's NRAM output, an m×K block per row block,
 * or an m×k tile per use. */
export type XMode = 'fused' | 'block' | 'tile';

export interface LayerTile {
  layer: number;
  n: number;
  k: number;
  wMode: WMode;
  xMode: XMode;
  /** Bias/slopes for all N columns loaded once, else per column tile. */
  auxResident: boolean;
}

export interface SegmentPlan {
  order: 'rows' | 'cols';
  /** Batch rows per block. */
  m: number;
  layers: LayerTile[];
  /** Two buffers per streamed operand so DMA overlaps compute. */
  double: boolean;
  /** Naive mode: a SYNC after every instruction. */
  sync: boolean;
}

export interface Schedule {
  kind: 'tuned' | 'naive';
  batch: number;
  segments: SegmentPlan[];
}

/** A named on-chip buffer; `count` copies of `bytes` each, back to back from `addr`. */
export interface Buffer {
  name: string;
  space: 'nram' | 'wram';
  addr: number;
  bytes: number;
  count: number;
}

export interface LayerBuffers {
  x?: Buffer;
  w?: Buffer;
  aux?: Buffer;
  acc: Buffer;
  /** Output tiles streamed to DRAM (absent when the output is fused or goes through `full`). */
  out?: Buffer;
  /** Full-row output: the fused activation for the next layer, or the fp32 softmax rows. */
  full?: Buffer;
}

export interface SegmentBuffers {
  layers: LayerBuffers[];
  nramBytes: number;
  wramBytes: number;
}

const ALIGN = 32;
const align = (x: number) => Math.ceil(x / ALIGN) * ALIGN;

/** Bytes of per-column parameters per output column: bias (4) plus PReLU slope (4). */
export function auxBytesPerCol(q: QuantLayer): number {
  return 4 * (1 + (q.func === 'prelu' ? 1 : 0));
}

/** Does this layer end the model with a softmax that needs whole rows in one buffer? */
export function needsFullSoftmaxRows(q: QuantModel, l: number, t: LayerTile): boolean {
  if (!q.softmax || l !== q.layers.length - 1) return false;
  return t.n < q.layers[l]!.N || q.layers[l]!.func !== 'identity' || q.perChannel;
}

/** What a buffer holds for its layer: the input, weights, bias/slopes, accumulator, output
 * tiles (`out`) or full output rows (`full`). */
type BufferRole = 'x' | 'w' | 'aux' | 'acc' | 'out' | 'full';
const ROLE_SUFFIX: Record<BufferRole, string> = { x: 'x', w: 'w', aux: 'aux', acc: 'acc', out: 'y', full: 'y' };

/** Every buffer of a segment in placement order, as `take(layer index in segment, role, space,
 * bytes, copies)`: the one sizing rule both allocateSegment and segmentFits follow. */
function eachBuffer(q: QuantModel, seg: SegmentPlan, take: (i: number, role: BufferRole, space: 'nram' | 'wram', bytes: number, count: number) => void): void {
  const cnt = seg.double ? 2 : 1;
  const wb = DTYPE_BYTES[q.dtype];
  const last = seg.layers.length - 1;
  for (let i = 0; i <= last; i++) {
    const t = seg.layers[i]!;
    const L = q.layers[t.layer]!;
    const ib = DTYPE_BYTES[t.layer === 0 ? q.inputType : q.layers[t.layer - 1]!.outType];
    if (t.xMode === 'block') take(i, 'x', 'nram', seg.m * L.K * ib, cnt);
    if (t.xMode === 'tile') take(i, 'x', 'nram', seg.m * t.k * ib, cnt);
    if (t.wMode === 'resident') take(i, 'w', 'wram', L.K * L.N * wb, 1);
    if (t.wMode === 'panel') take(i, 'w', 'wram', L.K * t.n * wb, cnt);
    if (t.wMode === 'tile') take(i, 'w', 'wram', t.k * t.n * wb, cnt);
    const ap = auxBytesPerCol(L);
    if (t.auxResident) take(i, 'aux', 'nram', L.N * ap, 1);
    else take(i, 'aux', 'nram', t.n * ap, cnt);
    take(i, 'acc', 'nram', seg.m * t.n * 4, cnt);
    if (i < last) take(i, 'full', 'nram', seg.m * L.N * DTYPE_BYTES[L.outType], 1);
    else if (needsFullSoftmaxRows(q, t.layer, t)) take(i, 'full', 'nram', seg.m * L.N * 4, cnt);
    // fp32 results are written in place over the accumulator, so only integer outputs need tiles.
    else if (DTYPE_BYTES[L.outType] !== 4) take(i, 'out', 'nram', seg.m * t.n * DTYPE_BYTES[L.outType], cnt);
  }
}

/** Places every buffer of a segment; returns undefined when NRAM or WRAM would overflow. */
export function allocateSegment(q: QuantModel, seg: SegmentPlan, hw: HardwareConfig): SegmentBuffers | undefined {
  let nram = 0;
  let wram = 0;
  const layers = seg.layers.map((): Partial<LayerBuffers> => ({}));
  eachBuffer(q, seg, (i, role, space, bytes, count) => {
    const b = { name: `${q.layers[seg.layers[i]!.layer]!.name}.${ROLE_SUFFIX[role]}`, space, addr: space === 'nram' ? nram : wram, bytes: align(bytes), count };
    if (space === 'nram') nram += b.bytes * count;
    else wram += b.bytes * count;
    layers[i]![role] = b;
  });
  if (nram > hw.nram.bytes || wram > hw.wram.bytes) return undefined;
  return { layers: layers as LayerBuffers[], nramBytes: nram, wramBytes: wram };
}

/** Whether allocateSegment would place the segment, without building its buffers (the search
 * asks this of every candidate). */
export function segmentFits(q: QuantModel, seg: SegmentPlan, hw: HardwareConfig): boolean {
  let nram = 0;
  let wram = 0;
  eachBuffer(q, seg, (_i, _role, space, bytes, count) => {
    if (space === 'nram') nram += align(bytes) * count;
    else wram += align(bytes) * count;
  });
  return nram <= hw.nram.bytes && wram <= hw.wram.bytes;
}
