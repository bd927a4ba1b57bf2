// Pass 2: quantisation. Turns fp32 weights into the integer (or fp32) tensors the program
// stores, picks one symmetric scale per tensor (per output column for weights, optionally),
// and derives the exact integers every ACT instruction carries (bias in int32, multiplier +
// shift, dequantisation scale). Weight scales leave int32 headroom: each layer's weight qmax is
// the largest (up to the type's) for which no accumulator can overflow (headroom.ts proves it).
// The scheme is documented step by step in docs/quantization.md;
// test/reference/mlp-reference.ts re-derives it independently from that document.
import { DlpError } from '../../isa/errors.js';
import { createRng } from '../../isa/rng.js';
import { boundedMagnitude, floatActivation, INT_PATH_FUNCS } from '../../isa/act.js';
import type { Activation, LayerWeights, ModelGraph, ModelWeights } from '../model.js';
import {
  INT32_MAX, INT32_MIN, accumulatorBound, accumulatorRange, findOverflow, outputRange, typeRange, type AccRange, type ValueRange,
} from './headroom.js';

import type { ActPath, ComputeDType, QuantLayer, QuantModel, Requant } from './quant-model.js';

export type { ActPath, ComputeDType, QuantLayer, QuantModel, Requant } from './quant-model.js';

export interface QuantOptions {
  dtype: ComputeDType;
  /** One scale per weight output column instead of one per tensor. */
  perChannel?: boolean;
  /** Calibration rows (rows × inputSize, fp32). */
  calibration?: Float32Array;
  /** maxabs (default) or percentile of |x| over the calibration rows. */
  calibrationMethod?: 'maxabs' | 'percentile';
  /** Percentile for calibrationMethod 'percentile' (default 99.99). */
  percentile?: number;
  /** Fixed scales that override calibration: the input, and each layer's output. */
  scales?: { input?: number; layers?: (number | undefined)[] };
}

export const QMAX: Record<'int8' | 'int16', number> = { int8: 127, int16: 32767 };

/** Rounds half away from zero (the rounding of every quantiser in dlpkit). */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

/** Chooses mult ∈ [2^14, 2^15) and shift ∈ [0, 47] with mult·2^-shift ≈ r. Multipliers below
 * 2^-33 keep shift = 47 and a smaller mult; r ≥ 2^15 saturates at mult 32767, shift 0. */
export function deriveRequant(r: number): Requant {
  if (!(r > 0) || !Number.isFinite(r)) throw new DlpError(`cannot requantise by ${r}: the ratio of scales must be a positive number`);
  let shift = 14 - Math.floor(Math.log2(r));
  while (r * 2 ** shift >= 2 ** 15) shift--;
  while (r * 2 ** shift < 2 ** 14) shift++;
  let mult = Math.round(r * 2 ** shift);
  if (mult === 2 ** 15) {
    mult = 2 ** 14;
    shift -= 1;
  }
  if (shift > 47) return { mult: Math.round(r * 2 ** 47), shift: 47 };
  if (shift < 0) return { mult: Math.min(32767, Math.round(r)), shift: 0 };
  return { mult, shift };
}


function alphaOf(a: Activation): number {
  return a.kind === 'leaky' || a.kind === 'elu' ? a.alpha : 0;
}

/** Rows used when the caller gives no calibration: seeded uniform values in [-1, 1). */
export function defaultCalibration(inputSize: number, rows = 32): Float32Array {
  const rng = createRng(0x9e3779b9);
  const out = new Float32Array(rows * inputSize);
  for (let i = 0; i < out.length; i++) out[i] = rng() * 2 - 1;
  return out;
}

/** Statistic of |x| used to size a scale. */
function rangeOf(values: Float32Array | Float64Array, method: 'maxabs' | 'percentile', pct: number): number {
  if (values.length === 0) return 0;
  if (method === 'maxabs') {
    let m = 0;
    for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
    return m;
  }
  const abs = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) abs[i] = Math.abs(values[i]!);
  abs.sort();
  const at = Math.min(abs.length - 1, Math.max(0, Math.ceil((pct / 100) * abs.length) - 1));
  return abs[at]!;
}

