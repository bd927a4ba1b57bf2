// Size limits every front end (.mlp, JSON, ONNX, safetensors, SCALE-Sim topologies) checks
// before it allocates anything, so a tiny file cannot ask for gigabytes: each limit is what
// the ISA or the simulator can hold, with room to spare for real course models (MNIST is
// 784→…→10, SCALE-Sim's ResNet/MobileNet layers are far below). Documented in docs/models.md,
// "Limits". Also the finite-value check for parameters: a NaN or ∞ weight is refused by name.
import { DlpError, type ErrorLoc } from '../../isa/errors.js';
import { SLOPE_LIMIT } from '../../isa/act.js';
import type { Activation, ModelGraph } from '../model.js';

/** Most features of one layer (input width or units): the ISA's 16-bit rows/cols/k/n fields
 * hold at most 65535, and a whole row of features is moved by one LOAD. */
export const MAX_FEATURES = 65535;
/** Most dense layers in a model. */
export const MAX_LAYERS = 1024;
/** Most weights in a model, all layers together: 2^26 (256 MiB as fp32). */
export const MAX_MODEL_WEIGHTS = 2 ** 26;
/** Most elements of one tensor read from a file (ONNX, safetensors) or built from a topology
 * (a GEMM's M×K, K×N, M×N): 2^26. */
export const MAX_TENSOR_ELEMENTS = 2 ** 26;
/** Most GEMM rows (M, the batch of the lowered model): the compiler's batch limit. */
export const MAX_GEMM_ROWS = 2 ** 24;
/** Most GEMM layers one SCALE-Sim topology may expand to (depth-wise layers expand to one per
 * channel). */
export const MAX_TOPOLOGY_LAYERS = 4096;

/** What is wrong with a leaky or elu alpha, or undefined: it must be finite and within the
 * ACT unit's slope range (isa/act.ts). The .mlp parser asks as it reads a layer, checkShapes
 * for every model (ONNX, built in code). */
export function alphaProblem(act: Activation, layer: string): string | undefined {
  if (act.kind !== 'leaky' && act.kind !== 'elu') return undefined;
  if (!Number.isFinite(act.alpha)) return `layer ${layer}: ${act.kind} alpha must be a finite number`;
  if (Math.abs(act.alpha) > SLOPE_LIMIT) return `layer ${layer}: ${act.kind} alpha ${act.alpha} is outside [-${SLOPE_LIMIT}, ${SLOPE_LIMIT}]`;
  return undefined;
}

/** The first limit `model` breaks, as a message and the layer it concerns (-1: the input). */
export function modelLimitProblem(model: Pick<ModelGraph, 'name' | 'inputSize' | 'layers'>): { message: string; layer: number } | undefined {
  if (model.inputSize > MAX_FEATURES) {
    return { layer: -1, message: `model ${model.name}: input size ${model.inputSize} exceeds dlpkit's limit of ${MAX_FEATURES} features per layer` };
  }
  if (model.layers.length > MAX_LAYERS) {
    return { layer: MAX_LAYERS, message: `model ${model.name} has ${model.layers.length} layers, more than dlpkit's limit of ${MAX_LAYERS}` };
  }
  let inputs = model.inputSize;
  let total = 0;
  for (let i = 0; i < model.layers.length; i++) {
    const L = model.layers[i]!;
    if (L.units > MAX_FEATURES) {
      return { layer: i, message: `model ${model.name}: layer ${L.name} has ${L.units} units, more than dlpkit's limit of ${MAX_FEATURES} features per layer` };
    }
    total += inputs * L.units;
    if (total > MAX_MODEL_WEIGHTS) {
      return {
        layer: i,
        message: `model ${model.name}: layer ${L.name} (${inputs}×${L.units}) brings the model to ${total} weights, more than dlpkit's limit of ${MAX_MODEL_WEIGHTS}`,
      };
    }
    inputs = L.units;
  }
  return undefined;
}

/** Throws the first broken limit as a DlpError at `loc`. */
export function checkModelLimits(model: Pick<ModelGraph, 'name' | 'inputSize' | 'layers'>, loc: ErrorLoc = {}): void {
  const p = modelLimitProblem(model);
  if (p) throw new DlpError(p.message, loc);
}

/** Refuses tensor dims that are not non-negative integers or hold more than
 * MAX_TENSOR_ELEMENTS elements; returns the element count. */
export function checkTensorDims(dims: readonly number[], what: string, loc: ErrorLoc = {}): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new DlpError(`${what}: dimension ${d} in [${dims.join(', ')}] is not a non-negative integer`, loc);
    n *= d;
  }
  if (n > MAX_TENSOR_ELEMENTS) {
    throw new DlpError(`${what}: dims [${dims.join(', ')}] hold ${n} elements, more than dlpkit's limit of ${MAX_TENSOR_ELEMENTS}`, loc);
  }
  return n;
}

/** Refuses a parameter tensor holding NaN or ±∞, naming it and the first bad element. */
export function checkFinite(values: ArrayLike<number>, what: string, loc: ErrorLoc = {}): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new DlpError(`${what}: element ${i} is ${v}; parameters must be finite`, loc);
  }
}
