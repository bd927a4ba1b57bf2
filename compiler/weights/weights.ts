// Weights ↔ named tensors with PyTorch's nn.Linear naming, so a `model.state_dict()` saved
// with safetensors loads directly: `<layer>.weight` is [out, in], `<layer>.bias` is [out],
// `<layer>.slope` is [out] for PReLU layers. dlpkit holds weights (in, out) row-major, so
// they are transposed on the way in and out.
import { DlpError } from '../../isa/errors.js';
import type { LayerWeights, ModelGraph, ModelWeights } from '../model.js';
import { checkFinite } from '../frontend/limits.js';
import { type SafeTensor, elementCount, fmtShape, readSafetensorsWithMetadata, writeSafetensors } from './safetensors.js';

/** The tensors a model's weights file must hold, with their PyTorch shapes. */
export function expectedTensors(model: ModelGraph): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let inputs = model.inputSize;
  for (const layer of model.layers) {
    out.set(`${layer.name}.weight`, [layer.units, inputs]);
    out.set(`${layer.name}.bias`, [layer.units]);
    if (layer.activation.kind === 'prelu') out.set(`${layer.name}.slope`, [layer.units]);
    inputs = layer.units;
  }
  return out;
}

/** (in, out) row-major → [out, in] row-major. */
export function transpose(src: Float32Array, rows: number, cols: number): Float32Array {
  const dst = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[base + c] as number;
  }
  return dst;
}

/** Weights as F32 PyTorch-named tensors. */
export function weightsToTensors(model: ModelGraph, weights: ModelWeights): Record<string, SafeTensor> {
  if (weights.length !== model.layers.length) {
    throw new DlpError(`model ${model.name} has ${model.layers.length} layers but ${weights.length} weight sets were given`);
  }
  const out: Record<string, SafeTensor> = {};
  let inputs = model.inputSize;
  model.layers.forEach((layer, i) => {
    const lw = weights[i] as LayerWeights;
    const n = layer.units;
    if (lw.w.length !== inputs * n) {
      throw new DlpError(`layer ${layer.name}: weight has ${lw.w.length} values, expected ${inputs} × ${n}`);
    }
    out[`${layer.name}.weight`] = { dtype: 'F32', shape: [n, inputs], data: transpose(lw.w, inputs, n) };
    out[`${layer.name}.bias`] = { dtype: 'F32', shape: [n], data: Float32Array.from(lw.b) };
    if (layer.activation.kind === 'prelu') {
      if (!lw.slopes) throw new DlpError(`layer ${layer.name}: prelu layer has no slopes`);
      out[`${layer.name}.slope`] = { dtype: 'F32', shape: [n], data: Float32Array.from(lw.slopes) };
    }
    inputs = n;
  });
  return out;
}

/** Named tensors → weights; any missing, extra, mis-shaped or integer tensor is an error. */
export function tensorsToWeights(
  model: ModelGraph,
  tensors: Map<string, SafeTensor> | Record<string, SafeTensor>,
  file?: string,
): ModelWeights {
  const byName = tensors instanceof Map ? tensors : new Map(Object.entries(tensors));
  const expected = expectedTensors(model);
  for (const [name, t] of byName) {
    if (!expected.has(name)) {
      throw new DlpError(`unexpected tensor ${name} ${fmtShape(t.shape)}: model ${model.name} has no such parameter`, { file });
    }
  }
  const take = (name: string): Float32Array => {
    const want = expected.get(name) as number[];
    const t = byName.get(name);
    if (!t) throw new DlpError(`missing tensor ${name} (expected shape ${fmtShape(want)})`, { file });
    const sameShape = t.shape.length === want.length && t.shape.every((d, k) => d === want[k]);
    // A bias or slope saved as [1, out] is the same data; accept it as PyTorch code often does.
    const squeezable = want.length === 1 && elementCount(t.shape) === want[0] && t.shape.every((d, k) => d === 1 || k === t.shape.length - 1);
    if (!sameShape && !squeezable) {
      throw new DlpError(`tensor ${name} has shape ${fmtShape(t.shape)}, expected ${fmtShape(want)}`, { file });
    }
    if (!(t.data instanceof Float32Array)) {
      throw new DlpError(`tensor ${name} has dtype ${t.dtype}; weights must be F32, F16, BF16 or F64`, { file });
    }
    checkFinite(t.data, `tensor ${name}`, { file });
    return t.data;
  };
  let inputs = model.inputSize;
  return model.layers.map((layer) => {
    const lw: LayerWeights = {
      w: transpose(take(`${layer.name}.weight`), layer.units, inputs),
      b: Float32Array.from(take(`${layer.name}.bias`)),
    };
    if (layer.activation.kind === 'prelu') lw.slopes = Float32Array.from(take(`${layer.name}.slope`));
    inputs = layer.units;
    return lw;
  });
}
