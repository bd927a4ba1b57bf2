// Pass 4: code generation. Lays out DRAM (weights, bias/slope vectors, input, intermediate
// activations, output as named regions), builds the DRAM image, and emits the loop nest of
// every segment as LOAD / MATMUL / ACT / STORE with bias, activation and requantisation fused
// into ACT. Buffers come from tile.ts's allocateSegment, so what the search sized is what runs.
import { DTYPE_BYTES, type ActFunc, type DType, type Instr, type LoadInstr, type StoreInstr } from '../../isa/spec.js';
import type { HardwareConfig } from '../../isa/hardware.js';
import { bestMatmulMapping, type MatmulDType } from '../../isa/timing.js';
import type { Program, Region } from '../../isa/program.js';
import { DlpError } from '../../isa/errors.js';
import type { QuantLayer, QuantModel } from './quantize.js';
import { allocateSegment, auxBytesPerCol, needsFullSoftmaxRows, type Buffer, type Schedule, type SegmentPlan } from './plan.js';
import { columnBlocks, panelLoads, residentLoads, type ColumnBlock, type KTile } from './sparsity.js';

/** Weight regions carry their values inline (self-contained .dlps) up to this many elements;
 * beyond it they are declared `zero` and the bundle's DRAM image holds the data. */
const INLINE_LIMIT = 1 << 20;
const DRAM_ALIGN = 64;

export interface Generated {
  program: Program;
  image: Uint8Array;
  /** Region name per role, for the bundle layout. */
  roles: { input: string; output: string; weights: string[]; aux: string[]; intermediates: string[] };
}

/** Column width of one ACT's parameter chunk: per-channel ACTs cover one column each. */
function auxChunk(q: QuantModel, n: number): number {
  return q.perChannel ? 1 : n;
}

/** Serialises bias (+ slopes) in chunks of `chunk` columns: [bias(c) slopes(c)] per chunk, so an
 * ACT over a chunk finds its slopes right after its bias (see actAuxBytes in the ISA docs). */
function auxBytes(L: QuantLayer, chunk: number): Uint8Array {
  const out = new Uint8Array(L.N * auxBytesPerCol(L));
  const view = new DataView(out.buffer);
  let at = 0;
  for (let c0 = 0; c0 < L.N; c0 += chunk) {
    const w = Math.min(chunk, L.N - c0);
    for (let c = c0; c < c0 + w; c++, at += 4) {
      if (L.bias instanceof Int32Array) view.setInt32(at, L.bias[c]!, true);
      else view.setFloat32(at, L.bias[c]!, true);
    }
    if (L.slopes) for (let c = c0; c < c0 + w; c++, at += 4) view.setFloat32(at, L.slopes[c]!, true);
  }
  return out;
}

function typedBytes(a: Int8Array | Int16Array | Int32Array | Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Region names per layer: identifiers derived from the layer names (made unique). */
export function regionNamesOf(q: QuantModel): { w: string[]; aux: string[]; out: string[] } {
  const used = new Set(['input', 'output']);
  const base = q.layers.map((L, l) => {
    let b = L.name.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(b)) b = `l${b}`;
    if (used.has(b)) b = `${b}_${l}`;
    used.add(b);
    return b;
  });
  return { w: base.map((b) => `${b}_w`), aux: base.map((b) => `${b}_aux`), out: base.map((b) => `${b}_out`) };
}

