// Optimiser updates (SGD, momentum, Nesterov momentum, Adam) as WebAssembly f64x2 SIMD
// loops, bit-identical to the JavaScript loops in optim.ts: JavaScript computes each update in
// double precision and rounds to f32 on store, so these kernels widen every f32 operand to
// f64, apply the same operations in the same order (wasm never fuses multiply-add; f64 sqrt
// and division are correctly rounded) and round once on store. The per-step constants
// ((1−β1), (1−β2), the bias-corrected step a, …) are computed in JavaScript and passed in.
//
// A `WasmUpdater` owns one linear memory: per parameter (keyed by object identity) it keeps
// regions for the values, the gradients and the optimiser state (velocity, or Adam's two
// moments), so the state never leaves wasm memory; each step copies w and g in and w out.
// Parameters resident in the matmul kernels' memory (kernelFloats) skip the copies: the same
// kernels, instantiated on that memory, update them in place, with resident state.
// Regions are padded to 4 floats; padding holds zeros that the kernels keep finite.
import { assembleModule, Body, F64, I32, V128, wasmApi, type FuncDef, type WasmMemory } from '../../kernels/wasm-encoder.js';
import { simdKernels } from './simd.js';

const PARAM_PTRS = (n: number): number[] => new Array<number>(n).fill(I32);

/**
 * Emits `body` for byte offsets 0 and 8 of each 16-byte group (4 floats, two f64x2 halves),
 * then advances every pointer in `ptrs` by 16 until ptrs[0] reaches `end`.
 */
function loop4(b: Body, ptrs: number[], end: number, body: (x: Body, off: number) => void): void {
  b.loop((l) => {
    l.get(ptrs[0]!).get(end).geU().exitIf();
    body(l, 0);
    body(l, 8);
    for (const p of ptrs) l.inc(p, 16);
  });
}

/** w = f32(w − lr·g) — params (w, g, n, lr f64); n a multiple of 4. */
function sgd(): FuncDef {
  const [w, g, n, lr, end, LR] = [0, 1, 2, 3, 4, 5];
  const b = new Body();
  b.get(n).i32(2).shl().get(w).add().set(end);
  b.get(lr).splatD().set(LR);
  loop4(b, [w, g], end, (x, o) => {
    x.get(w).get(w).loadF32x2AsF64(o).get(LR).get(g).loadF32x2AsF64(o).dmul().dsub().demote().storeLow64(o);
  });
  return { name: 'sgd', params: [I32, I32, I32, F64], results: [], locals: [I32, V128], body: b };
}

/**
 * vi = μ·v − lr·g; v = f32(vi); w = f32(w + vi), or with Nesterov w = f32(w + (μ·vi − lr·g))
 * — params (w, g, v, n, mu f64, lr f64).
 */
function momentum(nesterov: boolean): FuncDef {
  const [w, g, v, n, mu, lr, end, MU, LR, gd, vi] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const b = new Body();
  b.get(n).i32(2).shl().get(w).add().set(end);
  b.get(mu).splatD().set(MU).get(lr).splatD().set(LR);
  loop4(b, [w, g, v], end, (x, o) => {
    x.get(g).loadF32x2AsF64(o).set(gd);
    x.get(MU).get(v).loadF32x2AsF64(o).dmul().get(LR).get(gd).dmul().dsub().set(vi);
    x.get(v).get(vi).demote().storeLow64(o);
    x.get(w).get(w).loadF32x2AsF64(o);
    if (nesterov) x.get(MU).get(vi).dmul().get(LR).get(gd).dmul().dsub();
    else x.get(vi);
    x.dadd().demote().storeLow64(o);
  });
  const name = nesterov ? 'nesterov' : 'momentum';
  return { name, params: [...PARAM_PTRS(4), F64, F64], results: [], locals: [I32, V128, V128, V128, V128], body: b };
}

/**
 * mi = β1·m + (1−β1)·g; vi = β2·v + (1−β2)·g·g; m = f32(mi); v = f32(vi);
 * w = f32(w − (a·mi)/(√vi + ε)) — params (w, g, m, v, n, b1, c1, b2, c2, a, eps), the last
 * six f64 with c1 = 1−β1, c2 = 1−β2.
 */
