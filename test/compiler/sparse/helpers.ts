// Shared fixtures of the sparse tests: block-pruned models and instruction counts.
import type { ModelGraph, ModelWeights } from '../../../compiler/model.js';
import type { Program } from '../../../isa/program.js';
import { pruneBlocks } from '../../../runtime/offload/block-prune.js';
import { makeWeights } from '../backend/helpers.js';

/** Seeded weights with 90 % of each hidden layer's 8×8 blocks zeroed (smallest norm first). */
export function prunedWeights(model: ModelGraph, seed: number, sparsity = 0.9, block = 8): ModelWeights {
  const inputs = model.layers.map((_, l) => (l === 0 ? model.inputSize : model.layers[l - 1]!.units));
  return pruneBlocks(makeWeights(model, seed), inputs, { sparsity, blockRows: block, blockCols: block });
}

/** Instructions of an opcode, optionally only one layer's (by tag). */
export function countOps(p: Program, op: string, layer?: number): number {
  return p.instrs.filter((i) => i.op === op && (layer === undefined || i.layer === layer)).length;
}
