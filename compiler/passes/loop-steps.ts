// The steps both loop orders of codegen are made of (loop-orders.ts), over one shared context
// per segment: resident loads, operand tiles, the MATMULs of a column block, and the ACTs,
// softmax and STOREs that finish an output tile. `i` is a layer's index within the segment.
import { DTYPE_BYTES, type ActFunc, type DType, type Instr } from '../../isa/spec.js';
import type { HardwareConfig } from '../../isa/hardware.js';
import { bestMatmulMapping, type MatmulDType } from '../../isa/timing.js';
import { DlpError } from '../../isa/errors.js';
import type { QuantLayer, QuantModel } from './quantize.js';
import { allocateSegment, auxBytesPerCol, needsFullSoftmaxRows, type Buffer, type SegmentBuffers, type SegmentPlan } from './plan.js';
import { columnBlocks, panelLoads, residentLoads, type ColumnBlock, type KTile } from './sparsity.js';
import type { DramAddrs } from './dram-layout.js';

/** Cycles through the copies of a buffer. */
class Slots {
  private next = 0;
  constructor(readonly buf: Buffer) {}
  take(): number {
    const a = this.buf.addr + (this.next % this.buf.count) * this.buf.bytes;
    this.next++;
    return a;
  }
}

interface LayerSlots { x?: Slots; w?: Slots; aux?: Slots; acc: Slots; out?: Slots; full?: Slots }

/** One segment's loop nest being emitted: the plan, its buffers and DRAM addresses, and the
 * instruction list it appends to. */
export interface SegmentEmit {
  q: QuantModel;
  seg: SegmentPlan;
  hw: HardwareConfig;
  dram: DramAddrs;
  /** Batch rows the loop nest covers. */
  rows: number;
  bufs: SegmentBuffers;
  slots: LayerSlots[];
  /** Column blocks (kept k-tiles) per segment layer. */
  patterns: ColumnBlock[][];
  /** Resident bias vectors whose LOAD is still to be emitted, per segment layer. */
  auxPending: boolean[];
  /** Per segment layer: its model layer, index and tag (layerAt). */
  layerInfo: SegmentLayer[];
  out: Instr[];
  /** Layer tag → name; the softmax ACT adds its own tag. */
  layerNames: Record<number, string>;
  softmaxTag: number;
  /** When given, a rows-order loop nest appends out.length after each row block. */
  blockEnds?: number[];
}

/** A layer of the segment with what its steps need. */
interface SegmentLayer { L: QuantLayer; index: number; tag: number }

/** A MATMUL operand: its address and row pitch in elements. */
export interface Operand { addr: number; pitch: number }

/** The context of one segment: its buffers placed by allocateSegment (the search's own
 * allocation), their copy cycles and its column blocks. */
export function openSegment(
  q: QuantModel, seg: SegmentPlan, rows: number, hw: HardwareConfig, dram: DramAddrs,
  out: Instr[], layerNames: Record<number, string>, softmaxTag: number,
): SegmentEmit {
  const bufs = allocateSegment(q, seg, hw);
  if (!bufs) throw new DlpError(`internal: segment plan does not fit hardware '${hw.name}'`);
  const slots = bufs.layers.map((lb) => ({
    x: lb.x && new Slots(lb.x), w: lb.w && new Slots(lb.w), aux: lb.aux && new Slots(lb.aux),
    acc: new Slots(lb.acc), out: lb.out && new Slots(lb.out), full: lb.full && new Slots(lb.full),
  }));
  const patterns = seg.layers.map((t) => columnBlocks(q.layers[t.layer]!, t.k, t.n));
  const layerInfo = seg.layers.map((t): SegmentLayer => ({ L: q.layers[t.layer]!, index: t.layer, tag: t.layer + 1 }));
  return { q, seg, hw, dram, rows, bufs, slots, patterns, auxPending: seg.layers.map((t) => t.auxResident), layerInfo, out, layerNames, softmaxTag };
}