function adam(): FuncDef {
  const [w, g, m, v, n] = [0, 1, 2, 3, 4];
  const [b1, c1, b2, c2, a, eps] = [5, 6, 7, 8, 9, 10];
  const end = 11;
  const [B1, C1, B2, C2, A, E, gd, mi, vi] = [12, 13, 14, 15, 16, 17, 18, 19, 20];
  const b = new Body();
  b.get(n).i32(2).shl().get(w).add().set(end);
  b.get(b1).splatD().set(B1).get(c1).splatD().set(C1).get(b2).splatD().set(B2);
  b.get(c2).splatD().set(C2).get(a).splatD().set(A).get(eps).splatD().set(E);
  loop4(b, [w, g, m, v], end, (x, o) => {
    x.get(g).loadF32x2AsF64(o).set(gd);
    x.get(B1).get(m).loadF32x2AsF64(o).dmul().get(C1).get(gd).dmul().dadd().set(mi);
    x.get(B2).get(v).loadF32x2AsF64(o).dmul().get(C2).get(gd).dmul().get(gd).dmul().dadd().set(vi);
    x.get(m).get(mi).demote().storeLow64(o);
    x.get(v).get(vi).demote().storeLow64(o);
    x.get(w).get(w).loadF32x2AsF64(o).get(A).get(mi).dmul().get(vi).dsqrt().get(E).dadd().ddiv().dsub();
    x.demote().storeLow64(o);
  });
  const locals = [I32, ...new Array<number>(9).fill(V128)];
  return { name: 'adam', params: [...PARAM_PTRS(5), F64, F64, F64, F64, F64, F64], results: [], locals, body: b };
}

/** The optimiser module's bytes (its own, unshared memory). */
export function buildUpdateModule(): Uint8Array {
  return assembleModule([sgd(), momentum(false), momentum(true), adam()], { shared: false });
}

type Ptr = number;
interface UpdateExports {
  sgd(w: Ptr, g: Ptr, n: number, lr: number): void;
  momentum(w: Ptr, g: Ptr, v: Ptr, n: number, mu: number, lr: number): void;
  nesterov(w: Ptr, g: Ptr, v: Ptr, n: number, mu: number, lr: number): void;
  adam(w: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, b1: number, c1: number, b2: number, c2: number, a: number, eps: number): void;
}

/** Float offsets of one parameter's regions: values, gradients, then state regions. */
interface Slot {
  n: number;
  padded: number;
  w: number;
  g: number;
  s: number[];
}

export interface WasmUpdater {
  /** w ← f32(w − lr·g). */
  sgd(key: object, w: Float32Array, g: Float32Array, lr: number): void;
  /** Momentum (or Nesterov) step with the velocity kept for `key`. */
  momentum(key: object, w: Float32Array, g: Float32Array, mu: number, lr: number, nesterov: boolean): void;
  /** Adam step with the moments kept for `key`; c1 = 1−β1, c2 = 1−β2, a the corrected step. */
  adam(key: object, w: Float32Array, g: Float32Array, b1: number, c1: number, b2: number, c2: number, a: number, eps: number): void;
}

let compiled: object | null | undefined;

