// Accumulator headroom: interval analysis that proves no int32 accumulator of a quantised
// layer can overflow (MATMUL wraps silently, so an overflow would be a wrong answer, not a trap).
// Every input element carries a range [lo, hi] of the integers it can hold: the full type range
// for the input region (any int8/int16 may be stored there), and for a hidden layer's output the
// exact image of its accumulator range through the ACT instruction. Sums are exact in double
// (|terms| ≤ 2^30, K < 2^22). The rule is stated in docs/quantization.md, "Accumulator headroom".
import { fixedSlope, floatActivationBounds, intActivation, roundShift, toFixed16 } from '../../isa/act.js';
import type { QuantLayer } from './quant-model.js';

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** Per-element integer range of a layer's input (or output). */
export interface ValueRange {
  lo: Float64Array;
  hi: Float64Array;
}

/** Per output column: every partial sum of Σ x·w, with or without the bias, lies in
 * [neg, pos]; the final accumulator plus bias lies in [lo, hi] ⊆ [neg, pos]. */
export interface AccRange {
  neg: Float64Array;
  pos: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
}

/** The full range of a stored integer type: [-128, 127] or [-32768, 32767]. */
export function typeRange(dtype: 'int8' | 'int16', n: number): ValueRange {
  const top = dtype === 'int8' ? 127 : 32767;
  return { lo: new Float64Array(n).fill(-top - 1), hi: new Float64Array(n).fill(top) };
}

/**
 * Bounds the accumulators of x (K elements in `x`) times w (K×N row-major) plus bias. A term
 * x_i·w lies between min and max of lo_i·w and hi_i·w; partial sums in any order lie between
 * the sum of the negative parts and the sum of the positive parts (the bias adds its own sign).
 */
export function accumulatorRange(x: ValueRange, w: ArrayLike<number>, K: number, N: number, bias: ArrayLike<number>): AccRange {
  // Integer weights quantise to themselves (scale 1, no saturation).
  return quantizedRange(x, w, N, 0, K, N, 1, Infinity, new Int32Array(K * N), bias);
}

/**
 * Quantises columns c0 .. c0 + n − 1 of `src` (K rows of `pitch` values) into `w` (K × n):
 * w = clamp(roundHalfAway(src / scale), −q, q), as quant-math.ts rounds and saturates, and
 * returns accumulatorRange of x times those integers plus `bias` (n values). One pass that
 * bounds each weight as it is written: quantising runs once per compile, mostly before V8
 * optimises it, where a second pass over the weights cost as much again (issue #23).
 */
export function quantizedRange(
  x: ValueRange, src: ArrayLike<number>, pitch: number, c0: number, K: number, n: number, scale: number, q: number,
  w: Int8Array | Int16Array | Int32Array, bias: ArrayLike<number>,
): AccRange {
  const neg = new Float64Array(n);
  const pos = new Float64Array(n);
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  const xlo = x.lo;
  const xhi = x.hi;
  for (let i = 0; i < K; i++) {
    const xl = xlo[i]!;
    const xh = xhi[i]!;
    const row = i * pitch + c0;
    const at = i * n;
    for (let j = 0; j < n; j++) {
      // roundHalfAway and clamp written out: calls are dear in code not yet optimised.
      const v = src[row + j]! / scale;
      const r = v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
      // As the typed array stores it (a NaN, never let through by the frontends, as 0).
      const wv = (w[at + j] = r < -q ? -q : r > q ? q : r);
      if (wv === 0 || wv !== wv) continue;
      const a = xl * wv;
      const b = xh * wv;
      const tl = a < b ? a : b;
      const th = a < b ? b : a;
      lo[j] += tl;
      hi[j] += th;
      if (tl < 0) neg[j] += tl;
      if (th > 0) pos[j] += th;
    }
  }
  for (let j = 0; j < n; j++) {
    const b = bias[j]!;
    lo[j] += b;
    hi[j] += b;
    if (b < 0) neg[j] += b;
    else pos[j] += b;
  }
  return { neg, pos, lo, hi };
}

/** The first column whose partial sums can leave int32, or -1 when none can. */
export function findOverflow(acc: AccRange): number {
  for (let j = 0; j < acc.neg.length; j++) {
    if (acc.neg[j]! < INT32_MIN || acc.pos[j]! > INT32_MAX) return j;
  }
  return -1;
}

/** Largest |partial sum| any column can reach. */
export function accumulatorBound(acc: AccRange): number {
  let m = 0;
  for (let j = 0; j < acc.neg.length; j++) m = Math.max(m, -acc.neg[j]!, acc.pos[j]!);
  return m;
}

type HiddenLayer = Pick<QuantLayer, 'func' | 'alpha' | 'path' | 'requant' | 'accScale' | 'slopes' | 'outType' | 'N'>;

/**
 * The range of a hidden layer's outputs given its accumulator range (after bias): ACT is
 * monotone on x < 0 and on x ≥ 0 separately (requantisation by M ≥ 0, a fixed slope per
 * column, increasing sigmoid/tanh, elu's negative piece bounded by 0 and -alpha), so the
 * extremes sit at the ends of each piece: lo, min(hi, -1), max(lo, 0), hi.
 */
export function outputRange(L: HiddenLayer, acc: Pick<AccRange, 'lo' | 'hi'>): ValueRange {
  const top = L.outType === 'int8' ? 127 : 32767;
  const sat = (q: number) => (q < -top - 1 ? -top - 1 : q > top ? top : q);
  const lo = new Float64Array(L.N);
  const hi = new Float64Array(L.N);
  for (let c = 0; c < L.N; c++) {
    const { mult, shift } = L.requant[L.requant.length === 1 ? 0 : c]!;
    const requant = (v: number) => sat(roundShift(v * mult, shift));
    const xl = acc.lo[c]!;
    const xh = acc.hi[c]!;
    let ql = Infinity;
    let qh = -Infinity;
    if (L.path === 'int') {
      const slope = L.func === 'prelu' ? Math.fround(L.slopes?.[c] ?? 0) : Math.fround(L.alpha);
      const A = fixedSlope(slope);
      const act = (x: number): number => intActivation(L.func, x, A);
      for (const x of [xl, Math.min(xh, -1), Math.max(xl, 0), xh]) {
        if (x < xl || x > xh) continue;
        const q = requant(act(x));
        ql = Math.min(ql, q);
        qh = Math.max(qh, q);
      }
    } else {
      // Float path: bound y = f(v) analytically, then Y and the requantisation are monotone.
      const s = L.accScale[L.accScale.length === 1 ? 0 : c]!;
      const vl = Math.fround(xl * s);
      const vh = Math.fround(xh * s);
      const [yl, yh] = floatActivationBounds(L.func, vl, vh, Math.fround(L.alpha));
      ql = requant(toFixed16(yl));
      qh = requant(toFixed16(yh));
    }
    lo[c] = ql;
    hi[c] = qh;
  }
  return { lo, hi };
}