/** Appends an instruction; the naive schedule follows each with a SYNC. */
function emit(c: SegmentEmit, i: Instr): void {
  c.out.push(i);
  if (c.seg.sync) c.out.push({ op: 'SYNC', layer: i.layer });
}

/** Segment layer i: the model layer, its index and its layer tag (index + 1). */
function layerAt(c: SegmentEmit, i: number): SegmentLayer {
  return c.layerInfo[i]!;
}

function inTypeOf(q: QuantModel, l: number): DType {
  return l === 0 ? q.inputType : q.layers[l - 1]!.outType;
}

/** Segment prologue: resident weights, dense or only the rectangles the kept tiles need (the
 * DRAM layout stays dense). */
export function loadResidentWeights(c: SegmentEmit): void {
  const wb = DTYPE_BYTES[c.q.dtype];
  c.seg.layers.forEach((t, i) => {
    if (t.wMode !== 'resident') return;
    const { L, index, tag } = layerAt(c, i);
    for (const r of residentLoads(L, t.k, t.n, c.hw)) {
      const at = (r.k0 * L.N + r.n0) * wb;
      emit(c, { op: 'LOAD', dst: c.bufs.layers[i]!.w!.addr + at, space: 'wram', src: c.dram.w(index) + at, rows: r.rows, cols: r.cols, stride: L.N * wb, pitch: L.N, dtype: c.q.dtype, layer: tag });
    }
  });
}

/** Resident bias/slope vectors are first read by the first ACT, so their LOAD is emitted after
 * the first MATMUL's operand LOADs, not ahead of them: the MFU starts one DRAM latency earlier. */
function loadResidentAux(c: SegmentEmit, i: number): void {
  if (!c.auxPending[i]) return;
  c.auxPending[i] = false;
  const { L, index, tag } = layerAt(c, i);
  const words = L.N * auxBytesPerCol(L) / 4;
  emit(c, { op: 'LOAD', dst: c.bufs.layers[i]!.aux!.addr, space: 'nram', src: c.dram.aux(index), rows: 1, cols: words, stride: words * 4, pitch: words, dtype: 'int32', layer: tag });
}

/** NRAM address of the bias/slopes of columns n0..n0+nn: in the resident vector, or loaded. */
export function auxTile(c: SegmentEmit, i: number, n0: number, nn: number): number {
  const { L, index, tag } = layerAt(c, i);
  const per = auxBytesPerCol(L);
  if (c.seg.layers[i]!.auxResident) return c.bufs.layers[i]!.aux!.addr + n0 * per;
  const a = c.slots[i]!.aux!.take();
  const words = (nn * per) / 4;
  emit(c, { op: 'LOAD', dst: a, space: 'nram', src: c.dram.aux(index) + n0 * per, rows: 1, cols: words, stride: words * 4, pitch: words, dtype: 'int32', layer: tag });
  return a;
}

/** Loads input rows r0..r0+mr, columns k0..k0+kk (all K columns for a block) into the next
 * input buffer. */
export function loadInput(c: SegmentEmit, i: number, r0: number, mr: number, k0: number, kk: number): Operand {
  const { L, index, tag } = layerAt(c, i);
  const inType = inTypeOf(c.q, index);
  const ib = DTYPE_BYTES[inType];
  const addr = c.slots[i]!.x!.take();
  emit(c, { op: 'LOAD', dst: addr, space: 'nram', src: c.dram.src(index) + (r0 * L.K + k0) * ib, rows: mr, cols: kk, stride: L.K * ib, pitch: kk, dtype: inType, layer: tag });
  return { addr, pitch: kk };
}

/** The m×k input tile at column k0 of an m×K input block in NRAM. */
export function blockTile(c: SegmentEmit, i: number, block: number, k0: number): Operand {
  const { L, index } = layerAt(c, i);
  return { addr: block + k0 * DTYPE_BYTES[inTypeOf(c.q, index)], pitch: L.K };
}

