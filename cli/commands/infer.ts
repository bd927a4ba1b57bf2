// `dlp infer --weights W [--model FILE] --hw ... [--dtype ...]`: offloaded inference of MNIST
// test images. The architecture comes from a model file, or else from the weights file itself
// (dense layers chained by their shapes, hidden activation from --activation, softmax on top).
// An ONNX model brings its own weights (`--model m.onnx` alone), or takes a PyTorch state_dict
// or dlpkit weights file with --weights, as `dlp compile` does.
// The model is calibrated on training images, compiled, run on the simulator, and the
// accuracy is printed with the simulator report.
import type { Command } from 'commander';
import { DlpError } from '../../isa/errors.js';
import type { ActivationKind, DenseLayer, ModelGraph } from '../../compiler/model.js';
import { loadModelFile, type LoadedModel } from '../../compiler/load-model.js';
import { readSafetensors } from '../../compiler/weights/safetensors.js';
import { readWeightsBytes, readWeightsFileWithMetadata, readWeightsMetadata } from '../../compiler/weights/weights-file.js';
import { readModelWeights } from '../../compiler/weights/state-dict-file.js';
import { formatReport } from '../../simulator/index.js';
import { compileForDevice, loadMnist, sampleCalibration } from '../../runtime/index.js';
import { addExamples, parseChoice, parseDtype, parsePositiveInt } from '../options.js';
import { reportToJson } from '../report/report-data.js';

interface InferCliOptions {
  weights?: string; model?: string; activation?: string; hw: string; dtype?: string; images?: string; calibration?: string; json?: boolean; pixels?: string;
}

const MNIST_PIXELS = 28 * 28;
export const ACTIVATIONS = ['relu', 'leaky', 'prelu', 'elu', 'sigmoid', 'tanh', 'identity'] as const;

/** Rebuilds the dense chain from the `<name>.weight` [out, in] tensors of a weights file. */
export function inferGraph(path: string, inputSize: number, activation: ActivationKind): ModelGraph {
  const tensors = readSafetensors(readWeightsBytes(path), path);
  const dense = [...tensors].filter(([n, t]) => n.endsWith('.weight') && t.shape.length === 2)
    .map(([n, t]) => ({ name: n.slice(0, -'.weight'.length), out: t.shape[0]!, in: t.shape[1]! }));
  const layers: DenseLayer[] = [];
  let width = inputSize;
  while (layers.length < dense.length) {
    const next = dense.find((d) => d.in === width && !layers.some((l) => l.name === d.name));
    if (!next) break;
    const prelu = tensors.has(`${next.name}.slope`);
    layers.push({ kind: 'dense', name: next.name, units: next.out, activation: prelu ? { kind: 'prelu' } : { kind: 'identity' } });
    width = next.out;
  }
  if (layers.length === 0 || layers.length !== dense.length) {
    throw new DlpError(`cannot chain the dense layers of the weights file from ${inputSize} inputs (found ${dense.map((d) => `${d.name} ${d.in}→${d.out}`).join(', ') || 'none'}); give --model FILE`, { file: path });
  }
  const act = activation === 'leaky' ? { kind: 'leaky' as const, alpha: 0.01 } : activation === 'elu' ? { kind: 'elu' as const, alpha: 1 } : { kind: activation } as DenseLayer['activation'];
  for (const l of layers.slice(0, -1)) if (l.activation.kind === 'identity') l.activation = act;
  return { name: 'mnist', inputSize, layers, softmax: width > 1, file: path };
}

/** The model of `--model FILE`, or the dense chain rebuilt from `--weights` (dlp infer and dlp
 * export); one of them must hold the weights. */
export function modelFromOptions(
  o: { model?: string; weights?: string }, inputSize: number, activation: ActivationKind,
): { loaded: LoadedModel | undefined; model: ModelGraph } {
  const loaded = o.model ? loadModelFile(o.model) : undefined;
  if (!o.weights && !loaded?.weights) throw new DlpError('give --weights FILE, or an .onnx --model that holds its weights');
  return { loaded, model: loaded ? loaded.model : inferGraph(o.weights as string, inputSize, activation) };
}

export function register(program: Command): void {
  const cmd = program.command('infer')
    .description('run MNIST test images through a trained model on the simulated DLP')
    .option('--weights <file.safetensors>', 'trained weights (from dlp train or PyTorch); optional with an .onnx --model, which holds its own')
    .option('--model <file>', 'model file (.mlp, .json, .onnx); default: derived from the weights file')
    .option('--activation <fn>', `hidden activation when the architecture comes from the weights (${ACTIVATIONS.join(', ')})`, 'relu')
    .option('--hw <preset|file.json>', 'hardware preset name or JSON file', 'dlp-s')
    .option('--dtype <type>', 'int8, int16 or fp32', 'int8')
    .option('--images <N>', 'first N test images', '10000')
    .option('--calibration <N>', 'training images used to calibrate int8/int16 scales', '500')
    .option('--pixels <scale>', 'unit: pixels in [0, 1]; raw: 0..255 (default: what the weights file records, dlp train writes it; else unit)')
    .option('--json', 'print accuracy and the simulator report as JSON')
    .action((o: InferCliOptions) => {
      const dtype = parseDtype(o.dtype);
      const images = parsePositiveInt('images', o.images, 10000, 10000, 'the MNIST test set has 10,000 images');
      const calRows = parsePositiveInt('calibration', o.calibration, 500, 60000, 'the MNIST training set has 60,000 images');
      const activation = parseChoice<ActivationKind>('activation', o.activation, ACTIVATIONS as unknown as ActivationKind[], 'relu');
      // Model and weights first: a wrong file fails before MNIST is read.
      const { loaded, model } = modelFromOptions(o, MNIST_PIXELS, activation);
      const { weights, metadata } = !o.weights
        ? { weights: loaded!.weights!, metadata: {} as Record<string, string> }
        : loaded?.onnx
          ? { weights: readModelWeights(o.weights, loaded), metadata: readWeightsMetadata(o.weights) }
          : readWeightsFileWithMetadata(o.weights, model);
      const pixels = parseChoice('pixels', o.pixels ?? metadata.pixels, ['unit', 'raw'] as const, 'unit');
      const mnist = loadMnist({ subset: Math.max(images, calRows), pixels });
      const rows = Math.min(images, mnist.test.n);
      const test = { x: mnist.test.x.subarray(0, rows * MNIST_PIXELS), y: mnist.test.y.subarray(0, rows) };
      const device = compileForDevice({ model, weights }, undefined, {
        hw: o.hw, dtype, calibration: sampleCalibration(mnist.train.x, mnist.train.features, calRows),
      });
      const r = device.accuracy(test.x, test.y);
      const n = test.y.length;
      if (o.json) {
        process.stdout.write(reportToJson({ accuracy: r.accuracy, correct: r.correct, images: n, hw: device.hw.name, dtype, runs: r.runs, host: r.times, report: r.report }));
        return;
      }
      const arch = [model.inputSize, ...model.layers.map((l) => l.units)].join('-');
      process.stdout.write(`${model.name} ${arch} on ${device.hw.name} (${dtype}): accuracy ${(r.accuracy * 100).toFixed(2)} % (${r.correct} of ${n} test images)\n\n`);
      process.stdout.write(`${formatReport(r.report)}\n`);
    });
  addExamples(cmd, 'dlp infer --weights weights.safetensors --hw dlp-s', 'dlp infer --model mnist.onnx --dtype int8', 'dlp infer --weights mnist.safetensors --model examples/mnist.mlp --dtype int16 --images 1000 --json');
}
