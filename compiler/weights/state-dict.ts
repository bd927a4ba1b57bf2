// Maps a PyTorch state_dict (saved with safetensors) onto an imported ONNX graph: the result
// replaces the graph's initializers by name, and the graph is imported again, so BatchNorm and
// scale/shift folds apply to the new values exactly as to the exported ones. Names are matched
// first (exporters keep `0.weight`, `fc1.bias`, `1.running_mean` ...); when no name matches,
// Linear layers are matched by order (natural order of their module paths) and shape, and
// BatchNorm layers likewise, transposing nn.Linear's [out, in] where the graph holds [in, out].
import { DlpError } from '../../isa/errors.js';
import type { OnnxParam } from '../frontend/onnx.js';
import type { ModelGraph } from '../model.js';
import { type SafeTensor, fmtShape } from './safetensors.js';
import { transpose } from './weights.js';

/** Tensors a state_dict carries that no graph uses. */
const IGNORED = /\.num_batches_tracked$/;

function floats(name: string, t: SafeTensor, file?: string): Float32Array {
  if (!(t.data instanceof Float32Array)) throw new DlpError(`tensor ${name} has dtype ${t.dtype}; weights must be F32, F16, BF16 or F64`, { file });
  return t.data;
}

const sameDims = (a: readonly number[], b: readonly number[]): boolean => {
  const sa = a.filter((d) => d !== 1);
  const sb = b.filter((d) => d !== 1);
  return sa.length === sb.length && sa.every((d, i) => d === sb[i]);
};

/** Module path order: "2.weight" before "10.weight", "fc1" before "fc2". */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Initializer name → replacement values (in the initializer's own layout). */
export function mapStateDict(
  tensors: Map<string, SafeTensor>, params: OnnxParam[], model: ModelGraph, file?: string,
): Map<string, Float32Array> {
  const byInit = new Map(params.map((p) => [p.initializer, p]));
  const names = [...tensors.keys()].filter((n) => !IGNORED.test(n));
  const out = new Map<string, Float32Array>();
  const put = (p: OnnxParam, name: string, t: SafeTensor): void => {
    let data = floats(name, t, file);
    if (p.role === 'weight' && p.transposed) {
      // nn.Linear holds [out, in]; this graph holds [in, out].
      const [k, n] = p.dims as [number, number];
      if (!(t.shape[0] === n && t.shape[1] === k)) {
        throw new DlpError(`tensor ${name} has shape ${fmtShape(t.shape)}; layer ${model.layers[p.layer]?.name} expects nn.Linear's [${n}, ${k}] ([out, in])`, { file });
      }
      data = transpose(data, n, k);
    } else if (!sameDims(t.shape, p.dims)) {
      throw new DlpError(`tensor ${name} has shape ${fmtShape(t.shape)}; initializer ${p.initializer} of the model is ${fmtShape(p.dims)}`, { file });
    }
    out.set(p.initializer, data);
  };

  if (names.some((n) => byInit.has(n))) {
    for (const n of names) {
      const p = byInit.get(n);
      if (!p) {
        const known = params.map((q) => q.initializer).join(', ');
        throw new DlpError(`unexpected tensor ${n} ${fmtShape(tensors.get(n)!.shape)}: the model has no parameter of that name (its parameters: ${known})`, { file });
      }
      put(p, n, tensors.get(n) as SafeTensor);
    }
    const missing = params.find((p) => p.role !== 'affine' && !out.has(p.initializer));
    if (missing) throw new DlpError(`missing tensor ${missing.initializer} (expected shape ${fmtShape(missing.dims)}, ${missing.role} of layer ${model.layers[missing.layer]?.name})`, { file });
    return out;
  }

  // By order: group the state_dict by module path.
  const prefix = (n: string): string => n.slice(0, n.lastIndexOf('.'));
  const linear = names.filter((n) => n.endsWith('.weight') && tensors.get(n)!.shape.length === 2).map(prefix).sort(naturalCompare);
  const norms = names.filter((n) => n.endsWith('.running_mean')).map(prefix).sort(naturalCompare);
  const weights = params.filter((p) => p.role === 'weight');
  if (linear.length !== weights.length) {
    throw new DlpError(
      `cannot map the state_dict by order: it has ${linear.length} Linear weight${linear.length === 1 ? '' : 's'} (${linear.map((l) => `${l}.weight`).join(', ') || 'none'}), the model has ${weights.length} dense layers (${model.layers.map((l) => l.name).join(', ')})`,
      { file },
    );
  }
  const bnIndices = [...new Set(params.filter((p) => p.bn !== undefined).map((p) => p.bn as number))];
  if (norms.length !== bnIndices.length) {
    throw new DlpError(`cannot map the state_dict by order: it has ${norms.length} BatchNorm layers (${norms.join(', ') || 'none'}), the model has ${bnIndices.length}`, { file });
  }
  const used = new Set<string>();
  const take = (name: string, p: OnnxParam | undefined, what: string): void => {
    const t = tensors.get(name);
    if (!p) {
      if (t) throw new DlpError(`tensor ${name} has no counterpart in the model (${what})`, { file });
      return;
    }
    if (!t) throw new DlpError(`missing tensor ${name} for ${what} (initializer ${p.initializer}, ${fmtShape(p.dims)})`, { file });
    put(p, name, t);
    used.add(name);
  };
  linear.forEach((pre, k) => {
    const layer = model.layers[k];
    const w = weights[k] as OnnxParam;
    const t = tensors.get(`${pre}.weight`) as SafeTensor;
    if (layer && (t.shape[0] !== layer.units || t.shape[1] !== layer.inputs)) {
      throw new DlpError(`tensor ${pre}.weight ${fmtShape(t.shape)} maps by order to layer ${k + 1} (${layer.name}, ${layer.inputs} → ${layer.units}), which expects [${layer.units}, ${layer.inputs}]`, { file });
    }
    take(`${pre}.weight`, w, `layer ${layer?.name} weight`);
    take(`${pre}.bias`, params.find((p) => p.role === 'bias' && p.layer === w.layer), `layer ${layer?.name} bias`);
  });
  norms.forEach((pre, k) => {
    for (const role of ['weight', 'bias', 'running_mean', 'running_var'] as const) {
      take(`${pre}.${role}`, params.find((p) => p.bn === bnIndices[k] && p.role === `bn.${role}`), `BatchNormalization #${k + 1} ${role}`);
    }
  });
  const left = names.find((n) => !used.has(n));
  if (left) throw new DlpError(`tensor ${left} ${fmtShape(tensors.get(left)!.shape)} maps to no Linear or BatchNorm layer of the model`, { file });
  return out;
}