/** The k×n weight tile at (k0, n0): inside the resident weights, or loaded into the next tile buffer. */
export function weightTile(c: SegmentEmit, i: number, resident: boolean, k0: number, kk: number, n0: number, nn: number): Operand {
  const { L, index, tag } = layerAt(c, i);
  const wb = DTYPE_BYTES[c.q.dtype];
  if (resident) return { addr: c.bufs.layers[i]!.w!.addr + (k0 * L.N + n0) * wb, pitch: L.N };
  const addr = c.slots[i]!.w!.take();
  emit(c, { op: 'LOAD', dst: addr, space: 'wram', src: c.dram.w(index) + (k0 * L.N + n0) * wb, rows: kk, cols: nn, stride: L.N * wb, pitch: nn, dtype: c.q.dtype, layer: tag });
  return { addr, pitch: nn };
}

/** Loads the K×nn weight panel of a column block (only the rows its kept tiles need). */
export function loadPanel(c: SegmentEmit, i: number, block: ColumnBlock): number {
  const { L, index, tag } = layerAt(c, i);
  const wb = DTYPE_BYTES[c.q.dtype];
  const { n0, nn } = block;
  const panel = c.slots[i]!.w!.take();
  for (const r of panelLoads(L, block, n0, c.hw)) {
    emit(c, { op: 'LOAD', dst: panel + r.k0 * nn * wb, space: 'wram', src: c.dram.w(index) + (r.k0 * L.N + n0) * wb, rows: r.rows, cols: nn, stride: L.N * wb, pitch: nn, dtype: c.q.dtype, layer: tag });
  }
  return panel;
}

/** The k×nn weight tile at row k0 of a loaded panel. */
export function panelTile(c: SegmentEmit, panel: number, k0: number, nn: number): Operand {
  return { addr: panel + k0 * nn * DTYPE_BYTES[c.q.dtype], pitch: nn };
}

/** The MATMULs of a column block into accumulator `acc`: per kept k-tile its input and weight
 * operands (in that order, each may emit its LOAD), then the MATMUL (the first one starts the
 * accumulator). An all-zero block gets one 1-deep MATMUL of input column 0 by the zero weight
 * row 0, which writes exact zeros (docs/sparsity.md). */
export function accumulate(
  c: SegmentEmit, i: number, mr: number, block: ColumnBlock, acc: number,
  input: (k0: number, kk: number) => Operand, weight: (k0: number, kk: number) => Operand,
): void {
  const kept: KTile[] = block.kept.length > 0 ? block.kept : [{ k0: 0, kk: 1 }];
  const { tag } = layerAt(c, i);
  for (let j = 0; j < kept.length; j++) {
    const { k0, kk } = kept[j]!;
    const x = input(k0, kk);
    const w = weight(k0, kk);
    loadResidentAux(c, i);
    emit(c, matmul(c.hw, { out: acc, in: x.addr, w: w.addr, m: mr, k: kk, n: block.nn, inPitch: x.pitch, wPitch: w.pitch, acc: j > 0, dtype: c.q.dtype, layer: tag }));
  }
}

/** The ACTs (and STORE) that finish one mr×nn output tile of segment layer i: into the full-row
 * buffer, an output tile buffer, or in place. */
export function finishTile(c: SegmentEmit, i: number, r0: number, mr: number, n0: number, nn: number, acc: number, auxAddr: number, fullAddr: number | undefined): void {
  const t = c.seg.layers[i]!;
  const { L, index, tag } = layerAt(c, i);
  const ob = DTYPE_BYTES[L.outType];
  let dst: number;
  let dstPitch: number;
  if (fullAddr !== undefined) {
    dst = fullAddr + n0 * ob;
    dstPitch = L.N;
  } else if (c.bufs.layers[i]!.out) {
    dst = c.slots[i]!.out!.take();
    dstPitch = nn;
  } else {
    dst = acc;
    dstPitch = nn;
  }
  const fuseSoftmax = c.q.softmax && index === c.q.layers.length - 1 && !needsFullSoftmaxRows(c.q, index, t);
  loadResidentAux(c, i);
  emitActs(c, L, { mr, n0, nn, acc, auxAddr, dst, dstPitch, tag, func: fuseSoftmax ? 'softmax' : L.func });
  if (i === c.seg.layers.length - 1 && fullAddr === undefined) {
    emit(c, { op: 'STORE', dst: c.dram.dst(index) + (r0 * L.N + n0) * ob, src: dst, rows: mr, cols: nn, stride: L.N * ob, pitch: dstPitch, dtype: L.outType, layer: tag });
  }
}

