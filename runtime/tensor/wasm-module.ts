// A hand-assembled WebAssembly module with 4-lane SIMD versions of the matmul kernels,
// emitted by the minimal encoder in wasm-encoder.ts: each kernel is a straight list of
// instructions, in the same loop order as the TypeScript reference in matmul.ts (zero
// entries of the left operand are still skipped).
// Exports: axpy, dot, mm (C += A·B), mmTA (C += Aᵀ·B), mmTB (C = A·Bᵀ), mmBlocked (C (+)= A·B
// with A through strides, register-blocked over a gathered list of non-zeros; the one simd.ts
// uses), transpose, the element-wise steps of wasm-elementwise.ts and the optimiser updates of
// wasm-update-kernels.ts; memory "env"."mem" (shared when a worker thread splits products).

import { elementwiseFunctions } from './wasm-elementwise.js';
import { updateFunctions } from './wasm-update-kernels.js';
import { assembleModule, Body, F32, I32, V128, type FuncDef, type MemoryImport } from '../../kernels/wasm-encoder.js';

const SIX_I32 = [I32, I32, I32, I32, I32, I32];

// Function indices (no imported functions, so definitions start at 0).
const AXPY = 0;
const DOT = 1;

/** y[0..n) += alpha·x[0..n) — params (alpha f32, x, y, n); 8 floats per iteration. */
function axpy(): FuncDef {
  const [alpha, x, y, n, s, end8, endN] = [0, 1, 2, 3, 4, 5, 6];
  const b = new Body();
  b.get(n).i32(2).shl().get(y).add().set(endN);
  b.get(n).i32(-8).and().i32(2).shl().get(y).add().set(end8);
  b.get(alpha).splat().set(s);
  b.loop((l) => {
    l.get(y).get(end8).geU().exitIf();
    l.get(y).get(y).loadV().get(x).loadV().get(s).vmul().vadd().storeV();
    l.get(y).get(y).loadV(16).get(x).loadV(16).get(s).vmul().vadd().storeV(16);
    l.inc(x, 32).inc(y, 32);
  });
  b.loop((l) => {
    l.get(y).get(endN).geU().exitIf();
    l.get(y).get(y).loadF().get(x).loadF().get(alpha).fmul().fadd().storeF();
    l.inc(x, 4).inc(y, 4);
  });
  return { name: 'axpy', params: [F32, I32, I32, I32], results: [], locals: [V128, I32, I32], body: b };
}

/** Σ x[i]·y[i] — params (x, y, n) → f32. */
function dot(): FuncDef {
  const [x, y, n, acc, end4, endN, s] = [0, 1, 2, 3, 4, 5, 6];
  const b = new Body();
  b.get(n).i32(2).shl().get(x).add().set(endN);
  b.get(n).i32(-4).and().i32(2).shl().get(x).add().set(end4);
  b.f32(0).splat().set(acc);
  b.loop((l) => {
    l.get(x).get(end4).geU().exitIf();
    l.get(acc).get(x).loadV().get(y).loadV().vmul().vadd().set(acc);
    l.inc(x, 16).inc(y, 16);
  });
  b.get(acc).lane(0).get(acc).lane(1).fadd().get(acc).lane(2).get(acc).lane(3).fadd().fadd().set(s);
  b.loop((l) => {
    l.get(x).get(endN).geU().exitIf();
    l.get(s).get(x).loadF().get(y).loadF().fmul().fadd().set(s);
    l.inc(x, 4).inc(y, 4);
  });
  b.get(s);
  return { name: 'dot', params: [I32, I32, I32], results: [F32], locals: [V128, I32, I32, F32], body: b };
}

/** C[m×n] += A[m×k]·B[k×n], skipping zero A entries — params (a, b, c, m, k, n). */
function mm(): FuncDef {
  const [a, bb, c, m, k, n, ap, aend, bp, nb, av, rowEnd] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const b = new Body();
  b.get(n).i32(2).shl().set(nb);
  b.get(m).get(k).mul().i32(2).shl().get(a).add().set(aend);
  b.get(a).set(ap);
  b.loop((rows) => {
    rows.get(ap).get(aend).geU().exitIf();
    rows.get(ap).get(k).i32(2).shl().add().set(rowEnd);
    rows.get(bb).set(bp);
    rows.loop((l) => {
      l.get(ap).get(rowEnd).geU().exitIf();
      l.get(ap).loadF().set(av);
      l.get(av).f32(0).fne().ifThen((t) => t.get(av).get(bp).get(c).get(n).call(AXPY));
      l.inc(ap, 4).get(bp).get(nb).add().set(bp);
    });
    rows.get(c).get(nb).add().set(c);
  });
  return { name: 'mm', params: SIX_I32, results: [], locals: [I32, I32, I32, I32, F32, I32], body: b };
}

