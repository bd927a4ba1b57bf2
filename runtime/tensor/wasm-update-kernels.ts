// The optimiser update kernels (SGD, momentum, Nesterov momentum, Adam) as WebAssembly f64x2
// SIMD functions, bit-identical to the JavaScript loops in optim.ts (wasm-update.ts says how).
// Two modules carry them: the optimiser's own (wasm-update.ts, parameters copied in and out)
// and the matmul kernels' (wasm-module.ts), which update parameters resident in the kernels'
// shared memory in place, split by rows of 4 floats with the worker thread (simd.ts).
import { Body, F64, I32, V128, type FuncDef } from '../../kernels/wasm-encoder.js';

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

/** The update kernels, in the order both modules list them. */
export function updateFunctions(): FuncDef[] {
  return [sgd(), momentum(false), momentum(true), adam()];
}

export type Ptr = number;
/** The kernels' exports. Every pointer argument comes first and advances 4 bytes per float;
 * the float count (a multiple of 4) follows them (UPDATE_COUNT_ARG), the f64 scalars last. */
export interface UpdateExports {
  sgd(w: Ptr, g: Ptr, n: number, lr: number): void;
  momentum(w: Ptr, g: Ptr, v: Ptr, n: number, mu: number, lr: number): void;
  nesterov(w: Ptr, g: Ptr, v: Ptr, n: number, mu: number, lr: number): void;
  adam(w: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, b1: number, c1: number, b2: number, c2: number, a: number, eps: number): void;
}

/** Each update kernel's float-count argument, which is also how many pointers precede it. */
export const UPDATE_COUNT_ARG: Record<keyof UpdateExports, number> = { sgd: 2, momentum: 3, nesterov: 3, adam: 4 };
