// Pass 2: quantisation. Turns fp32 weights into the integer (or fp32) tensors the program
// stores, picks one symmetric scale per tensor (per output column for weights, optionally),
// and derives the exact integers every ACT instruction carries (bias in int32, multiplier +
// shift, dequantisation scale). Weight scales leave int32 headroom: each layer's weight qmax is
// the largest (up to the type's) for which no accumulator can overflow (headroom.ts proves it).
// The scheme is documented step by step in docs/quantization.md;
// test/reference/mlp-reference.ts re-derives it independently from that document.
import { DlpError } from '../../isa/errors.js';
import { boundedMagnitude, INT_PATH_FUNCS } from '../../isa/act.js';
import type { ModelGraph, ModelWeights } from '../model.js';
import { accumulatorBound, outputRange, typeRange } from './headroom.js';

import type { ActPath, ComputeDType, QuantLayer, QuantModel, Requant } from './quant-model.js';
import { alphaOf, defaultCalibration, forwardFp32, rangeOf } from './calibrate.js';
import { fitWeights, zeroWeights } from './fit-weights.js';
import { QMAX, checkScale, clamp, roundHalfAway, scaleFor } from './quant-math.js';

export { QMAX, roundHalfAway } from './quant-math.js';
export { applyActivation, defaultCalibration } from './calibrate.js';

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

/** Quantises every layer of a model. Without `weights` every weight, bias and slope is zero
 * and nothing reads a value: each weight scale is that of a zero range, and each hidden output
 * scale one its calibration outputs would give if all were zero (unless given or bounded by
 * the activation), so no calibration runs (docs/quantization.md, "Without weights"). */
