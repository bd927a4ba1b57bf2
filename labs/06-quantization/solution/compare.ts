// Lab 06 — reference script: `dlp lab run compare.ts`. It runs the
// provided experiment and prints the device table; extend it to measure what README.md asks
// and put the numbers in answers.json.
import { runVariant, trainModel, VARIANTS } from 'dlpkit/labkit';
import { dequantize, quantizePerChannel, quantizePerTensor } from './quant.js';

const t = await trainModel();
console.log(`host fp32 accuracy on the test images: ${(t.model.evaluate(t.test).accuracy * 100).toFixed(2)} %`);
for (const v of VARIANTS) {
  const r = runVariant(t, v);
  console.log(`${v.padEnd(17)} accuracy ${(r.accuracy * 100).toFixed(2)} %, ${r.cycles} cycles, ${(r.energyJoules * 1e6).toFixed(2)} µJ, ${r.dramBytes} DRAM bytes`);
}

// 4-bit weights: per-tensor vs per-channel error on fc1, then accuracy with every layer fake-quantised.
const w1 = t.weights[0]!.w;
const mse = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length;
const perTensor = mse(w1, dequantize(quantizePerTensor(w1, 4), 64));
const perChannel = mse(w1, dequantize(quantizePerChannel(w1, 784, 64, 4), 64));
console.log(`fc1 4-bit MSE: per tensor ${perTensor}, per channel ${perChannel}, ratio ${perTensor / perChannel}`);
const saved = t.model.snapshot();
for (const pc of [false, true]) {
  t.model.setWeights(t.weights.map((l, i) => {
    const out = t.graph.layers[i]!.units, inF = l.w.length / out;
    return { ...l, w: dequantize(pc ? quantizePerChannel(l.w, inF, out, 4) : quantizePerTensor(l.w, 4), out) };
  }));
  console.log(`4-bit ${pc ? 'per channel' : 'per tensor '}: host accuracy ${(t.model.evaluate(t.test).accuracy * 100).toFixed(2)} %`);
  t.model.restore(saved);
}
