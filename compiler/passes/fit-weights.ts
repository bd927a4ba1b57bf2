// Weight fitting: integer weights and bias per layer with the largest weight qmax (up to the
// type's) for which no int32 accumulator can overflow (headroom.ts proves it), per tensor or
// per output column.
import { DlpError } from '../../isa/errors.js';
import type { LayerWeights } from '../model.js';
import {
  INT32_MAX, INT32_MIN, findOverflow, quantizedRange, type AccRange, type ValueRange,
} from './headroom.js';
import { QMAX, clamp, roundHalfAway, scaleFor } from './quant-math.js';

/** One layer's integer weights and bias with the scales and qmax that produced them. */
export interface FittedWeights {
  w: Int8Array | Int16Array;
  bias: Int32Array;
  wScale: number[];
  wQmax: number[];
  acc: AccRange;
}

/** Columns c0..c1-1 of a layer quantised with weight qmax `q` against the range `m`. */
interface Trial {
  q: number;
  scale: number;
  /** K × (c1 − c0) integers. */
  w: Int16Array;
  /** Unclamped roundHalfAway(b / (s_in·s_w)); may exceed int32 (then the trial fails). */
  bias: Float64Array;
  acc: AccRange;
  /** First failing column (relative to c0), or -1. */
  bad: number;
}

/** Quantises columns c0..c1-1 into `w` (K × (c1 − c0), reused across trials) and checks them. */
function tryQmax(lw: LayerWeights, K: number, N: number, c0: number, c1: number, m: number, q: number, inScale: number, inRange: ValueRange, w: Int16Array, fixedScale?: number): Trial {
  const n = c1 - c0;
  const scale = fixedScale ?? scaleFor(m, q);
  const bias = new Float64Array(n);
  for (let j = 0; j < n; j++) bias[j] = roundHalfAway(lw.b[c0 + j]! / (inScale * scale));
  const acc = quantizedRange(inRange, lw.w, N, c0, K, n, scale, q, w, bias);
  let bad = findOverflow(acc);
  if (bad < 0) bad = bias.findIndex((b) => b < INT32_MIN || b > INT32_MAX);
  return { q, scale, w, bias, acc, bad };
}

/**
 * The largest weight qmax q ≤ QMAX[dtype] whose accumulators provably fit int32. The type's
 * qmax is tried first (int8 practically always fits). Otherwise the worst accumulator grows
 * about linearly with q, so q ≈ qmax·(2^31 − 1)/worst is tried next, then the search gallops
 * up or down from there and bisects, always keeping a fitting lower end: the result fits even
 * where rounding makes the test not quite monotone in q. When even q = 1 fails and the bias is
 * to blame (weights tiny next to the bias), the scale is set by the bias instead:
 * s_w = max|b| / (s_in·2^30), so |b_q| ≈ 2^30 and |w_q| ≤ 1.
 */
function fitColumns(name: string, lw: LayerWeights, K: number, N: number, c0: number, c1: number, inScale: number, inRange: ValueRange, dtype: 'int8' | 'int16'): Trial {
  // max |w| over the columns, as Math.max(m, Math.abs(w)) would give it (a NaN sticks), written
  // without calls: this loop runs once per layer, mostly before V8 optimises it.
  let m = 0;
  const src = lw.w;
  for (let i = 0; i < K; i++) {
    const row = i * N;
    for (let j = c0; j < c1; j++) {
      const v = src[row + j]!;
      const a = v < 0 ? -v : v;
      if (a > m || a !== a) m = a;
    }
  }
  // Two buffers: a trial never overwrites the weights of the best fitting trial so far.
  const bufs = [new Int16Array(K * (c1 - c0)), new Int16Array(K * (c1 - c0))];
  let best: Trial | undefined;
  const attempt = (q: number): Trial => {
    const t = tryQmax(lw, K, N, c0, c1, m, q, inScale, inRange, best?.w === bufs[0] ? bufs[1]! : bufs[0]!);
    if (t.bad < 0) best = t;
    return t;
  };
  const top = QMAX[dtype];
  const first = attempt(top);
  if (first.bad < 0) return first;
  let worst = 0;
  for (let j = 0; j < first.acc.neg.length; j++) worst = Math.max(worst, -first.acc.neg[j]!, first.acc.pos[j]!);
  let hi = top;
  const guess = attempt(clamp(Math.floor((top * INT32_MAX) / worst), 1, top - 1) || 1);
  if (guess.bad < 0) {
    for (let step = 1; best!.q + step < hi; step *= 2) {
      const t = attempt(best!.q + step);
      if (t.bad >= 0) hi = t.q;
    }
  } else {
    hi = guess.q;
    let last = guess;
    for (let step = 1; !best && hi > 1; step *= 2) {
      last = attempt(Math.max(1, hi - step));
      if (last.bad >= 0) hi = last.q;
    }
    if (!best) return fitBiasLimited(name, lw, K, N, c0, c1, m, inScale, inRange, dtype, last);
  }
  while (hi - best!.q > 1) {
    const t = attempt((best!.q + hi) >> 1);
    if (t.bad >= 0) hi = t.q;
  }
  return best!;
}

