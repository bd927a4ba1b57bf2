// Lab 07 — reference solution: chord tables in fixed point and their bit-exact evaluator.

export interface PwlSpec {
  inFrac: number;
  slopeFrac: number;
  lo: number;
  hi: number;
  segments: number;
}

export const PWL_SPEC: PwlSpec = { inFrac: 10, slopeFrac: 14, lo: -8, hi: 8, segments: 32 };

export interface PwlTable {
  spec: PwlSpec;
  slopes: Int16Array;
  intercepts: Int32Array;
}

const GELU_C = Math.sqrt(2 / Math.PI);

export function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x)));
}

/** Round half away from zero (Math.round rounds −2.5 to −2). */
function roundAway(v: number): number {
  return Math.sign(v) * Math.round(Math.abs(v));
}

export function buildPwlTable(f: (x: number) => number, spec: PwlSpec = PWL_SPEC): PwlTable {
  const width = (spec.hi - spec.lo) / spec.segments;
  const slopes = new Int16Array(spec.segments);
  const intercepts = new Int32Array(spec.segments);
  for (let i = 0; i < spec.segments; i++) {
    const xl = spec.lo + i * width;
    const a = (f(xl + width) - f(xl)) / width;
    const b = f(xl) - a * xl;
    slopes[i] = roundAway(a * 2 ** spec.slopeFrac);
    intercepts[i] = roundAway(b * 2 ** spec.inFrac);
  }
  return { spec, slopes, intercepts };
}

export function evalPwl(table: PwlTable, x: number): number {
  const { spec } = table;
  const lo = spec.lo * 2 ** spec.inFrac;
  const hi = spec.hi * 2 ** spec.inFrac;
  if (x < lo) return 0;
  if (x >= hi) return x;
  const shift = Math.log2((hi - lo) / spec.segments);
  const i = (x - lo) >> shift;
  // a·x needs up to 31 bits; + rounding constant, then an arithmetic (flooring) shift
  const prod = table.slopes[i]! * x + 2 ** (spec.slopeFrac - 1);
  const y = Math.floor(prod / 2 ** spec.slopeFrac) + table.intercepts[i]!;
  return Math.max(-32768, Math.min(32767, y));
}

export function actPwl(table: PwlTable, src: Int16Array, dst: Int16Array): void {
  for (let i = 0; i < src.length; i++) dst[i] = evalPwl(table, src[i]!);
}
