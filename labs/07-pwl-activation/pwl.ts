// Lab 07 — your file. A piecewise-linear (PWL) activation unit in fixed point, the way
// DianNao's NFU-3 computes activations: a small table of (slope, intercept) pairs indexed by
// the top bits of the input. Implement the four TODOs exactly as README.md "The spec" says;
// the checker compares you bit for bit with the spec and against the float GELU.

/** The table geometry (do not change: the checker also tries other geometries). */
export interface PwlSpec {
  /** Fractional bits of inputs, outputs and intercepts (Q·.inFrac). */
  inFrac: number;
  /** Fractional bits of the slopes (int16, Q1.slopeFrac). */
  slopeFrac: number;
  /** Table domain [lo, hi) in real units; (hi − lo)·2^inFrac / segments must be a power of two. */
  lo: number;
  hi: number;
  segments: number;
}

export const PWL_SPEC: PwlSpec = { inFrac: 10, slopeFrac: 14, lo: -8, hi: 8, segments: 32 };

export interface PwlTable {
  spec: PwlSpec;
  /** Per segment: round(a_i · 2^slopeFrac), a_i the chord slope. */
  slopes: Int16Array;
  /** Per segment: round(b_i · 2^inFrac), b_i the chord intercept. */
  intercepts: Int32Array;
}

/** GELU, tanh form (BERT, GPT-2): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function gelu(x: number): number {
  throw new Error('TODO: gelu');
}

/** Chord table of f over spec's segments, rounded half away from zero. */
export function buildPwlTable(f: (x: number) => number, spec: PwlSpec = PWL_SPEC): PwlTable {
  throw new Error('TODO: buildPwlTable');
}

/** One int16 input (Q·.inFrac) → int16 output, integer arithmetic only. */
export function evalPwl(table: PwlTable, x: number): number {
  throw new Error('TODO: evalPwl');
}

/** The ACT-PWL vector operation: dst[i] = evalPwl(table, src[i]) (src and dst may be the same array). */
export function actPwl(table: PwlTable, src: Int16Array, dst: Int16Array): void {
  throw new Error('TODO: actPwl');
}
