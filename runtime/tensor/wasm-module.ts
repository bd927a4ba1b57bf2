// A hand-assembled WebAssembly module with 4-lane SIMD versions of the matmul kernels.
// The project has no WAT toolchain, so the bytes are emitted here by a minimal encoder: each
// kernel is written as a straight list of instructions, in the same loop order as the
// TypeScript reference in matmul.ts (zero entries of the left operand are still skipped).
// Exports: axpy, dot, mm (C += A·B), mmTA (C += Aᵀ·B), mmTB (C = A·Bᵀ), mmBlocked (C += A·B,
// register-blocked over a gathered list of non-zeros) and transpose; memory "env"."mem".

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

/** Unsigned LEB128. */
function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (small constants only). */
function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** A function body under construction; methods append one instruction each. */
class Body {
  readonly code: number[] = [];
  get(i: number): this { this.code.push(0x20, ...uleb(i)); return this; }
  set(i: number): this { this.code.push(0x21, ...uleb(i)); return this; }
  i32(v: number): this { this.code.push(0x41, ...sleb(v)); return this; }
  f32(v: number): this {
    const b = new Uint8Array(new Float32Array([v]).buffer);
    this.code.push(0x43, ...b);
    return this;
  }
  add(): this { this.code.push(0x6a); return this; }
  mul(): this { this.code.push(0x6c); return this; }
  and(): this { this.code.push(0x71); return this; }
  shl(): this { this.code.push(0x74); return this; }
  geU(): this { this.code.push(0x4f); return this; }
  fadd(): this { this.code.push(0x92); return this; }
  fmul(): this { this.code.push(0x94); return this; }
  fne(): this { this.code.push(0x5c); return this; }
  loadF(): this { this.code.push(0x2a, 2, 0); return this; }
  loadI(): this { this.code.push(0x28, 2, 0); return this; }
  storeI(): this { this.code.push(0x36, 2, 0); return this; }
  storeF(): this { this.code.push(0x38, 2, 0); return this; }
  loadV(offset = 0): this { this.code.push(0xfd, 0x00, 4, ...uleb(offset)); return this; }
  storeV(offset = 0): this { this.code.push(0xfd, 0x0b, 4, ...uleb(offset)); return this; }
  splat(): this { this.code.push(0xfd, 0x13); return this; }
  lane(l: number): this { this.code.push(0xfd, 0x1f, l); return this; }
  vadd(): this { this.code.push(0xfd, ...uleb(0xe4)); return this; }
  vmul(): this { this.code.push(0xfd, ...uleb(0xe6)); return this; }
  call(f: number): this { this.code.push(0x10, ...uleb(f)); return this; }
  /** block { loop { <body>; br 0 } }; `br_if 1` inside leaves. */
  loop(body: (b: this) => void): this {
    this.code.push(0x02, 0x40, 0x03, 0x40);
    body(this);
    this.code.push(0x0c, 0, 0x0b, 0x0b);
    return this;
  }
  /** Leaves the innermost loop() when the i32 on the stack is non-zero. */
  exitIf(): this { this.code.push(0x0d, 1); return this; }
  ifThen(body: (b: this) => void): this {
    this.code.push(0x04, 0x40);
    body(this);
    this.code.push(0x0b);
    return this;
  }
  /** local[i] += c */
  inc(i: number, c: number): this { return this.get(i).i32(c).add().set(i); }
}

interface FuncDef {
  type: number;
  locals: number[];
  body: Body;
  name: string;
}

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
  return { type: 1, locals: [V128, I32, I32], body: b, name: 'axpy' };
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
  return { type: 2, locals: [V128, I32, I32, F32], body: b, name: 'dot' };
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
  return { type: 0, locals: [I32, I32, I32, I32, F32, I32], body: b, name: 'mm' };
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
  return { type: 0, locals: [I32, I32, I32, I32, F32, I32], body: b, name: 'mmTA' };
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
  return { type: 0, locals: [I32, I32, I32, I32], body: b, name: 'mmTB' };
}


/**
 * C[m×n] += A[m×k]·B[k×n], register-blocked — params (a, b, c, m, k, n, list).
 * Per row of A the non-zero entries are first gathered into `list` (values, then at
 * list + 4k the byte addresses of the matching rows of B); then each 32-column strip of the
 * C row is accumulated in eight SIMD registers over that list, so C is loaded and stored
 * once per strip instead of once per non-zero. 4-column strips and single columns finish
 * the row. A row of zeros costs only its scan.
 */
