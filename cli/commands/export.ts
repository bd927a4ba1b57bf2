// `dlp export --weights W.safetensors [--model FILE] -o model.onnx`: writes a trained dlpkit
// model as ONNX (opset 17, the layout torch.onnx.export gives an nn.Sequential MLP) and checks
// the file with dlpkit's ONNX checker (compiler/frontend/onnx-check.ts) before writing it.
import type { Command } from 'commander';
import { DlpError } from '../../isa/errors.js';
import { exportOnnx } from '../../compiler/frontend/onnx-export.js';
import { checkOnnxBytes } from '../../compiler/frontend/onnx-check.js';
import { readModelWeights } from '../../compiler/weights/state-dict-file.js';
import type { ActivationKind } from '../../compiler/model.js';
import { addExamples, parseChoice, parseCount } from '../options.js';
import { checkOutputFile, writeOutputFile } from '../output/file.js';
import { ACTIVATIONS, modelFromOptions } from './infer.js';

interface ExportOptions { weights?: string; model?: string; activation?: string; inputs?: string; output: string }

export function register(program: Command): void {
  const cmd = program.command('export')
    .description('write a trained model as ONNX (opset 17), checked before it is written')
    .option('--weights <file.safetensors>', 'trained weights (dlp train output or a PyTorch state_dict); optional for an .onnx --model')
    .option('--model <file>', 'model file (.mlp, .json, .onnx); default: derived from the weights file as dlp infer does')
    .option('--activation <fn>', `hidden activation when the architecture comes from the weights (${ACTIVATIONS.join(', ')})`, 'relu')
    .option('--inputs <N>', 'input features when the architecture comes from the weights', '784')
    .requiredOption('-o, --output <file.onnx>', 'ONNX file to write')
    .action((o: ExportOptions) => {
      if (!o.output.toLowerCase().endsWith('.onnx')) throw new DlpError('the output must end in .onnx', { file: o.output });
      const activation = parseChoice<ActivationKind>('activation', o.activation, ACTIVATIONS as unknown as ActivationKind[], 'relu');
      const inputs = parseCount('inputs', o.inputs, 784);
      const target = { flag: '-o', inputs: [o.model, o.weights] };
      checkOutputFile(o.output, target);
      const { loaded, model } = modelFromOptions(o, inputs, activation);
      const weights = o.weights ? readModelWeights(o.weights, loaded ?? { model }) : loaded!.weights!;
      if (loaded?.hostOutput) throw new DlpError('the model ends in LogSoftmax, which the dlpkit model cannot express in its export', { file: o.model });
      const bytes = exportOnnx(model, weights);
      const problems = checkOnnxBytes(bytes);
      if (problems.length > 0) throw new DlpError(`the exported graph fails the ONNX check: ${problems.join('; ')}`);
      writeOutputFile(o.output, bytes, target);
      const arch = [model.inputSize, ...model.layers.map((l) => l.units)].join('-');
      process.stdout.write(`wrote ${o.output}: ${model.name} ${arch}${model.softmax ? ' + softmax' : ''}, opset 17, ${bytes.length} bytes (ONNX check passed)\n`);
    });
  addExamples(cmd, 'dlp export --weights weights.safetensors -o mnist.onnx', 'dlp export --model examples/mnist.mlp --weights mnist.safetensors -o mnist.onnx');
}