/** The fallback when q = 1 fails (trial `atOne`): a scale set by the bias, or the error. */
function fitBiasLimited(name: string, lw: LayerWeights, K: number, N: number, c0: number, c1: number, m: number, inScale: number, inRange: ValueRange, dtype: string, atOne: Trial): Trial {
  let maxB = 0;
  for (let j = c0; j < c1; j++) maxB = Math.max(maxB, Math.abs(lw.b[j]!));
  const biasScale = Math.fround(maxB / (inScale * 2 ** 30));
  if (!(biasScale > atOne.scale) || !Number.isFinite(biasScale)) throw overflowError(name, dtype, K, c0, atOne, lw, inScale);
  const t = tryQmax(lw, K, N, c0, c1, m, 1, inScale, inRange, new Int16Array(K * (c1 - c0)), biasScale);
  if (t.bad >= 0) throw overflowError(name, dtype, K, c0, t, lw, inScale);
  return t;
}

function overflowError(name: string, dtype: string, K: number, c0: number, t: Trial, lw: LayerWeights, inScale: number): DlpError {
  const j = t.bad;
  const col = c0 + j;
  const bq = t.bias[j]!;
  if (bq < INT32_MIN || bq > INT32_MAX) {
    return new DlpError(`layer '${name}': bias[${col}] = ${lw.b[col]} cannot be represented in int32 at the input scale ` +
      `${inScale} by any finite weight scale; use a larger input scale`);
  }
  const reach = Math.max(-t.acc.neg[j]!, t.acc.pos[j]!);
  return new DlpError(`layer '${name}': ${dtype} accumulators can overflow int32 even with weights quantised to ±1 ` +
    `(column ${col} can reach ${reach} over ${K} inputs); use int8 or fewer inputs per layer`);
}

/** Quantises a layer's weights and bias with accumulator headroom (per tensor or per column). */
export function fitWeights(name: string, lw: LayerWeights, K: number, N: number, inScale: number, inRange: ValueRange, perChannel: boolean, dtype: 'int8' | 'int16'): FittedWeights {
  const w = dtype === 'int8' ? new Int8Array(K * N) : new Int16Array(K * N);
  const bias = new Int32Array(N);
  const acc: AccRange = { neg: new Float64Array(N), pos: new Float64Array(N), lo: new Float64Array(N), hi: new Float64Array(N) };
  const groups = perChannel ? Array.from({ length: N }, (_, c) => c) : [0];
  const wScale: number[] = [];
  const wQmax: number[] = [];
  for (const g of groups) {
    const [c0, c1] = perChannel ? [g, g + 1] : [0, N];
    const n = c1 - c0;
    const t = fitColumns(name, lw, K, N, c0, c1, inScale, inRange, dtype);
    wScale.push(t.scale);
    wQmax.push(t.q);
    // Every trial value lies in ±qmax of the type, so the typed copies convert nothing.
    if (n === N) w.set(t.w);
    else for (let i = 0; i < K; i++) for (let j = 0; j < n; j++) w[i * N + c0 + j] = t.w[i * n + j]!;
    for (let j = 0; j < n; j++) bias[c0 + j] = t.bias[j]!;
    for (const k of ['neg', 'pos', 'lo', 'hi'] as const) acc[k].set(t.acc[k], c0);
  }
  return { w, bias, wScale, wQmax, acc };
}

/** What fitWeights gives for weights and bias that are all zero, without reading any: zero
 * integers, per group the scale of a zero range (scaleFor: 1/qmax) and the type's qmax, and
 * accumulators that never leave 0. A compile without weights (pipeline.ts) takes it. */
export function zeroWeights(K: number, N: number, perChannel: boolean, dtype: 'int8' | 'int16'): FittedWeights {
  const qmax = QMAX[dtype];
  const groups = perChannel ? N : 1;
  const zeros = (): Float64Array => new Float64Array(N);
  return {
    w: dtype === 'int8' ? new Int8Array(K * N) : new Int16Array(K * N),
    bias: new Int32Array(N),
    wScale: new Array<number>(groups).fill(scaleFor(0, qmax)),
    wQmax: new Array<number>(groups).fill(qmax),
    acc: { neg: zeros(), pos: zeros(), lo: zeros(), hi: zeros() },
  };
}