/** Lays out DRAM and fills the image. Returns regions by name. */
function layoutDram(q: QuantModel, sched: Schedule, hw: HardwareConfig) {
  const B = sched.batch;
  const regions: Region[] = [];
  const blobs = new Map<string, Uint8Array>();
  let top = 0;
  const add = (name: string, dtype: DType, shape: number[], scale: number | undefined, data?: Uint8Array, values?: () => number[]) => {
    const bytes = shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
    const r: Region = { name, dtype, shape, addr: top, init: values ? { kind: 'data', values: values() } : { kind: 'zero' } };
    if (scale !== undefined) r.scale = scale;
    regions.push(r);
    if (data) blobs.set(name, data);
    top += Math.ceil(bytes / DRAM_ALIGN) * DRAM_ALIGN;
    return r;
  };
  const paramCount = q.layers.reduce((a, L) => a + L.K * L.N + 2 * L.N, 0);
  const inline = paramCount <= INLINE_LIMIT;
  const tileOf = new Map<number, number>();
  for (const seg of sched.segments) for (const t of seg.layers) tileOf.set(t.layer, t.n);
  const roles: Generated['roles'] = { input: 'input', output: 'output', weights: [], aux: [], intermediates: [] };
  const names = regionNamesOf(q);
  q.layers.forEach((L, l) => {
    const w = add(names.w[l]!, L.dtype, [L.K, L.N], L.dtype === 'fp32' ? undefined : L.wScale[0], typedBytes(L.w),
      inline ? () => Array.from(L.w) : undefined);
    roles.weights.push(w.name);
    const aux = auxBytes(L, auxChunk(q, tileOf.get(l)!));
    const auxType: DType = L.bias instanceof Int32Array ? 'int32' : 'fp32';
    const view = new DataView(aux.buffer);
    const a = add(names.aux[l]!, auxType, [aux.length / 4], L.dtype === 'fp32' ? undefined : L.accScale[0], aux,
      inline ? () => Array.from({ length: aux.length / 4 }, (_, i) => auxType === 'int32' ? view.getInt32(4 * i, true) : view.getFloat32(4 * i, true)) : undefined);
    roles.aux.push(a.name);
  });
  add('input', q.inputType, [B, q.layers[0]!.K], q.inputType === 'fp32' ? undefined : q.inputScale);
  // Layers whose output leaves the chip (the last layer of a segment, except the model's last).
  const last = q.layers.length - 1;
  for (const seg of sched.segments) {
    const t = seg.layers[seg.layers.length - 1]!;
    if (t.layer === last) continue;
    const L = q.layers[t.layer]!;
    const r = add(names.out[t.layer]!, L.outType, [B, L.N], L.outType === 'fp32' ? undefined : L.outScale);
    roles.intermediates.push(r.name);
  }
  add('output', 'fp32', [B, q.layers[last]!.N], undefined);
  if (top > hw.dram.capacityBytes) {
    throw new DlpError(`the compiled model needs ${top} bytes of DRAM but hardware '${hw.name}' has ${hw.dram.capacityBytes}`);
  }
  const image = new Uint8Array(top);
  for (const r of regions) {
    const blob = blobs.get(r.name);
    if (blob) image.set(blob, r.addr);
  }
  return { regions, image, roles, byName: new Map(regions.map((r) => [r.name, r])) };
}

/** DRAM byte addresses a segment's loop nest reads and writes, by model layer index: the
 * layer's input and output activations, weights and bias/slope vector. */
interface DramAddrs {
  src(l: number): number;
  dst(l: number): number;
  w(l: number): number;
  aux(l: number): number;
}

/** DramAddrs over regions by name (input/output, then per-layer names of regionNamesOf). */
function addrsByName(q: QuantModel, byName: Map<string, Region>): DramAddrs {
  const names = regionNamesOf(q);
  const last = q.layers.length - 1;
  const at = (name: string) => byName.get(name)!.addr;
  return {
    src: (l) => at(l === 0 ? 'input' : names.out[l - 1]!),
    dst: (l) => at(l === last ? 'output' : names.out[l]!),
    w: (l) => at(names.w[l]!),
    aux: (l) => at(names.aux[l]!),
  };
}

