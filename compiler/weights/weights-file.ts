// Node-only: safetensors weights files on disk (read, read with metadata, write atomically).
import { readFileSync } from 'node:fs';
import { DlpError } from '../../isa/errors.js';
import { writeFileAtomic } from '../../isa/files.js';
import type { ModelGraph, ModelWeights } from '../model.js';
import { readSafetensorsWithMetadata, writeSafetensors } from './safetensors.js';
import { tensorsToWeights, weightsToTensors } from './weights.js';
import { checkFinite } from '../frontend/limits.js';

/** The bytes of a weights file, or one clear error naming it. */
export function readWeightsBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new DlpError(`cannot read weights file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path });
  }
}

/** Reads a safetensors weights file for `model`. */
export function readWeightsFile(path: string, model: ModelGraph): ModelWeights {
  return readWeightsFileWithMetadata(path, model).weights;
}

/** readWeightsFile plus the file's `__metadata__` strings, from one read. */
export function readWeightsFileWithMetadata(path: string, model: ModelGraph): { weights: ModelWeights; metadata: Record<string, string> } {
  const { tensors, metadata } = readSafetensorsWithMetadata(readWeightsBytes(path), path);
  return { weights: tensorsToWeights(model, tensors, path), metadata };
}

/** The `__metadata__` strings of a weights file (e.g. `pixels`, the input scale it was trained on). */
export function readWeightsMetadata(path: string): Record<string, string> {
  return readSafetensorsWithMetadata(readWeightsBytes(path), path).metadata;
}

/** Writes `weights` as a PyTorch-compatible safetensors file (atomically); `metadata` adds
 * strings to the header's `__metadata__`. */
export function writeWeightsFile(path: string, model: ModelGraph, weights: ModelWeights, metadata: Record<string, string> = {}): void {
  const tensors = weightsToTensors(model, weights);
  // Never write a file every reader refuses (a diverged training run, for one).
  for (const [name, t] of Object.entries(tensors)) checkFinite(t.data as Float32Array, `not writing ${path}: tensor ${name}`);
  const bytes = writeSafetensors(tensors, { format: 'pt', model: model.name, producer: 'dlpkit', ...metadata });
  writeFileAtomic(path, bytes);
}
