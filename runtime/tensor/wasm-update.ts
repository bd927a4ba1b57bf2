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
// kernels, in the matmul kernels' module (simd.ts `updates`, split with its worker when big),
// update them in place, with resident state.
// Regions are padded to 4 floats; padding holds zeros that the kernels keep finite.
import { assembleModule, wasmApi, type WasmMemory } from '../../kernels/wasm-encoder.js';
import { updateFunctions, type UpdateExports } from './wasm-update-kernels.js';
import { simdKernels } from './simd.js';

/** The optimiser module's bytes (its own, unshared memory). */
export function buildUpdateModule(): Uint8Array {
  return assembleModule(updateFunctions(), { shared: false });
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
 * The update kernels of the matmul kernels' module, for parameters resident in its memory
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
    if (kernels && kernels.alloc(0)) {
      inPlace = {
        k: kernels.updates,
        regions(w, g) {
          const padded = (w.length + 3) & ~3;
          const ow = kernels.regionOf(w, padded);
          const og = kernels.regionOf(g, padded);
          return ow < 0 || og < 0 || g.length !== w.length ? undefined : [ow * 4, og * 4, padded];
        },
        alloc: (n) => kernels.alloc(n)!,
      };
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
