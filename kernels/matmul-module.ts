// The WebAssembly SIMD module behind the simulator's MATMUL (see tile-matmul.ts for the
// driver). Integer tiles go through i16 pairs: W is packed so that one v128 holds
// (W[2q][j], W[2q+1][j]) for four columns j, the input pair (x[2q], x[2q+1]) is splatted, and
// i32x4.dot_i16x8_s does eight multiply-adds into four int32 lanes. Integer sums wrap modulo
// 2^32, so any summation order gives the device's exact result. fp32 tiles are summed in
// f64x2 lanes in order p = 0..k-1, exactly like the reference loop (products of two floats
// are exact in a double).
import { assembleModule, Body, I32, V128, type FuncDef, type MemoryImport } from './wasm-encoder.js';

// i8x16.shuffle indices interleaving the i16 lanes of a and b: low half and high half.
const PAIRS_LOW = [0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23];
const PAIRS_HIGH = [8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31];

/** W (kk rows of nn elements, kk even, nn a multiple of 8) to i16 pairs — params (src, dst, kk, nn). */
function packW(elementBytes: 1 | 2): FuncDef {
  const [src, dst, kk, nn, rowB, r0, r1, end, j, va, vb] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const b = new Body();
  const load = (l: Body, row: number): void => {
    l.get(row).get(j).add();
    if (elementBytes === 1) l.load8x8S(); else l.loadV();
  };
  b.get(nn).i32(elementBytes).mul().set(rowB);
  b.get(src).set(r0);
  b.get(kk).get(rowB).mul().get(src).add().set(end);
  b.loop((q) => {
    q.get(r0).get(end).geU().exitIf();
    q.get(r0).get(rowB).add().set(r1);
    q.i32(0).set(j);
    q.loop((l) => {
      l.get(j).get(rowB).geU().exitIf();
      load(l, r0); l.set(va);
      load(l, r1); l.set(vb);
      l.get(dst).get(va).get(vb).shuffle(PAIRS_LOW).storeV(0);
      l.get(dst).get(va).get(vb).shuffle(PAIRS_HIGH).storeV(16);
      l.inc(j, 8 * elementBytes).inc(dst, 32);
    });
    q.get(r0).get(rowB).add().get(rowB).add().set(r0);
  });
  return { name: `packW${elementBytes * 8}`, params: [I32, I32, I32, I32], results: [], locals: [I32, I32, I32, I32, I32, V128, V128], body: b };
}

/** int8 to int16, 8 at a time — params (src, dst, count), count a multiple of 8. */
function widen8(): FuncDef {
  const [src, dst, count, end] = [0, 1, 2, 3];
  const b = new Body();
  b.get(src).get(count).add().set(end);
  b.loop((l) => {
    l.get(src).get(end).geU().exitIf();
    l.get(dst).get(src).load8x8S().storeV();
    l.inc(src, 8).inc(dst, 16);
  });
  return { name: 'widen8', params: [I32, I32, I32], results: [], locals: [I32], body: b };
}

/**
 * out[r][j] += Σ_q pair(a[r], q) · pairW[q][j] — params (a, w, out, m2, kk, nn): a is m2 rows
 * of kk int16 (m2, kk even), w the packed pairs, out m2 rows of nn int32 (nn a multiple of 16).
 * Blocks of 2 rows × 16 columns keep 8 accumulators in registers; the column block is the
 * outer loop so its slice of W stays in the L1 cache across rows.
 */