/** Applies an activation in fp32 (the calibration forward): ACT's float path, isa/act.ts,
 * with the fp32 alpha the instruction carries and the fp32 PReLU slope of the column. */
export function applyActivation(kind: Activation['kind'], v: number, alpha: number, slope: number): number {
  return floatActivation(kind, v, kind === 'prelu' ? Math.fround(slope) : Math.fround(alpha));
}

/** fp32 forward over the calibration rows; returns each layer's activated outputs. */
function forwardFp32(model: ModelGraph, weights: ModelWeights, x: Float32Array, rows: number): Float32Array[] {
  const outs: Float32Array[] = [];
  let cur = x;
  let K = model.inputSize;
  model.layers.forEach((layer, l) => {
    const { w, b, slopes } = weights[l]!;
    const N = layer.units;
    const y = new Float32Array(rows * N);
    const acc = new Float64Array(N);
    const alpha = alphaOf(layer.activation);
    for (let r = 0; r < rows; r++) {
      acc.fill(0);
      for (let i = 0; i < K; i++) {
        const xv = cur[r * K + i]!;
        if (xv === 0) continue;
        const row = i * N;
        for (let j = 0; j < N; j++) acc[j] += xv * w[row + j]!;
      }
      for (let j = 0; j < N; j++) {
        y[r * N + j] = applyActivation(layer.activation.kind, Math.fround(acc[j]! + b[j]!), alpha, slopes?.[j] ?? 0);
      }
    }
    outs.push(y);
    cur = y;
    K = N;
  });
  return outs;
}

function checkScale(s: number, what: string): number {
  if (!(s > 0) || !Number.isFinite(s)) throw new DlpError(`${what}: scale must be a positive number, got ${s}`);
  return Math.fround(s);
}

/** Scale of a quantised tensor whose range is `range`; all-zero tensors get scale 1/qmax. */
function scaleFor(range: number, qmax: number): number {
  return Math.fround(range > 0 ? range / qmax : 1 / qmax);
}

/** Quantises every layer of a model. */
export function quantizeModel(model: ModelGraph, weights: ModelWeights, opts: QuantOptions): QuantModel {
  const { dtype } = opts;
  const perChannel = dtype !== 'fp32' && opts.perChannel === true;
  if (weights.length !== model.layers.length) {
    throw new DlpError(`model '${model.name}' has ${model.layers.length} layers but ${weights.length} weight sets were given`);
  }
  if (dtype === 'fp32') return quantizeFp32(model, weights);
  const qmax = QMAX[dtype];
  const method = opts.calibrationMethod ?? 'maxabs';
  const pct = opts.percentile ?? 99.99;
  const given = opts.calibration;
  if (given && given.length % model.inputSize !== 0) {
    throw new DlpError(`calibration has ${given.length} values, not a multiple of the input size ${model.inputSize}`);
  }
  const calib = given && given.length > 0 ? given : defaultCalibration(model.inputSize);
  const rows = calib.length / model.inputSize;
  const acts = forwardFp32(model, weights, calib, rows);
  const fixedIn = opts.scales?.input;
  const inputScale = fixedIn !== undefined ? checkScale(fixedIn, 'input')
    : given ? scaleFor(rangeOf(calib, method, pct), qmax) : Math.fround(1 / qmax);

  let inScale = inputScale;
  let K = model.inputSize;
  // Any integer of the type may sit in the input region, so layer 1 assumes the full range.
  let inRange = typeRange(dtype, K);
  const last = model.layers.length - 1;
  const layers = model.layers.map((layer, l): QuantLayer => {
    const N = layer.units;
    const lw = weights[l]!;
    const func = layer.activation.kind;
    const { w, bias, wScale, wQmax, acc } = fitWeights(layer.name, lw, K, N, inScale, inRange, perChannel, dtype);
    const accScale = wScale.map((s) => Math.fround(inScale * s));
    const isLast = l === last;
    let outScale = 1;
    let path: ActPath = 'float';
    let requant: Requant[] = wScale.map(() => ({ mult: 1, shift: 0 }));
    if (!isLast) {
      const bound = boundedMagnitude(func);
      const fixed = opts.scales?.layers?.[l];
      if (fixed !== undefined) outScale = checkScale(fixed, `layer '${layer.name}'`);
      else if (bound !== undefined) outScale = Math.fround(bound / qmax);
      else outScale = scaleFor(rangeOf(acts[l]!, method, pct), qmax);
      path = INT_PATH_FUNCS.has(func) ? 'int' : 'float';
      requant = path === 'int'
        ? wScale.map((s) => deriveRequant((inScale * s) / outScale))
        : wScale.map(() => deriveRequant(1 / (outScale * 65536)));
    }
    const q: QuantLayer = {
      name: layer.name, K, N, func, alpha: alphaOf(layer.activation), dtype, w, bias,
      slopes: func === 'prelu' ? lw.slopes ?? new Float32Array(N) : undefined,
      inScale, wScale, wQmax, accBound: accumulatorBound(acc), accScale, outScale, outType: isLast ? 'fp32' : dtype, path, requant,
    };
    if (!isLast) inRange = outputRange(q, acc);
    inScale = outScale;
    K = N;
    return q;
  });
  return { dtype, inputScale, inputType: dtype, layers, softmax: model.softmax, perChannel };
}