export function quantizeModel(model: ModelGraph, weights: ModelWeights | undefined, opts: QuantOptions): QuantModel {
  const { dtype } = opts;
  const perChannel = dtype !== 'fp32' && opts.perChannel === true;
  if (weights !== undefined && weights.length !== model.layers.length) {
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
  const last = model.layers.length - 1;
  // Only a hidden layer whose output scale is neither given nor bounded by its activation
  // reads its calibration outputs: the forward stops after the last such layer, and without
  // one (or without weights) no calibration row is drawn.
  const calibrated = model.layers.map((layer, l) => weights !== undefined && l < last && opts.scales?.layers?.[l] === undefined && boundedMagnitude(layer.activation.kind) === undefined);
  const forwardLayers = calibrated.lastIndexOf(true) + 1;
  let drawn: Float32Array | undefined;
  const calibRows = (): Float32Array => (given && given.length > 0 ? given : (drawn ??= defaultCalibration(model.inputSize)));
  const acts = weights !== undefined && forwardLayers > 0 ? forwardFp32(model, weights, calibRows(), calibRows().length / model.inputSize, forwardLayers) : [];
  const fixedIn = opts.scales?.input;
  const inputScale = fixedIn !== undefined ? checkScale(fixedIn, 'input')
    : given ? scaleFor(finiteRange(rangeOf(calibRows(), method, pct), 'calibration rows', 'every value must be a finite number'), qmax) : Math.fround(1 / qmax);

  let inScale = inputScale;
  let K = model.inputSize;
  // Any integer of the type may sit in the input region, so layer 1 assumes the full range.
  let inRange = typeRange(dtype, K);
  const layers = model.layers.map((layer, l): QuantLayer => {
    const N = layer.units;
    const lw = weights?.[l];
    const func = layer.activation.kind;
    const { w, bias, wScale, wQmax, acc } = lw ? fitWeights(layer.name, lw, K, N, inScale, inRange, perChannel, dtype) : zeroWeights(K, N, perChannel, dtype);
    const accScale = wScale.map((s) => Math.fround(inScale * s));
    const over = accScale.findIndex((s) => !Number.isFinite(s));
    if (over >= 0) {
      throw new DlpError(`layer '${layer.name}': its accumulator scale, input scale ${inScale} × weight scale ${wScale[over]}, ` +
        'overflows fp32: the weights are too large for the values they multiply');
    }
    const isLast = l === last;
    let outScale = 1;
    let path: ActPath = 'float';
    let requant: Requant[] = wScale.map(() => ({ mult: 1, shift: 0 }));
    if (!isLast) {
      const bound = boundedMagnitude(func);
      const fixed = opts.scales?.layers?.[l];
      if (fixed !== undefined) outScale = checkScale(fixed, `layer '${layer.name}'`);
      else if (bound !== undefined) outScale = Math.fround(bound / qmax);
      else if (weights === undefined) outScale = scaleFor(0, qmax);
      else outScale = scaleFor(finiteRange(rangeOf(acts[l]!, method, pct), `layer '${layer.name}': its fp32 outputs on the calibration rows`, OVERFLOWED), qmax);
      path = INT_PATH_FUNCS.has(func) ? 'int' : 'float';
      requant = path === 'int'
        ? wScale.map((s) => deriveRequant((inScale * s) / outScale))
        : wScale.map(() => deriveRequant(1 / (outScale * 65536)));
    }
    const q: QuantLayer = {
      name: layer.name, K, N, func, alpha: alphaOf(layer.activation), dtype, w, bias,
      slopes: func === 'prelu' ? lw?.slopes ?? new Float32Array(N) : undefined,
      inScale, wScale, wQmax, accBound: accumulatorBound(acc), accScale, outScale, outType: isLast ? 'fp32' : dtype, path, requant,
    };
    if (!isLast) inRange = outputRange(q, acc);
    inScale = outScale;
    K = N;
    return q;
  });
  return { dtype, inputScale, inputType: dtype, layers, softmax: model.softmax, perChannel };
}

const OVERFLOWED = 'the weights or inputs are too large for fp32';

/** A calibration range, refused when the values it comes from are not finite (a layer's fp32
 * outputs overflow to Infinity, or to NaN from ∞ − ∞): no scale represents them. */
function finiteRange(range: number, what: string, why: string): number {
  if (!Number.isFinite(range)) throw new DlpError(`${what} are not finite (range ${range}): ${why}`);
  return range;
}

function quantizeFp32(model: ModelGraph, weights: ModelWeights | undefined): QuantModel {
  let K = model.inputSize;
  const layers = model.layers.map((layer, l): QuantLayer => {
    const N = layer.units;
    const lw = weights?.[l];
    const q: QuantLayer = {
      name: layer.name, K, N, func: layer.activation.kind, alpha: alphaOf(layer.activation), dtype: 'fp32',
      w: lw ? Float32Array.from(lw.w) : new Float32Array(K * N), bias: lw ? Float32Array.from(lw.b) : new Float32Array(N),
      slopes: layer.activation.kind === 'prelu' ? lw?.slopes ?? new Float32Array(N) : undefined,
      inScale: 1, wScale: [1], wQmax: [], accBound: 0, accScale: [1], outScale: 1, outType: 'fp32', path: 'fp32',
      requant: [{ mult: 1, shift: 0 }],
    };
    K = N;
    return q;
  });
  return { dtype: 'fp32', inputScale: 1, inputType: 'fp32', layers, softmax: model.softmax, perChannel: false };
}

/** Quantises fp32 rows into the input type (roundHalfAway(x / s), saturated to ±qmax). */
export function quantizeInput(x: Float32Array, q: Pick<QuantModel, 'inputType' | 'inputScale'>): Int8Array | Int16Array | Float32Array {
  if (q.inputType === 'fp32') return Float32Array.from(x);
  const qmax = QMAX[q.inputType as 'int8' | 'int16'];
  const out = q.inputType === 'int8' ? new Int8Array(x.length) : new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = clamp(roundHalfAway(x[i]! / q.inputScale), -qmax, qmax);
  return out;
}