function mmBlocked(): FuncDef {
  const [a, bb, c, m, k, n, list] = [0, 1, 2, 3, 4, 5, 6];
  const [aend, ap, rowEnd, vp, bp, nb, j, t, tend, delta, end32, end4] = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
  const v = 19; // f32
  const sf = 20; // f32
  const s = 21; // v128
  const acc = [22, 23, 24, 25, 26, 27, 28, 29]; // v128
  const b = new Body();
  b.get(n).i32(2).shl().set(nb);
  b.get(k).i32(2).shl().set(delta);
  b.get(m).get(k).mul().i32(2).shl().get(a).add().set(aend);
  b.get(n).i32(-32).and().i32(2).shl().set(end32);
  b.get(n).i32(-4).and().i32(2).shl().set(end4);
  b.get(a).set(ap);
  // Loads the B address of list entry t, offset by the column byte offset j.
  const rowAddr = (x: Body): Body => x.get(t).get(delta).add().loadI().get(j).add();
  b.loop((rows) => {
    rows.get(ap).get(aend).geU().exitIf();
    rows.get(ap).get(delta).add().set(rowEnd);
    rows.get(list).set(vp).get(bb).set(bp);
    rows.loop((g) => {
      g.get(ap).get(rowEnd).geU().exitIf();
      g.get(ap).loadF().set(v);
      g.get(v).f32(0).fne().ifThen((x) => {
        x.get(vp).get(v).storeF();
        x.get(vp).get(delta).add().get(bp).storeI();
        x.inc(vp, 4);
      });
      g.inc(ap, 4).get(bp).get(nb).add().set(bp);
    });
    rows.get(vp).set(tend);
    rows.i32(0).set(j);
    rows.loop((strip) => {
      strip.get(j).get(end32).geU().exitIf();
      acc.forEach((r, q) => strip.get(c).get(j).add().loadV(16 * q).set(r));
      strip.get(list).set(t);
      strip.loop((l) => {
        l.get(t).get(tend).geU().exitIf();
        l.get(t).loadF().splat().set(s);
        rowAddr(l).set(bp);
        acc.forEach((r, q) => l.get(r).get(bp).loadV(16 * q).get(s).vmul().vadd().set(r));
        l.inc(t, 4);
      });
      acc.forEach((r, q) => strip.get(c).get(j).add().get(r).storeV(16 * q));
      strip.inc(j, 128);
    });
    rows.loop((strip) => {
      strip.get(j).get(end4).geU().exitIf();
      strip.get(c).get(j).add().loadV().set(acc[0]!);
      strip.get(list).set(t);
      strip.loop((l) => {
        l.get(t).get(tend).geU().exitIf();
        l.get(acc[0]!).get(t).loadF().splat();
        rowAddr(l).loadV().vmul().vadd().set(acc[0]!);
        l.inc(t, 4);
      });
      strip.get(c).get(j).add().get(acc[0]!).storeV();
      strip.inc(j, 16);
    });
    rows.loop((col) => {
      col.get(j).get(nb).geU().exitIf();
      col.get(c).get(j).add().loadF().set(sf);
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
  });
  const locals = [...Array(12).fill(I32), F32, F32, V128, ...Array(8).fill(V128)] as number[];
  return { type: 3, locals, body: b, name: 'mmBlocked' };
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
  return { type: 0, locals: [I32, I32, I32, I32], body: b, name: 'transpose' };
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

/** The module's bytes. */
export function buildKernelModule(): Uint8Array {
  const funcs = [axpy(), dot(), mm(), mmTA(), mmTB(), mmBlocked(), transpose()];
  const types = [
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), 0],
    [0x60, ...vec([[F32], [I32], [I32], [I32]]), 0],
    [0x60, ...vec([[I32], [I32], [I32]]), 1, F32],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [I32]]), 0],
  ];
  const imports = [[...name('env'), ...name('mem'), 0x02, 0x00, ...uleb(1)]];
  const bodies = funcs.map((f) => {
    const locals = vec(f.locals.map((t) => [1, t]));
    const body = [...locals, ...f.body.code, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs.map((f) => uleb(f.type)))),
    ...section(7, vec(funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(bodies)),
  ]);
}
