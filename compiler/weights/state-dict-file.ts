// Node side of `--weights FILE.safetensors`: dlpkit-named weights (`fc1.weight` ...) load as
// before; for ONNX models a PyTorch state_dict is mapped onto the graph (state-dict.ts) and
// the graph is imported again with the new values.
import type { LoadedModel } from '../load-model.js';
import type { ModelWeights } from '../model.js';
import { readSafetensors } from './safetensors.js';
import { mapStateDict } from './state-dict.js';
import { expectedTensors, tensorsToWeights } from './weights.js';
import { readWeightsBytes } from './weights-file.js';

export function readModelWeights(path: string, loaded: LoadedModel): ModelWeights {
  const tensors = readSafetensors(readWeightsBytes(path), path);
  const dlpkitNames = [...tensors.keys()].every((n) => expectedTensors(loaded.model).has(n));
  if (!loaded.onnx || dlpkitNames) return tensorsToWeights(loaded.model, tensors, path);
  const overrides = mapStateDict(tensors, loaded.onnx.params, loaded.model, path);
  return loaded.onnx.reimport(overrides).weights;
}
