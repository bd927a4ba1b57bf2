// Lab 06 — your script: `dlp lab run compare.ts`. It runs the
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

// TODO: quantise fc1's weights (t.weights[0].w, 784×64) to 4 bits per tensor and per channel,
// compare the mean squared errors; then fake-quantise all layers (t.model.setWeights) and
// compare host accuracies.
void [dequantize, quantizePerChannel, quantizePerTensor];