function mmI16(): FuncDef {
  const [a, w, out, m2, kk, nn] = [0, 1, 2, 3, 4, 5];
  const [jb, r, pa, pb, pw, paEnd, o0, o1, rowA, rowW] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const [xa, xb, wv] = [16, 17, 18];
  const acc = (t: number): number => 19 + t;
  const b = new Body();
  b.get(kk).i32(1).shl().set(rowA);
  b.get(nn).i32(2).shl().set(rowW);
  b.i32(0).set(jb);
  b.loop((cols) => {
    cols.get(jb).get(nn).geU().exitIf();
    cols.i32(0).set(r);
    cols.loop((rows) => {
      rows.get(r).get(m2).geU().exitIf();
      rows.get(r).get(rowW).mul().get(out).add().get(jb).i32(2).shl().add().set(o0);
      rows.get(o0).get(rowW).add().set(o1);
      for (let t = 0; t < 4; t++) {
        rows.get(o0).loadV(16 * t).set(acc(t));
        rows.get(o1).loadV(16 * t).set(acc(4 + t));
      }
      rows.get(r).get(rowA).mul().get(a).add().set(pa);
      rows.get(pa).get(rowA).add().set(pb);
      rows.get(pb).set(paEnd);
      rows.get(jb).i32(2).shl().get(w).add().set(pw);
      rows.loop((l) => {
        l.get(pa).get(paEnd).geU().exitIf();
        l.get(pa).load32Splat().set(xa);
        l.get(pb).load32Splat().set(xb);
        for (let t = 0; t < 4; t++) {
          l.get(pw).loadV(16 * t).set(wv);
          l.get(acc(t)).get(wv).get(xa).dotI16().addI32x4().set(acc(t));
          l.get(acc(4 + t)).get(wv).get(xb).dotI16().addI32x4().set(acc(4 + t));
        }
        l.inc(pa, 4).inc(pb, 4).get(pw).get(rowW).add().set(pw);
      });
      for (let t = 0; t < 4; t++) {
        rows.get(o0).get(acc(t)).storeV(16 * t);
        rows.get(o1).get(acc(4 + t)).storeV(16 * t);
      }
      rows.inc(r, 2);
    });
    cols.inc(jb, 16);
  });
  const locals = [...Array<number>(10).fill(I32), ...Array<number>(11).fill(V128)];
  return { name: 'mmI16', params: [I32, I32, I32, I32, I32, I32], results: [], locals, body: b };
}

/**
 * out[r][j] += Σ_p a[r][p]·w[p][j] in double precision, p in order — params (a, w, out, m, k,
 * nn): a is m rows of k fp32, w k rows of nn fp32, out m rows of nn f64 (nn a multiple of 8).
 */
function mmF64(): FuncDef {
  const [a, w, out, m, k, nn] = [0, 1, 2, 3, 4, 5];
  const [jb, r, pa, pw, paEnd, o, rowW, rowO] = [6, 7, 8, 9, 10, 11, 12, 13];
  const x = 14;
  const acc = (t: number): number => 15 + t;
  const b = new Body();
  b.get(nn).i32(2).shl().set(rowW);
  b.get(nn).i32(3).shl().set(rowO);
  b.i32(0).set(jb);
  b.loop((cols) => {
    cols.get(jb).get(nn).geU().exitIf();
    cols.i32(0).set(r);
    cols.loop((rows) => {
      rows.get(r).get(m).geU().exitIf();
      rows.get(r).get(rowO).mul().get(out).add().get(jb).i32(3).shl().add().set(o);
      for (let t = 0; t < 4; t++) rows.get(o).loadV(16 * t).set(acc(t));
      rows.get(r).get(k).mul().i32(2).shl().get(a).add().set(pa);
      rows.get(k).i32(2).shl().get(pa).add().set(paEnd);
      rows.get(jb).i32(2).shl().get(w).add().set(pw);
      rows.loop((l) => {
        l.get(pa).get(paEnd).geU().exitIf();
        l.get(pa).loadF32AsF64().splatD().set(x);
        for (let t = 0; t < 4; t++) {
          l.get(acc(t)).get(x).get(pw).loadF32x2AsF64(8 * t).dmul().dadd().set(acc(t));
        }
        l.inc(pa, 4).get(pw).get(rowW).add().set(pw);
      });
      for (let t = 0; t < 4; t++) rows.get(o).get(acc(t)).storeV(16 * t);
      rows.inc(r, 1);
    });
    cols.inc(jb, 8);
  });
  const locals = [...Array<number>(8).fill(I32), ...Array<number>(5).fill(V128)];
  return { name: 'mmF64', params: [I32, I32, I32, I32, I32, I32], results: [], locals, body: b };
}

/** The module's bytes; it imports its memory (shared for worker threads, or not) as "env"."mem". */
export function buildTileMatmulModule(memory: MemoryImport): Uint8Array {
  return assembleModule([packW(1), packW(2), widen8(), mmI16(), mmF64()], memory);
}