/** Softmax over full rows and the store of a finished row block, for the segment's last layer
 * (its rows were gathered in `fullAddr`); other layers' full rows feed the next layer. */
export function finishRows(c: SegmentEmit, i: number, r0: number, mr: number, fullAddr: number): void {
  if (i !== c.seg.layers.length - 1) return;
  const { L, index, tag } = layerAt(c, i);
  emit(c, {
    op: 'ACT', dst: fullAddr, src: fullAddr, rows: mr, cols: L.N, dstPitch: L.N, srcPitch: L.N, aux: 0, bias: 0,
    func: 'softmax', inType: 'fp32', outType: 'fp32', mult: 1, shift: 0, scale: 1, alpha: 0, layer: c.softmaxTag,
  });
  c.layerNames[c.softmaxTag] = 'softmax';
  emit(c, { op: 'STORE', dst: c.dram.dst(index) + r0 * L.N * 4, src: fullAddr, rows: mr, cols: L.N, stride: L.N * 4, pitch: L.N, dtype: 'fp32', layer: tag });
}

interface ActSite {
  mr: number; n0: number; nn: number; acc: number; auxAddr: number; dst: number; dstPitch: number; tag: number;
  func: ActFunc;
}

/** One ACT per tile (per-tensor scales) or one per column (per-channel scales). */
function emitActs(c: SegmentEmit, L: QuantLayer, a: ActSite): void {
  const inType: DType = L.dtype === 'fp32' ? 'fp32' : 'int32';
  const ob = DTYPE_BYTES[L.outType];
  const per = auxBytesPerCol(L);
  const groups = L.wScale.length === 1 ? [{ c0: 0, w: a.nn, s: 0 }] : Array.from({ length: a.nn }, (_, col) => ({ c0: col, w: 1, s: a.n0 + col }));
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    const rq = L.requant[g.s]!;
    emit(c, {
      op: 'ACT', dst: a.dst + g.c0 * ob, src: a.acc + g.c0 * 4, rows: a.mr, cols: g.w, dstPitch: a.dstPitch, srcPitch: a.nn,
      aux: a.auxAddr + g.c0 * per, bias: 1, func: a.func, inType, outType: L.outType,
      mult: rq.mult, shift: rq.shift, scale: L.path === 'fp32' ? 1 : L.accScale[g.s]!, alpha: Math.fround(L.alpha), layer: a.tag,
    });
  }
}

/** A MATMUL into an m×n accumulator, mapped onto the MFU whichever way is cheaper (the swap
 * flag changes the cost, never the result; see bestMatmulMapping). */
function matmul(
  hw: HardwareConfig,
  f: { out: number; in: number; w: number; m: number; k: number; n: number; inPitch: number; wPitch: number; acc: boolean; dtype: DType; layer: number },
): Instr {
  const swap = bestMatmulMapping(hw, f.m, f.k, f.n, f.dtype as MatmulDType).swap ? 1 : 0;
  // Field by field in the order of f (the order instructions have always listed them).
  return {
    op: 'MATMUL', out: f.out, in: f.in, w: f.w, m: f.m, k: f.k, n: f.n, inPitch: f.inPitch, wPitch: f.wPitch,
    acc: f.acc ? 1 : 0, dtype: f.dtype, layer: f.layer, outPitch: f.n, swap,
  };
}
