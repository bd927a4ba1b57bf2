// Lab 07, step 2 — the starting point of isa/pwl.ts. Copy this file to isa/pwl.ts in your
// checkout and fill in the three TODOs exactly as README.md "The PWL rule" says: the simulator
// and the compiler will both read GELU_TABLE from there (isa/ is the one layer both may import),
// and the checker compares your tables entry by entry and your evaluator bit for bit.
// Keep the file free of imports: isa/ imports nothing of ours.

/** Where a table lives: [lo, hi) split into `segments` equal segments. */
export interface PwlGeometry {
  lo: number;
  hi: number;
  segments: number;
}

/** Chord slopes a_i and intercepts b_i (fp32) of segments of width `width` starting at `lo`. */
export interface PwlTable {
  lo: number;
  hi: number;
  width: number;
  a: Float32Array;
  b: Float32Array;
}

/** The geometry of func=gelu: 32 segments of width 0.5 on [−8, 8). */
export const GELU_PWL: PwlGeometry = { lo: -8, hi: 8, segments: 32 };

/** GELU, tanh form (BERT, GPT-2), in double precision: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function gelu(x: number): number {
  throw new Error('TODO: gelu');
}

/** Chords of f through t_i = fround(f(x_i)) at the knots x_i = lo + i·width (README, rule 1–3). */
export function buildPwlTable(f: (x: number) => number, g: PwlGeometry): PwlTable {
  throw new Error('TODO: buildPwlTable');
}

/** The table at an fp32 value v (README, rule 4–6): 0 below lo, v from hi up, else one
 * multiply and one add, each rounded to fp32. */
export function evalPwl(t: PwlTable, v: number): number {
  throw new Error('TODO: evalPwl');
}

/** The ROM of func=gelu. */
export const GELU_TABLE: PwlTable = buildPwlTable(gelu, GELU_PWL);