/** A fresh updater (with empty state), or undefined without WebAssembly SIMD or with DLP_NO_SIMD=1. */
export function createWasmUpdater(): WasmUpdater | undefined {
  const wasm = wasmApi();
  if (!wasm || process.env.DLP_NO_SIMD === '1') return undefined;
  if (compiled === undefined) {
    try {
      compiled = new wasm.Module(buildUpdateModule());
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return undefined;
  const memory = new wasm.Memory({ initial: 1 });
  const k = new wasm.Instance(compiled, { env: { mem: memory } }).exports as unknown as UpdateExports;
  return updaterOver(memory, k, inPlaceKernels());
}

/**
 * The update kernels instantiated on the matmul kernels' memory, for parameters resident there
 * (no copy in or out): `regions` gives the float offsets of w and g (and their padded length)
 * when both are whole resident regions, `alloc` makes resident state regions.
 */
interface InPlace {
  k: UpdateExports;
  regions(w: Float32Array, g: Float32Array): [number, number, number] | undefined;
  alloc(n: number): Float32Array;
}
let inPlace: InPlace | null | undefined;

function inPlaceKernels(): InPlace | undefined {
  if (inPlace === undefined) {
    inPlace = null;
    const kernels = simdKernels();
    const wasm = wasmApi();
    if (kernels && wasm && kernels.alloc(0)) {
      try {
        const module = new wasm.Module(assembleModule([sgd(), momentum(false), momentum(true), adam()], { shared: true, maxPages: 65536 }));
        const k = new wasm.Instance(module, { env: { mem: kernels.memory } }).exports as unknown as UpdateExports;
        inPlace = {
          k,
          regions(w, g) {
            const padded = (w.length + 3) & ~3;
            const ow = kernels.regionOf(w, padded);
            const og = kernels.regionOf(g, padded);
            return ow < 0 || og < 0 || g.length !== w.length ? undefined : [ow * 4, og * 4, padded];
          },
          alloc: (n) => kernels.alloc(n)!,
        };
      } catch {
        inPlace = null;
      }
    }
  }
  return inPlace ?? undefined;
}

function updaterOver(memory: WasmMemory, k: UpdateExports, direct: InPlace | undefined): WasmUpdater {
  /** Optimiser state of resident parameters, itself resident (zeroed, as the slots are). */
  const residentState = new Map<object, Float32Array[]>();
  /** Byte offsets (w, g, state…) and padded length when w and g are resident, else undefined. */
  const inPlaceArgs = (key: object, w: Float32Array, g: Float32Array, states: number): number[] | undefined => {
    const r = direct?.regions(w, g);
    if (!r) return undefined;
    let st = residentState.get(key);
    if (!st || st.length !== states || (states > 0 && st[0]!.length !== r[2])) residentState.set(key, (st = Array.from({ length: states }, () => direct!.alloc(r[2]))));
    return [r[0], r[1], ...st.map((v) => v.byteOffset), r[2]];
  };
  let heap = new Float32Array(memory.buffer);
  let end = 0;
  const slots = new Map<object, Slot>();

  /** The regions of `key`, allocated (zeroed, as fresh memory is) on first use. */
  const slotOf = (key: object, n: number, states: number): Slot => {
    const found = slots.get(key);
    if (found && found.n === n) return found;
    const padded = (n + 3) & ~3;
    const base = end;
    end += padded * (2 + states);
    if (end * 4 > memory.buffer.byteLength) memory.grow(Math.ceil((end * 4 - memory.buffer.byteLength) / 65536));
    // grow() detaches the old buffer: views must be re-made.
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
    const s = Array.from({ length: states }, (_, i) => base + padded * (2 + i));
    const slot: Slot = { n, padded, w: base, g: base + padded, s };
    slots.set(key, slot);
    return slot;
  };
  const load = (slot: Slot, w: Float32Array, g: Float32Array): void => {
    heap.set(w.subarray(0, slot.n), slot.w);
    heap.set(g.subarray(0, slot.n), slot.g);
  };
  const unload = (slot: Slot, w: Float32Array): void => {
    w.set(heap.subarray(slot.w, slot.w + slot.n));
  };

  return {
    sgd(key, w, g, lr) {
      const d = inPlaceArgs(key, w, g, 0);
      if (d) return direct!.k.sgd(d[0]!, d[1]!, d[2]!, lr);
      const s = slotOf(key, w.length, 0);
      load(s, w, g);
      k.sgd(s.w * 4, s.g * 4, s.padded, lr);
      unload(s, w);
    },
    momentum(key, w, g, mu, lr, nesterov) {
      const d = inPlaceArgs(key, w, g, 1);
      if (d) return (nesterov ? direct!.k.nesterov : direct!.k.momentum)(d[0]!, d[1]!, d[2]!, d[3]!, mu, lr);
      const s = slotOf(key, w.length, 1);
      load(s, w, g);
      (nesterov ? k.nesterov : k.momentum)(s.w * 4, s.g * 4, s.s[0]! * 4, s.padded, mu, lr);
      unload(s, w);
    },
    adam(key, w, g, b1, c1, b2, c2, a, eps) {
      const d = inPlaceArgs(key, w, g, 2);
      if (d) return direct!.k.adam(d[0]!, d[1]!, d[2]!, d[3]!, d[4]!, b1, c1, b2, c2, a, eps);
      const s = slotOf(key, w.length, 2);
      load(s, w, g);
      k.adam(s.w * 4, s.g * 4, s.s[0]! * 4, s.s[1]! * 4, s.padded, b1, c1, b2, c2, a, eps);
      unload(s, w);
    },
  };
}