function quantizeFp32(model: ModelGraph, weights: ModelWeights): QuantModel {
  let K = model.inputSize;
  const layers = model.layers.map((layer, l): QuantLayer => {
    const N = layer.units;
    const lw = weights[l]!;
    const q: QuantLayer = {
      name: layer.name, K, N, func: layer.activation.kind, alpha: alphaOf(layer.activation), dtype: 'fp32',
      w: Float32Array.from(lw.w), bias: Float32Array.from(lw.b),
      slopes: layer.activation.kind === 'prelu' ? lw.slopes ?? new Float32Array(N) : undefined,
      inScale: 1, wScale: [1], wQmax: [], accBound: 0, accScale: [1], outScale: 1, outType: 'fp32', path: 'fp32',
      requant: [{ mult: 1, shift: 0 }],
    };
    K = N;
    return q;
  });
  return { dtype: 'fp32', inputScale: 1, inputType: 'fp32', layers, softmax: model.softmax, perChannel: false };
}

/** One layer's integer weights and bias with the scales and qmax that produced them. */
interface FittedWeights {
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
  for (let i = 0; i < K; i++) {
    const row = i * N + c0;
    for (let j = 0; j < n; j++) w[i * n + j] = clamp(roundHalfAway(lw.w[row + j]! / scale), -q, q);
  }
  const bias = new Float64Array(n);
  for (let j = 0; j < n; j++) bias[j] = roundHalfAway(lw.b[c0 + j]! / (inScale * scale));
  const acc = accumulatorRange(inRange, w, K, n, bias);
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
  let m = 0;
  for (let i = 0; i < K; i++) for (let j = c0; j < c1; j++) m = Math.max(m, Math.abs(lw.w[i * N + j]!));
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
function fitWeights(name: string, lw: LayerWeights, K: number, N: number, inScale: number, inRange: ValueRange, perChannel: boolean, dtype: 'int8' | 'int16'): FittedWeights {
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
    for (let i = 0; i < K; i++) for (let j = 0; j < n; j++) w[i * N + c0 + j] = t.w[i * n + j]!;
    for (let j = 0; j < n; j++) {
      bias[c0 + j] = t.bias[j]!;
      for (const k of ['neg', 'pos', 'lo', 'hi'] as const) acc[k][c0 + j] = t.acc[k][j]!;
    }
  }
  return { w, bias, wScale, wQmax, acc };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Quantises fp32 rows into the input type (roundHalfAway(x / s), saturated to ±qmax). */
export function quantizeInput(x: Float32Array, q: Pick<QuantModel, 'inputType' | 'inputScale'>): Int8Array | Int16Array | Float32Array {
  if (q.inputType === 'fp32') return Float32Array.from(x);
  const qmax = QMAX[q.inputType as 'int8' | 'int16'];
  const out = q.inputType === 'int8' ? new Int8Array(x.length) : new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = clamp(roundHalfAway(x[i]! / q.inputScale), -qmax, qmax);
  return out;
}
