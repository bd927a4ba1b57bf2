// Codegen's DRAM layout: named regions for weights, bias/slope vectors, input, intermediate
// activations and output, the DRAM image holding their data, and the byte addresses the loop
// nests read and write (also for the replay's data-free layout of a few segments).
import { DTYPE_BYTES, type DType } from '../../isa/spec.js';
import type { HardwareConfig } from '../../isa/hardware.js';
import type { Region } from '../../isa/program.js';
import { DlpError } from '../../isa/errors.js';
import type { QuantLayer, QuantModel } from './quantize.js';
import { auxBytesPerCol, type Schedule, type SegmentPlan } from './plan.js';

/** Weight regions carry their values inline (self-contained .dlps) up to this many elements;
 * beyond it (or when the caller asks for no inline data) they are declared `zero` and the
 * bundle's DRAM image holds the data. */
const INLINE_LIMIT = 1 << 20;
const DRAM_ALIGN = 64;

const alignDram = (bytes: number) => Math.ceil(bytes / DRAM_ALIGN) * DRAM_ALIGN;

/** Region name per role, for the bundle layout. */
export interface RegionRoles { input: string; output: string; weights: string[]; aux: string[]; intermediates: string[] }

/** DRAM byte addresses a segment's loop nest reads and writes, by model layer index: the
 * layer's input and output activations, weights and bias/slope vector. */
export interface DramAddrs {
  src(l: number): number;
  dst(l: number): number;
  w(l: number): number;
  aux(l: number): number;
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
function regionNamesOf(q: QuantModel): { w: string[]; aux: string[]; out: string[] } {
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

/** Lays out DRAM for a whole schedule and fills the image: regions, their roles, and the
 * addresses the loop nests use. `inline` false keeps every value out of the regions (only the
 * image holds them), for a caller that never writes the program out. */
export function layoutDram(q: QuantModel, sched: Schedule, hw: HardwareConfig, inline = true): { regions: Region[]; image: Uint8Array; roles: RegionRoles; dram: DramAddrs } {
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
    top += alignDram(bytes);
    return r;
  };
  const paramCount = q.layers.reduce((a, L) => a + L.K * L.N + 2 * L.N, 0);
  const inlineValues = inline && paramCount <= INLINE_LIMIT;
  const tileOf = new Map<number, number>();
  for (const seg of sched.segments) for (const t of seg.layers) tileOf.set(t.layer, t.n);
  const roles: RegionRoles = { input: 'input', output: 'output', weights: [], aux: [], intermediates: [] };
  const names = regionNamesOf(q);
  q.layers.forEach((L, l) => {
    const w = add(names.w[l]!, L.dtype, [L.K, L.N], L.dtype === 'fp32' ? undefined : L.wScale[0], typedBytes(L.w),
      inlineValues ? () => Array.from(L.w) : undefined);
    roles.weights.push(w.name);
    const aux = auxBytes(L, auxChunk(q, tileOf.get(l)!));
    const auxType: DType = L.bias instanceof Int32Array ? 'int32' : 'fp32';
    const view = new DataView(aux.buffer);
    const a = add(names.aux[l]!, auxType, [aux.length / 4], L.dtype === 'fp32' ? undefined : L.accScale[0], aux,
      inlineValues ? () => Array.from({ length: aux.length / 4 }, (_, i) => auxType === 'int32' ? view.getInt32(4 * i, true) : view.getFloat32(4 * i, true)) : undefined);
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
  const byName = new Map(regions.map((r) => [r.name, r]));
  const at = (name: string) => byName.get(name)!.addr;
  const dram: DramAddrs = {
    src: (l) => at(l === 0 ? 'input' : names.out[l - 1]!),
    dst: (l) => at(l === last ? 'output' : names.out[l]!),
    w: (l) => at(names.w[l]!),
    aux: (l) => at(names.aux[l]!),
  };
  return { regions, image, roles, dram };
}

/** Addresses for timing consecutive segments over `rows` batch rows, without data. Only the
 * layers the segments touch get DRAM regions (disjoint, so the scoreboard sees the same
 * conflicts and the DMA costs do not depend on addresses): the work is proportional to the
 * segments, not to the model, which keeps the tile search linear in depth. */
export function timingAddrs(q: QuantModel, segs: readonly SegmentPlan[], rows: number): DramAddrs {
  const w = new Map<number, number>();
  const aux = new Map<number, number>();
  const out = new Map<number, number>();
  let top = 0;
  const add = (bytes: number) => {
    const addr = top;
    top += alignDram(bytes);
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
  return {
    src: (l) => (l === 0 ? input : out.get(l - 1)!),
    dst: (l) => (l === last ? output : out.get(l)!),
    w: (l) => w.get(l)!,
    aux: (l) => aux.get(l)!,
  };
}