/** Compiles a schedule into a program and its DRAM image. */
export function generateProgram(q: QuantModel, sched: Schedule, hw: HardwareConfig): Generated {
  const { regions, image, roles, byName } = layoutDram(q, sched, hw);
  const instrs: Instr[] = [];
  const layerNames: Record<number, string> = {};
  q.layers.forEach((L, l) => { layerNames[l + 1] = L.name; });
  const softmaxTag = q.layers.length + 1;
  const dram = addrsByName(q, byName);
  for (const seg of sched.segments) emitSegment(q, seg, sched.batch, hw, dram, instrs, layerNames, softmaxTag);
  instrs.push({ op: 'HALT', layer: 0 });
  return { program: { instrs, regions, layerNames }, image, roles };
}

/** The instructions of one segment over `rows` batch rows, with DRAM regions laid out
 * without data (no image): what the cost model's replay times. Ends with HALT. */
export function emitSegmentForTiming(q: QuantModel, seg: SegmentPlan, rows: number, hw: HardwareConfig): Instr[] {
  return emitSegmentsForTiming(q, [seg], rows, hw);
}

/** emitSegmentForTiming for consecutive segments (a whole schedule). Only the layers the
 * segments touch get DRAM regions (disjoint, so the scoreboard sees the same conflicts and the
 * DMA costs do not depend on addresses): the work is proportional to the segments, not to
 * the model, which keeps the tile search linear in depth. */
export function emitSegmentsForTiming(q: QuantModel, segs: readonly SegmentPlan[], rows: number, hw: HardwareConfig): Instr[] {
  const w = new Map<number, number>();
  const aux = new Map<number, number>();
  const out = new Map<number, number>();
  let top = 0;
  const add = (bytes: number) => {
    const addr = top;
    top += Math.ceil(bytes / DRAM_ALIGN) * DRAM_ALIGN;
    return addr;
  };
  const layers = [...new Set(segs.flatMap((seg) => seg.layers.map((t) => t.layer)))].sort((a, b) => a - b);
  for (const l of layers) {
    const L = q.layers[l]!;
    w.set(l, add(L.K * L.N * DTYPE_BYTES[L.dtype]));
    aux.set(l, add(L.N * auxBytesPerCol(L)));
    out.set(l, add(rows * L.N * 4));
    if (l > 0 && !out.has(l - 1)) out.set(l - 1, add(rows * q.layers[l - 1]!.N * 4));
  }
  const input = add(rows * q.layers[0]!.K * 4);
  const output = add(rows * q.layers[q.layers.length - 1]!.N * 4);
  const last = q.layers.length - 1;
  const dram: DramAddrs = {
    src: (l) => (l === 0 ? input : out.get(l - 1)!),
    dst: (l) => (l === last ? output : out.get(l)!),
    w: (l) => w.get(l)!,
    aux: (l) => aux.get(l)!,
  };
  const instrs: Instr[] = [];
  for (const seg of segs) emitSegment(q, seg, rows, hw, dram, instrs, {}, q.layers.length + 1);
  instrs.push({ op: 'HALT', layer: 0 });
  return instrs;
}

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

