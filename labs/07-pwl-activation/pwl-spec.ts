// Lab 07 — the checker's own model of the PWL rule (README, "The PWL rule") and of the ACT float
// path that carries it (docs/isa.md, "ACT semantics", step 3). Written from those two texts
// only, so a student's table, simulator, compiler and reference are all checked against an
// independent definition.

/** Where a table lives: [lo, hi) split into `segments` equal segments. */
export interface PwlGeometry {
  lo: number;
  hi: number;
  segments: number;
}

export interface SpecTable {
  lo: number;
  hi: number;
  width: number;
  /** Chord slopes a_i (fp32). */
  a: Float32Array;
  /** Chord intercepts b_i (fp32). */
  b: Float32Array;
}

/** func=gelu: 32 segments of width 0.5 on [−8, 8). */
export const GELU_GEOMETRY: PwlGeometry = { lo: -8, hi: 8, segments: 32 };
/** Stated bound of |table − GELU| for GELU_GEOMETRY: h²·max|f''|/8 = 0.25·0.798/8 ≈ 0.0249. */
export const GELU_BOUND = 0.025;

const f32 = Math.fround;

/** GELU, tanh form, written exactly as the README gives it. */
export function refGelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}

/** Swish (SiLU): x·σ(x). */
export function refSwish(x: number): number {
  return x / (1 + Math.exp(-x));
}

/** Knots x_i = lo + i·w, t_i = fround(f(x_i)); a_i = fround((t_{i+1} − t_i)/w); b_i = fround(t_i − a_i·x_i). */
export function specTable(f: (x: number) => number, g: PwlGeometry): SpecTable {
  const width = (g.hi - g.lo) / g.segments;
  const a = new Float32Array(g.segments);
  const b = new Float32Array(g.segments);
  for (let i = 0; i < g.segments; i++) {
    const x0 = g.lo + i * width;
    const t0 = f32(f(x0));
    const t1 = f32(f(g.lo + (i + 1) * width));
    const ai = f32((t1 - t0) / width);
    a[i] = ai;
    b[i] = f32(t0 - ai * x0);
  }
  return { lo: g.lo, hi: g.hi, width, a, b };
}

/** v < lo → 0; v ≥ hi (or NaN) → v; else k = min(N−1, floor((v − lo)/w)), y = fround(fround(a_k·v) + b_k). */
export function specEval(t: SpecTable, v: number): number {
  if (v < t.lo) return 0;
  if (!(v < t.hi)) return v;
  const k = Math.min(t.a.length - 1, Math.floor((v - t.lo) / t.width));
  return f32(f32(t.a[k]! * v) + t.b[k]!);
}

export const SPEC_GELU: SpecTable = specTable(refGelu, GELU_GEOMETRY);

/** The table of func=gelu at v. */
export function specGelu(v: number): number {
  return specEval(SPEC_GELU, v);
}

// ---- the ACT float path around the table (docs/isa.md, "ACT semantics") --------------------

/** sign(p)·floor((|p| + 2^(s−1)) / 2^s), p for s = 0. */
export function roundShift(p: number, s: number): number {
  if (s === 0) return p;
  const d = 2 ** s;
  const q = Math.floor((Math.abs(p) + d / 2) / d);
  return p < 0 ? -q : q;
}

/** Y = clamp_int32(roundHalfAway(y·65536)). */
export function toFixed16(y: number): number {
  const z = y * 65536;
  if (Number.isNaN(z)) return 0;
  const r = z < 0 ? -Math.floor(-z + 0.5) : Math.floor(z + 0.5);
  return Math.min(2147483647, Math.max(-2147483648, r));
}

/** One element of ACT func=gelu: x (integer, or fp32 when scale is absent) → the stored value. */
export function actGelu(x: number, out: 'fp32' | 'int8' | 'int16', scale?: number, mult = 1, shift = 0): number {
  const v = scale === undefined ? x : f32(x * scale);
  const y = specGelu(v);
  if (out === 'fp32') return y;
  const top = out === 'int8' ? 127 : 32767;
  return Math.min(top, Math.max(-top - 1, roundShift(toFixed16(y) * mult, shift)));
}