/** C[m×n] += A[k×m]ᵀ·B[k×n], skipping zero A entries — params (a, b, c, k, m, n). */
function mmTA(): FuncDef {
  const [a, bb, c, k, m, n, ap, aend, cp, nb, av, rowEnd] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const b = new Body();
  b.get(n).i32(2).shl().set(nb);
  b.get(k).get(m).mul().i32(2).shl().get(a).add().set(aend);
  b.get(a).set(ap);
  b.loop((rows) => {
    rows.get(ap).get(aend).geU().exitIf();
    rows.get(ap).get(m).i32(2).shl().add().set(rowEnd);
    rows.get(c).set(cp);
    rows.loop((l) => {
      l.get(ap).get(rowEnd).geU().exitIf();
      l.get(ap).loadF().set(av);
      l.get(av).f32(0).fne().ifThen((t) => t.get(av).get(bb).get(cp).get(n).call(AXPY));
      l.inc(ap, 4).get(cp).get(nb).add().set(cp);
    });
    rows.get(bb).get(nb).add().set(bb);
  });
  return { name: 'mmTA', params: SIX_I32, results: [], locals: [I32, I32, I32, I32, F32, I32], body: b };
}

/** C[m×n] = A[m×k]·B[n×k]ᵀ — params (a, b, c, m, k, n). */
function mmTB(): FuncDef {
  const [a, bb, c, m, k, n, aend, kb, bp, bend] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const b = new Body();
  b.get(k).i32(2).shl().set(kb);
  b.get(m).get(kb).mul().get(a).add().set(aend);
  b.get(n).get(kb).mul().get(bb).add().set(bend);
  b.loop((rows) => {
    rows.get(a).get(aend).geU().exitIf();
    rows.get(bb).set(bp);
    rows.loop((l) => {
      l.get(bp).get(bend).geU().exitIf();
      l.get(c).get(a).get(bp).get(k).call(DOT).storeF();
      l.inc(c, 4).get(bp).get(kb).add().set(bp);
    });
    rows.get(a).get(kb).add().set(a);
  });
  return { name: 'mmTB', params: SIX_I32, results: [], locals: [I32, I32, I32, I32], body: b };
}


/**
 * C[m×n] (+)= A[m×k]·B[k×n], register-blocked — params (a, b, c, m, k, n, list, rs, es, acc).
 * Element (i, p) of A is read at a + i·rs + p·es (bytes), so A may be a transposed view
 * (rs = 4, es = 4·rows) and Aᵀ·B needs no transpose. With acc = 0, C is overwritten (the
 * accumulators start at +0, exactly as from a zeroed C), else accumulated into.
 * Per row of A the non-zero entries are first gathered into `list` (values, then at
 * list + 4k the byte addresses of the matching rows of B). Contiguous rows are scanned four
 * at a time and all-zero groups skipped (runs of zero pixels); other values are recorded
 * branch-free (every entry written, the cursor advanced only past non-zeros), so the
 * scattered zeros of ReLU outputs cost no mispredictions. Then each 32-column strip of the C row is accumulated in eight SIMD
 * registers over that list, so C is loaded and stored once per strip instead of once per
 * non-zero. 4-column strips and single columns finish the row. Every element of C sees the
 * same f32 multiply-then-add sequence (in list order) whichever path computes it.
 */
/**
 * Accumulators of the widest strip (24 columns). TurboFan loads a strip's B values before
 * multiplying, so a strip needs 2·regs + 1 xmm registers; with 8 (as before) one
 * accumulator spilled to the stack and the loop ran ~3× slower. 6 leaves headroom.
 */
const STRIP_REGS = 6;

