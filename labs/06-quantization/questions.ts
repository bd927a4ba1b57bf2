// Lab 06: the questions and how the checker computes their answers (from the provided
// experiment and the spec quantiser in this file). Tolerances are absolute for accuracy
// points and relative for ratios.
import type { ModelWeights } from '../../compiler/model.js';
import { runVariant, type DeviceResult, type Trained, type Variant } from './experiment.js';

export interface Question {
  id: string;
  text: string;
  /** 'rel': |got − want| ≤ tol·|want|; 'abs': |got − want| ≤ tol. */
  kind: 'rel' | 'abs';
  tolerance: number;
  answer(ctx: QuantContext): number;
}

export interface QuantContext {
  trained: Trained;
  device(v: Variant): DeviceResult;
}

// ---- the spec quantiser (README "The scheme") -----------------------------------------------

const roundHalfAway = (v: number) => Math.sign(v) * Math.floor(Math.abs(v) + 0.5);

/** Dequantised weights after symmetric quantisation, per tensor or per output column. */
export function specFakeQuant(w: Float32Array, outF: number, bits: number, perChannel: boolean): Float32Array {
  const qmax = 2 ** (bits - 1) - 1;
  const max = new Float64Array(perChannel ? outF : 1);
  for (let i = 0; i < w.length; i++) {
    const c = perChannel ? i % outF : 0;
    max[c] = Math.max(max[c]!, Math.abs(w[i]!));
  }
  const scale = max.map((m) => (m === 0 ? 1 : m / qmax));
  return w.map((v, i) => {
    const s = scale[perChannel ? i % outF : 0]!;
    return Math.max(-qmax, Math.min(qmax, roundHalfAway(v / s))) * s;
  });
}

export function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / a.length;
}

/** Host accuracy on the test images with every layer's weights fake-quantised. */
function hostAccuracy(t: Trained, bits: number, perChannel: boolean): number {
  const saved = t.model.snapshot();
  const weights: ModelWeights = t.weights.map((l, i) => ({ ...l, w: specFakeQuant(l.w, t.graph.layers[i]!.units, bits, perChannel) }));
  t.model.setWeights(weights);
  const acc = t.model.evaluate(t.test).accuracy;
  t.model.restore(saved);
  return acc;
}

export const QUESTIONS: Question[] = [
  { id: 'q1', text: 'cycles of fp32 / cycles of int8', kind: 'rel', tolerance: 0.02, answer: (c) => c.device('fp32').cycles / c.device('int8').cycles },
  { id: 'q2', text: 'DRAM bytes of fp32 / DRAM bytes of int8', kind: 'rel', tolerance: 0.02, answer: (c) => c.device('fp32').dramBytes / c.device('int8').dramBytes },
  { id: 'q3', text: 'energy of fp32 / energy of int8', kind: 'rel', tolerance: 0.02, answer: (c) => c.device('fp32').energyJoules / c.device('int8').energyJoules },
  { id: 'q4', text: 'accuracy points lost from fp32 to int8 on the device (100 × (fp32 accuracy − int8 accuracy))', kind: 'abs', tolerance: 0.05, answer: (c) => 100 * (c.device('fp32').accuracy - c.device('int8').accuracy) },
  {
    id: 'q5', text: 'fc1 weights at 4 bits: per-tensor MSE / per-channel MSE', kind: 'rel', tolerance: 0.02,
    answer: (c) => {
      const w = c.trained.weights[0]!.w, n = c.trained.graph.layers[0]!.units;
      return mse(w, specFakeQuant(w, n, 4, false)) / mse(w, specFakeQuant(w, n, 4, true));
    },
  },
  {
    id: 'q6', text: 'all weights at 4 bits on the host: accuracy points gained by per-channel over per-tensor', kind: 'abs', tolerance: 0.05,
    answer: (c) => 100 * (hostAccuracy(c.trained, 4, true) - hostAccuracy(c.trained, 4, false)),
  },
];

/** A context whose device runs are computed once per variant. */
export function createContext(trained: Trained): QuantContext {
  const seen = new Map<Variant, DeviceResult>();
  return {
    trained,
    device: (v) => {
      let r = seen.get(v);
      if (!r) seen.set(v, (r = runVariant(trained, v)));
      return r;
    },
  };
}
