// Node side of `--weights FILE.safetensors`: dlpkit-named weights (`fc1.weight` ...) load as
// before; for ONNX models a PyTorch state_dict is mapped onto the graph (state-dict.ts) and
// the graph is imported again with the new values.
import { readFileSync } from 'node:fs';
import { DlpError } from '../../isa/errors.js';
import type { LoadedModel } from '../load-model.js';
import type { ModelWeights } from '../model.js';
import { readSafetensors } from './safetensors.js';
import { mapStateDict } from './state-dict.js';
import { expectedTensors, tensorsToWeights } from './weights.js';

export function readModelWeights(path: string, loaded: LoadedModel): ModelWeights {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new DlpError(`cannot read weights file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path });
  }
  const tensors = readSafetensors(bytes, path);
  const dlpkitNames = [...tensors.keys()].every((n) => expectedTensors(loaded.model).has(n));
  if (!loaded.onnx || dlpkitNames) return tensorsToWeights(loaded.model, tensors, path);
  const overrides = mapStateDict(tensors, loaded.onnx.params, loaded.model, path);
  return loaded.onnx.reimport(overrides).weights;
}
