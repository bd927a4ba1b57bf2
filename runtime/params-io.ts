// Save and load a host model's parameters as safetensors, in the compiler's weights format
// (PyTorch naming: `<layer>.weight` [out, in], `<layer>.bias`, `<layer>.slope`), so a file
// written here is what `dlp compile --weights` and PyTorch's load_file read.
import type { SafeTensor } from '../compiler/weights/safetensors.js';
import { weightsToTensors } from '../compiler/weights/weights.js';
import { readWeightsFile, writeWeightsFile } from '../compiler/weights/weights-file.js';
import type { Model } from './model.js';

/** Writes the model's parameters to `path` (atomically); `metadata` goes into the file's
 * `__metadata__` (dlp train records `pixels`: the input scale the model was trained on). */
export function saveModel(model: Model, path: string, metadata: Record<string, string> = {}): void {
  const { model: graph, weights } = model.toGraph();
  writeWeightsFile(path, graph, weights, metadata);
}

/** Loads parameters saved by saveModel (or PyTorch) into a model of the same architecture. */
export function loadModelParams(model: Model, path: string): void {
  model.setWeights(readWeightsFile(path, model.toGraph().model));
}

/** The model's parameters as PyTorch-named F32 tensors. */
export function modelToTensors(model: Model): Record<string, SafeTensor> {
  const { model: graph, weights } = model.toGraph();
  return weightsToTensors(graph, weights);
}