function emitSegment(
  q: QuantModel, seg: SegmentPlan, B: number, hw: HardwareConfig, dram: DramAddrs,
  out: Instr[], layerNames: Record<number, string>, softmaxTag: number,
): void {
  const bufs = allocateSegment(q, seg, hw);
  if (!bufs) throw new DlpError(`internal: segment plan does not fit hardware '${hw.name}'`);
  const emit = (i: Instr) => {
    out.push(i);
    if (seg.sync) out.push({ op: 'SYNC', layer: i.layer });
  };
  const wb = DTYPE_BYTES[q.dtype];
  const lastModel = q.layers.length - 1;
  const lastSeg = seg.layers.length - 1;
  // Layer index of each of the segment's layers (helpers below are handed the layer itself).
  const indexOf = new Map(seg.layers.map((t) => [q.layers[t.layer]!, t.layer]));
  const wAddr = (L: QuantLayer) => dram.w(indexOf.get(L)!);
  const auxAddrOf = (L: QuantLayer) => dram.aux(indexOf.get(L)!);
  const patterns = seg.layers.map((t) => columnBlocks(q.layers[t.layer]!, t.k, t.n));
  const slots = bufs.layers.map((lb) => ({
    x: lb.x && new Slots(lb.x), w: lb.w && new Slots(lb.w), aux: lb.aux && new Slots(lb.aux),
    acc: new Slots(lb.acc), out: lb.out && new Slots(lb.out), full: lb.full && new Slots(lb.full),
  }));

  // Segment prologue: resident weights and bias vectors.
  seg.layers.forEach((t, i) => {
    const L = q.layers[t.layer]!;
    const tag = t.layer + 1;
    const lb = bufs.layers[i]!;
    if (t.wMode === 'resident') {
      // Dense, or only the rectangles the kept tiles need (the DRAM layout stays dense).
      for (const r of residentLoads(L, t.k, t.n, hw)) {
        const at = (r.k0 * L.N + r.n0) * wb;
        emit(load({ dst: lb.w!.addr + at, space: 'wram', src: wAddr(L) + at, rows: r.rows, cols: r.cols, stride: L.N * wb, pitch: L.N, dtype: q.dtype, layer: tag }));
      }
    }
  });
  // Resident bias/slope vectors are first read by the first ACT, so their LOAD is emitted after
  // the first MATMUL's operand LOADs, not ahead of them: the MFU starts one DRAM latency earlier.
  const auxPending = seg.layers.map((t) => t.auxResident);
  const loadResidentAux = (i: number) => {
    if (!auxPending[i]) return;
    auxPending[i] = false;
    const L = q.layers[seg.layers[i]!.layer]!;
    const words = L.N * auxBytesPerCol(L) / 4;
    emit(load({ dst: bufs.layers[i]!.aux!.addr, space: 'nram', src: auxAddrOf(L), rows: 1, cols: words, stride: words * 4, pitch: words, dtype: 'int32', layer: seg.layers[i]!.layer + 1 }));
  };

  /** The ACTs (and softmax/store) that finish one m×nn output tile of layer i. */
  const finishTile = (i: number, r0: number, mr: number, n0: number, nn: number, acc: number, auxAddr: number, fullAddr: number | undefined) => {
    const t = seg.layers[i]!;
    const L = q.layers[t.layer]!;
    const lb = bufs.layers[i]!;
    const tag = t.layer + 1;
    const ob = DTYPE_BYTES[L.outType];
    let dst: number;
    let dstPitch: number;
    if (fullAddr !== undefined) {
      dst = fullAddr + n0 * ob;
      dstPitch = L.N;
    } else if (lb.out) {
      dst = slots[i]!.out!.take();
      dstPitch = nn;
    } else {
      dst = acc;
      dstPitch = nn;
    }
    const fuseSoftmax = q.softmax && t.layer === lastModel && !needsFullSoftmaxRows(q, t.layer, t);
    loadResidentAux(i);
    emitActs(q, L, { mr, n0, nn, acc, auxAddr, dst, dstPitch, tag, func: fuseSoftmax ? 'softmax' : L.func }, emit);
    if (i === lastSeg && fullAddr === undefined) {
      emit(store({ dst: dram.dst(t.layer) + (r0 * L.N + n0) * ob, src: dst, rows: mr, cols: nn, stride: L.N * ob, pitch: dstPitch, dtype: L.outType, layer: tag }));
    }
  };

  /** Softmax over full rows and the store of a finished row block (when rows were gathered). */
  const finishRows = (i: number, r0: number, mr: number, fullAddr: number) => {
    const t = seg.layers[i]!;
    const L = q.layers[t.layer]!;
    if (i !== lastSeg) return;
    emit({
      op: 'ACT', dst: fullAddr, src: fullAddr, rows: mr, cols: L.N, dstPitch: L.N, srcPitch: L.N, aux: 0, bias: 0,
      func: 'softmax', inType: 'fp32', outType: 'fp32', mult: 1, shift: 0, scale: 1, alpha: 0, layer: softmaxTag,
    });
    layerNames[softmaxTag] = 'softmax';
    emit(store({ dst: dram.dst(t.layer) + r0 * L.N * 4, src: fullAddr, rows: mr, cols: L.N, stride: L.N * 4, pitch: L.N, dtype: 'fp32', layer: t.layer + 1 }));
  };

  if (seg.order === 'rows') {
    for (let r0 = 0; r0 < B; r0 += seg.m) {
      const mr = Math.min(seg.m, B - r0);
      let prevFull = 0;
      seg.layers.forEach((t, i) => {
        const L = q.layers[t.layer]!;
        const tag = t.layer + 1;
        const lb = bufs.layers[i]!;
        const s = slots[i]!;
        const ib = DTYPE_BYTES[t.layer === 0 ? q.inputType : q.layers[t.layer - 1]!.outType];
        let xBlock = 0;
        if (t.xMode === 'block') {
          xBlock = s.x!.take();
          emit(load({ dst: xBlock, space: 'nram', src: dram.src(t.layer) + r0 * L.K * ib, rows: mr, cols: L.K, stride: L.K * ib, pitch: L.K, dtype: inTypeOf(q, t.layer), layer: tag }));
        }
        if (t.xMode === 'fused') xBlock = prevFull;
        const full = lb.full ? s.full!.take() : undefined;
        for (const block of patterns[i]!) {
          const { n0, nn } = block;
          const auxAddr = t.auxResident ? lb.aux!.addr + n0 * auxBytesPerCol(L) : loadAuxTile(s.aux!, L, n0, nn, tag);
          const acc = s.acc.take();
          keptTiles(block).forEach(({ k0, kk }, j) => {
            let inAddr: number;
            let inPitch: number;
            if (t.xMode === 'tile') {
              inAddr = s.x!.take();
              inPitch = kk;
              emit(load({ dst: inAddr, space: 'nram', src: dram.src(t.layer) + (r0 * L.K + k0) * ib, rows: mr, cols: kk, stride: L.K * ib, pitch: kk, dtype: inTypeOf(q, t.layer), layer: tag }));
            } else {
              inAddr = xBlock + k0 * ib;
              inPitch = L.K;
            }
            const w = weightTile(t.wMode, lb.w!, s.w!, L, k0, kk, n0, nn, tag);
            loadResidentAux(i);
            emit(matmul(hw, { out: acc, in: inAddr, w: w.addr, m: mr, k: kk, n: nn, inPitch, wPitch: w.pitch, acc: j > 0, dtype: q.dtype, layer: tag }));
          });
          finishTile(i, r0, mr, n0, nn, acc, auxAddr, full);
        }
        if (full !== undefined && i === lastSeg) finishRows(i, r0, mr, full);
        if (full !== undefined) prevFull = full;
      });
    }
  } else {
    const t = seg.layers[0]!;
    const L = q.layers[t.layer]!;
    const tag = t.layer + 1;
    const lb = bufs.layers[0]!;
    const s = slots[0]!;
    const ib = DTYPE_BYTES[inTypeOf(q, t.layer)];
    for (const block of patterns[0]!) {
      const { n0, nn } = block;
      const auxAddr = t.auxResident ? lb.aux!.addr + n0 * auxBytesPerCol(L) : loadAuxTile(s.aux!, L, n0, nn, tag);
      let panel = 0;
      if (t.wMode === 'panel') {
        panel = s.w!.take();
        for (const r of panelLoads(L, block, n0, hw)) {
          emit(load({ dst: panel + r.k0 * nn * wb, space: 'wram', src: wAddr(L) + (r.k0 * L.N + n0) * wb, rows: r.rows, cols: nn, stride: L.N * wb, pitch: nn, dtype: q.dtype, layer: tag }));
        }
      }
      for (let r0 = 0; r0 < B; r0 += seg.m) {
        const mr = Math.min(seg.m, B - r0);
        const full = lb.full ? s.full!.take() : undefined;
        const acc = s.acc.take();
        keptTiles(block).forEach(({ k0, kk }, j) => {
          const xa = s.x!.take();
          emit(load({ dst: xa, space: 'nram', src: dram.src(t.layer) + (r0 * L.K + k0) * ib, rows: mr, cols: kk, stride: L.K * ib, pitch: kk, dtype: inTypeOf(q, t.layer), layer: tag }));
          const w = t.wMode === 'panel' ? { addr: panel + k0 * nn * wb, pitch: nn } : weightTile('tile', lb.w!, s.w!, L, k0, kk, n0, nn, tag);
          loadResidentAux(0);
          emit(matmul(hw, { out: acc, in: xa, w: w.addr, m: mr, k: kk, n: nn, inPitch: kk, wPitch: w.pitch, acc: j > 0, dtype: q.dtype, layer: tag }));
        });
        finishTile(0, r0, mr, n0, nn, acc, auxAddr, full);
        if (full !== undefined) finishRows(0, r0, mr, full);
      }
    }
  }

  function loadAuxTile(sl: Slots, L: QuantLayer, n0: number, nn: number, tag: number): number {
    const a = sl.take();
    const per = auxBytesPerCol(L);
    const words = (nn * per) / 4;
    emit(load({ dst: a, space: 'nram', src: auxAddrOf(L) + n0 * per, rows: 1, cols: words, stride: words * 4, pitch: words, dtype: 'int32', layer: tag }));
    return a;
  }

  function weightTile(mode: string, buf: Buffer, sl: Slots, L: QuantLayer, k0: number, kk: number, n0: number, nn: number, tag: number) {
    if (mode === 'resident') return { addr: buf.addr + (k0 * L.N + n0) * wb, pitch: L.N };
    const a = sl.take();
    emit(load({ dst: a, space: 'wram', src: wAddr(L) + (k0 * L.N + n0) * wb, rows: kk, cols: nn, stride: L.N * wb, pitch: nn, dtype: q.dtype, layer: tag }));
    return { addr: a, pitch: nn };
  }
}