function mmBlocked(): FuncDef {
  const [a, bb, c, m, k, n, list, rs, es, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [aend, ap, rowEnd, vp, bp, nb, j, t, tend, delta, row4End] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
  const [v, sf] = [21, 22]; // f32
  const [s, zero, quad] = [23, 24, 25]; // v128
  const acc = Array.from({ length: STRIP_REGS }, (_, q) => 26 + q); // v128
  const b = new Body();
  b.f32(0).splat().set(zero);
  b.get(n).i32(2).shl().set(nb);
  b.get(k).i32(2).shl().set(delta);
  b.get(m).get(rs).mul().get(a).add().set(aend);
  // Loads the B address of list entry t, offset by the column byte offset j.
  const rowAddr = (x: Body): Body => x.get(t).get(delta).add().loadI().get(j).add();
  /** Starts accumulator r from C at byte offset o of the strip, or from +0. */
  const start = (x: Body, r: number, o: number, wide: boolean): void => {
    x.get(accumulate).ifElse(
      (y) => (wide ? y.get(c).get(j).add().loadV(o) : y.get(c).get(j).add().loadF()).set(r),
      (y) => (wide ? y.get(zero) : y.f32(0)).set(r),
    );
  };
  b.loop((rows) => {
    rows.get(a).get(aend).geU().exitIf();
    rows.get(a).set(ap);
    rows.get(k).get(es).mul().get(a).add().set(rowEnd);
    rows.get(list).set(vp).get(bb).set(bp);
    /** Appends v (B row at bp + o) to the list, keeping it only when non-zero. */
    const record = (x: Body): void => {
      x.get(vp).get(v).storeF();
      x.get(vp).get(delta).add().get(bp).storeI();
      x.get(v).f32(0).fne().i32(2).shl().get(vp).add().set(vp);
    };
    // Contiguous rows: four values at a time, skipping all-zero groups (runs of zero pixels
    // are common and well predicted).
    rows.get(es).i32(4).eq().ifThen((x) => {
      x.get(k).i32(-4).and().i32(4).mul().get(a).add().set(row4End);
      x.loop((g) => {
        g.get(ap).get(row4End).geU().exitIf();
        g.get(ap).loadV().set(quad);
        g.get(quad).get(zero).neMask().ifThen((y) => {
          for (let q = 0; q < 4; q++) {
            y.get(quad).lane(q).set(v);
            record(y);
            if (q < 3) y.get(bp).get(nb).add().set(bp);
          }
          y.get(bp).get(nb).i32(-3).mul().add().set(bp);
        });
        g.inc(ap, 16).get(bp).get(nb).i32(2).shl().add().set(bp);
      });
    });
    rows.loop((g) => {
      g.get(ap).get(rowEnd).geU().exitIf();
      g.get(ap).loadF().set(v);
      record(g);
      g.get(ap).get(es).add().set(ap).get(bp).get(nb).add().set(bp);
    });
    rows.get(vp).set(tend);
    rows.i32(0).set(j);
    // Strips of STRIP_REGS accumulators while they fit, then one of 4, 2 and 1 as needed.
    for (const width of [STRIP_REGS, 4, 2, 1]) {
      const regs = acc.slice(0, width);
      rows.loop((strip) => {
        strip.get(j).i32(16 * width).add().get(nb).gtS().exitIf();
        regs.forEach((r, q) => start(strip, r, 16 * q, true));
        strip.get(list).set(t);
        strip.loop((l) => {
          l.get(t).get(tend).geU().exitIf();
          l.get(t).loadF().splat().set(s);
          rowAddr(l).set(bp);
          regs.forEach((r, q) => l.get(r).get(bp).loadV(16 * q).get(s).vmul().vadd().set(r));
          l.inc(t, 4);
        });
        regs.forEach((r, q) => strip.get(c).get(j).add().get(r).storeV(16 * q));
        strip.inc(j, 16 * width);
      });
    }
    rows.loop((col) => {
      col.get(j).get(nb).geU().exitIf();
      start(col, sf, 0, false);
      col.get(list).set(t);
      col.loop((l) => {
        l.get(t).get(tend).geU().exitIf();
        l.get(sf).get(t).loadF();
        rowAddr(l).loadF().fmul().fadd().set(sf);
        l.inc(t, 4);
      });
      col.get(c).get(j).add().get(sf).storeF();
      col.inc(j, 4);
    });
    rows.get(c).get(nb).add().set(c);
    rows.get(a).get(rs).add().set(a);
  });
  const locals = [...Array(11).fill(I32), F32, F32, V128, V128, V128, ...Array(STRIP_REGS).fill(V128)] as number[];
  return { name: 'mmBlocked', params: [...SIX_I32, I32, I32, I32, I32], results: [], locals, body: b };
}

/** dst[cols×rows] = src[rows×cols]ᵀ — params (src, dst, rows, cols, unused, unused). */
function transpose(): FuncDef {
  const [src, dst, rows, cols] = [0, 1, 2, 3];
  const [send, rowEnd, dp, rb] = [6, 7, 8, 9];
  const b = new Body();
  b.get(rows).i32(2).shl().set(rb);
  b.get(rows).get(cols).mul().i32(2).shl().get(src).add().set(send);
  b.loop((r) => {
    r.get(src).get(send).geU().exitIf();
    r.get(src).get(cols).i32(2).shl().add().set(rowEnd);
    r.get(dst).set(dp);
    r.loop((l) => {
      l.get(src).get(rowEnd).geU().exitIf();
      l.get(dp).get(src).loadF().storeF();
      l.inc(src, 4).get(dp).get(rb).add().set(dp);
    });
    r.inc(dst, 4);
  });
  return { name: 'transpose', params: SIX_I32, results: [], locals: [I32, I32, I32, I32], body: b };
}

/** The module's bytes; with `memory.shared` it imports a shared memory (for the worker thread). */
export function buildKernelModule(memory: MemoryImport = { shared: false }): Uint8Array {
  return assembleModule([axpy(), dot(), mm(), mmTA(), mmTB(), mmBlocked(), transpose(), ...elementwiseFunctions(), ...updateFunctions()], memory);
}
