// Trains the playground's digit classifier (web/assets/digits-*): a 784-64-10 MLP on MNIST with
// dlpkit's host trainer, with small shifts and rotations so hand-drawn digits (thicker, off
// centre) are closer to what it saw. Writes the model (JSON), its weights (safetensors, F32)
// and 32 calibration rows (the first training images) that the page compiles with, and prints
// the host fp32 and simulated int8 test accuracy. Run: npx tsx scripts/web/train-digits.ts
import { writeFileAtomic } from '../../isa/node.js';
import { modelToJson, writeSafetensors } from '../../compiler/index.js';
import { writeWeightsFile } from '../../compiler/node.js';
import { augmentTrainOptions, compileForDevice, createMlp, loadMnist, train } from '../../runtime/index.js';

const OUT = new URL('../../web/assets/', import.meta.url).pathname;
const CALIBRATION_ROWS = 32;

const { train: data, test } = loadMnist();
const model = createMlp({ name: 'digits', inputSize: 784, hidden: [64], outputs: 10, activation: 'relu', init: 'he', seed: 1 });
const result = await train(model, data, augmentTrainOptions(
  { epochs: 6, batchSize: 64, lr: 1e-3, optimizer: 'adam', seed: 1, onEpoch: (e) => console.log(JSON.stringify(e)) },
  { maxShift: 3, maxRotation: 12, seed: 1 },
));
const host = model.evaluate(test);
const calibration = data.x.slice(0, CALIBRATION_ROWS * 784);
const device = compileForDevice(model, undefined, { hw: 'dlp-s', dtype: 'int8', calibration });
const { accuracy } = device.accuracy(test.x, test.y);
const { model: graph, weights } = model.toGraph();
writeFileAtomic(`${OUT}digits-model.json`, modelToJson(graph));
writeWeightsFile(`${OUT}digits.safetensors`, graph, weights, { pixels: 'unit', trainedBy: 'scripts/web/train-digits.ts' });
writeFileAtomic(`${OUT}digits-calibration.safetensors`, writeSafetensors({ x: { dtype: 'F32', shape: [CALIBRATION_ROWS, 784], data: calibration } }));
console.log(JSON.stringify({ epochs: result.history.length, hostTestAccuracy: host.accuracy, int8DlpTestAccuracy: accuracy }));
