// Scalar ACT semantics (docs/isa.md, "ACT semantics"): the one definition of the arithmetic
// the vector unit applies per element. The simulator executes ACT with it, the compiler's
// headroom analysis bounds outputs with it, and the calibration forward applies the same float
// activations, so an activation is defined once. Every product stays below 2^53, so plain
// doubles are exact.
import type { ActFunc, DType } from './spec.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** sign(p)·floor((|p| + 2^(s-1)) / 2^s): round half away from zero after a right shift. */
export function roundShift(p: number, s: number): number {
  if (s === 0) return p;
  const d = 2 ** s;
  const q = Math.floor((Math.abs(p) + d / 2) / d);
  return p < 0 ? -q : q;
}

/** Saturates to int8/int16; wraps to int32 (two's complement); fp32 passes through. */
export function saturate(v: number, t: DType): number {
  if (t === 'int8') return v < -128 ? -128 : v > 127 ? 127 : v;
  if (t === 'int16') return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
  if (t === 'int32') return v | 0;
  return v;
}

/** Y = clamp_int32(roundHalfAway(y·65536)); NaN maps to 0: the float path's 16.16 result. */
export function toFixed16(y: number): number {
  const z = y * 65536;
  if (Number.isNaN(z)) return 0;
  const r = z < 0 ? -Math.floor(-z + 0.5) : Math.floor(z + 0.5);
  return r < INT32_MIN ? INT32_MIN : r > INT32_MAX ? INT32_MAX : r;
}

/** Activations the integer path computes (integer in, integer out). */
export const INT_PATH_FUNCS: ReadonlySet<ActFunc> = new Set<ActFunc>(['identity', 'relu', 'leaky', 'prelu']);

/** Does an ACT of `func` from `inType` to `outType` take the integer path? */
export function isIntPath(func: ActFunc, inType: DType, outType: DType): boolean {
  return inType !== 'fp32' && outType !== 'fp32' && INT_PATH_FUNCS.has(func);
}

/** Largest |alpha| of leaky and elu, and |slope| of PReLU: A = round(alpha·65536) is then at
 * most 2^22, so x·A stays within 2^53 for any int32 x and the integer path is exact. */
export const SLOPE_LIMIT = 64;

/** The integer path's 16.16 fixed-point slope A = round(alpha·65536) (|alpha| <= SLOPE_LIMIT). */
export function fixedSlope(alpha: number): number {
  return Math.round(alpha * 65536);
}

/** Integer-path activation of an int32 accumulator x, with slope A from fixedSlope. */
export function intActivation(func: ActFunc, x: number, A: number): number {
  if (func === 'relu') return Math.max(x, 0);
  if ((func === 'leaky' || func === 'prelu') && x < 0) return roundShift(x * A, 16);
  return x;
}

/** Float-path activation y = fround(f(v)) of an fp32 value v; `alpha` is the instruction's
 * fp32 alpha (leaky, elu) or the column's fp32 PReLU slope. Softmax is row-wise (not here). */
export function floatActivation(func: ActFunc, v: number, alpha: number): number {
  switch (func) {
    case 'identity': return Math.fround(v);
    case 'relu': return Math.fround(Math.max(v, 0));
    case 'leaky':
    case 'prelu': return Math.fround(v < 0 ? alpha * v : v);
    case 'elu': return Math.fround(v < 0 ? alpha * (Math.exp(v) - 1) : v);
    case 'sigmoid': return Math.fround(1 / (1 + Math.exp(-v)));
    case 'tanh': return Math.fround(Math.tanh(v));
    case 'softmax': return Math.fround(v);
  }
}

/** Largest |f(v)| over every v for activations whose output is bounded whatever the input
 * (sigmoid, tanh: 1); undefined for the others. The compiler gives bounded outputs the fixed
 * scale bound/qmax instead of calibrating them. */
export function boundedMagnitude(func: ActFunc): number | undefined {
  return func === 'sigmoid' || func === 'tanh' ? 1 : undefined;
}

/** Bounds [yl, yh] of the float-path y = f(v) for v in [vl, vh], for the activations a hidden
 * layer can run on the float path (sigmoid, tanh, elu); the compiler's headroom analysis
 * carries them through the requantisation. `alpha` is the fp32 alpha of the instruction. */
export function floatActivationBounds(func: ActFunc, vl: number, vh: number, alpha: number): [number, number] {
  if (func === 'sigmoid') return [0, 1];
  if (func === 'tanh') return [-1, 1];
  // elu: v for v ≥ 0; alpha·(exp(v) − 1) between 0 and -alpha for v < 0.
  return [vl >= 0 ? vl : Math.min(0, -alpha), vl >= 0 ? vh : Math.max(vh, 0, -alpha)];
}

/** Requantisation of an integer-path result or a float-path 16.16 value: sat(roundShift(x·mult, shift)). */
export function requantize(x: number, mult: number, shift: number, outType: DType): number {
  return saturate(roundShift(x * mult, shift), outType);
}