/** The MATMULs of a column block: its kept k-tiles (the first one starts the accumulator), or
 * for an all-zero block one 1-deep MATMUL of input column 0 by the zero weight row 0, which
 * writes exact zeros (docs/sparsity.md). */
function keptTiles(block: ColumnBlock): KTile[] {
  return block.kept.length > 0 ? block.kept : [{ k0: 0, kk: 1 }];
}

function inTypeOf(q: QuantModel, l: number): DType {
  return l === 0 ? q.inputType : q.layers[l - 1]!.outType;
}

interface ActSite {
  mr: number; n0: number; nn: number; acc: number; auxAddr: number; dst: number; dstPitch: number; tag: number;
  func: ActFunc;
}

/** One ACT per tile (per-tensor scales) or one per column (per-channel scales). */
function emitActs(q: QuantModel, L: QuantLayer, a: ActSite, emit: (i: Instr) => void): void {
  const inType: DType = L.dtype === 'fp32' ? 'fp32' : 'int32';
  const ob = DTYPE_BYTES[L.outType];
  const per = auxBytesPerCol(L);
  const groups = L.wScale.length === 1 ? [{ c0: 0, w: a.nn, s: 0 }] : Array.from({ length: a.nn }, (_, c) => ({ c0: c, w: 1, s: a.n0 + c }));
  for (const g of groups) {
    const rq = L.requant[g.s]!;
    emit({
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
  return { op: 'MATMUL', ...f, outPitch: f.n, acc: f.acc ? 1 : 0, swap };
}

/** A LOAD from its fields by name (the ISA's field names). */
function load(f: Omit<LoadInstr, 'op'>): Instr {
  return { op: 'LOAD', ...f };
}

/** A STORE from its fields by name (the ISA's field names). */
function store(f: Omit<StoreInstr, 'op'>): Instr {
  return { op: 'STORE', ...f };
}
