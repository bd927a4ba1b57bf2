// Lab 06 — reference answers, measured with the provided experiment and this folder's
// quantisers (so they stay right when the compiler changes). A student may hand in
// answers.json instead.
import { runVariant, trainModel } from 'dlpkit/labkit';
import { dequantize, quantizePerChannel, quantizePerTensor } from './quant.js';

const mse = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length;

export async function answers(): Promise<Record<string, number>> {
  const t = await trainModel();
  const fp32 = runVariant(t, 'fp32');
  const int8 = runVariant(t, 'int8');
  const w1 = t.weights[0]!.w;
  const out1 = t.graph.layers[0]!.units;
  const saved = t.model.snapshot();
  const accuracyAt4Bits = (perChannel: boolean) => {
    t.model.setWeights(t.weights.map((l, i) => {
      const out = t.graph.layers[i]!.units;
      const q = perChannel ? quantizePerChannel(l.w, l.w.length / out, out, 4) : quantizePerTensor(l.w, 4);
      return { ...l, w: dequantize(q, out) };
    }));
    const a = t.model.evaluate(t.test).accuracy;
    t.model.restore(saved);
    return a;
  };
  return {
    q1: fp32.cycles / int8.cycles,
    q2: fp32.dramBytes / int8.dramBytes,
    q3: fp32.energyJoules / int8.energyJoules,
    q4: 100 * (fp32.accuracy - int8.accuracy),
    q5: mse(w1, dequantize(quantizePerTensor(w1, 4), out1)) / mse(w1, dequantize(quantizePerChannel(w1, w1.length / out1, out1, 4), out1)),
    q6: 100 * (accuracyAt4Bits(true) - accuracyAt4Bits(false)),
  };
}
