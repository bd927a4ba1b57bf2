// ONNX import: turns an MLP exported by PyTorch or Keras into the model IR plus its weights.
// The graph must be a chain from the single graph input to the output; the importer walks it
// node by node, folding Gemm / MatMul(+Add) into dense layers (weights transposed to (in, out)
// and scaled by Gemm's alpha/beta), folding per-feature affine maps (BatchNormalization in
// inference mode, Mul/Add/Sub/Div by initializers) into the neighbouring dense layer, attaching
// the activation that follows, and accepting the no-ops exporters emit (onnx-ops.ts lists them).
// Folds are computed in float64 and rounded to float32 once, when the layer is complete.
import { DlpError } from '../../isa/errors.js';
import { ACT_FUNCS } from '../../isa/spec.js';
import type { Activation, DenseLayer, LayerWeights, ModelGraph, ModelWeights } from '../model.js';
import { checkShapes } from '../passes/shapes.js';
import { MAX_FEATURES, MAX_TENSOR_ELEMENTS } from './limits.js';
import { type ExternalDataReader, resolveExternalData } from './onnx-external.js';
import { SUPPORTED_OPS, nearestSupported } from './onnx-ops.js';
import {
  AttrType, DataType, type OnnxAttribute, type OnnxNode, type OnnxTensor, decodeModel, readFloatTensor, readIntTensor, shortestFloat32,
} from './onnx-schema.js';

export { exportOnnx } from './onnx-export.js';

/** Where an imported initializer went, so a PyTorch state_dict can be mapped onto it. */
export interface OnnxParam {
  initializer: string;
  dims: number[];
  /** Index of the dense layer it belongs to (or is folded into). */
  layer: number;
  role: 'weight' | 'bias' | 'bn.weight' | 'bn.bias' | 'bn.running_mean' | 'bn.running_var' | 'affine' | 'slope';
  /** For role weight: the initializer holds [in, out], the transpose of nn.Linear's [out, in]. */
  transposed?: boolean;
  /** For BatchNormalization roles: index of the BatchNormalization node among all of them. */
  bn?: number;
}

export interface OnnxImport {
  model: ModelGraph;
  weights: ModelWeights;
  /** One line per folded operator, for `dlp compile --explain`. */
  folds: string[];
  params: OnnxParam[];
  /** A step the host applies to the device's outputs (LogSoftmax: the device returns logits). */
  hostOutput?: 'log-softmax';
}

export interface OnnxImportOptions {
  /** Reads external-data bytes (Node: onnx-external-file.ts); without it external tensors are refused. */
  readExternal?: ExternalDataReader;
  /** Float values that replace initializers of the same name and dims (a mapped state_dict). */
  overrides?: Map<string, Float32Array>;
}

/** A dense layer being assembled in float64; `open` while a bias or scale/shift may still follow. */
interface Building {
  name: string;
  inputs: number;
  units: number;
  w: Float64Array;
  b: Float64Array;
  activation: Activation;
  slopes?: Float32Array;
  open: boolean;
}

/** A per-feature map x·s + t waiting for the next dense layer (after an activation or at the input). */
interface Pending {
  s: Float64Array;
  t: Float64Array;
  notes: string[];
}

/** State of the walk: the tensor flowing along the chain and what is known of its shape. */
interface Walk {
  /** Full shape including the batch dimension; undefined entries are symbolic. */
  shape: (number | undefined)[] | undefined;
  layers: Building[];
  softmax: boolean;
  logSoftmax: boolean;
  pending?: Pending;
  folds: string[];
  params: OnnxParam[];
  bnCount: number;
}

export function importOnnx(bytes: Uint8Array, file?: string, options: OnnxImportOptions = {}): OnnxImport {
  const onnx = decodeModel(bytes, file);
  const graph = onnx.graph;
  const fail = (message: string): never => {
    throw new DlpError(message, { file });
  };
  if (!graph || graph.node.length === 0) fail('ONNX model has no graph nodes');
  const g = graph as NonNullable<typeof graph>;
  resolveExternalData(onnx, options.readExternal, file);
  const opset = onnx.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 13;

  // Constants: initializers plus Constant nodes (PyTorch emits Reshape targets as Constant),
  // plus Transpose/Identity/Cast nodes whose inputs are all constants (folded here).
  const constants = new Map<string, OnnxTensor>();
  /** Constant name → the initializer it is the [1, 0] transpose of. */
  const transposeOf = new Map<string, string>();
  for (const t of g.initializer) if (t.name) constants.set(t.name, overridden(t, options.overrides, file));
  const unused = new Set(options.overrides?.keys() ?? []);
  for (const t of g.initializer) unused.delete(t.name ?? '');
  if (unused.size > 0) fail(`replacement tensor ${[...unused][0]} names no initializer of the model`);
  const nodes: OnnxNode[] = [];
  for (const node of g.node) {
    if (node.opType === 'Constant') {
      const value = node.attribute.find((a) => a.name === 'value')?.t;
      if (!value || !node.output[0]) fail(`Constant node ${nodeLabel(node, g.node)} has no tensor value`);
      constants.set(node.output[0] as string, value as OnnxTensor);
    } else if (node.opType === 'Transpose' && node.input[0] && constants.has(node.input[0])) {
      const src = constants.get(node.input[0]) as OnnxTensor;
      const perm = findAttr(node, 'perm')?.ints ?? [1, 0];
      if (src.dims.length !== 2 || perm.length !== 2 || perm[0] !== 1 || perm[1] !== 0) {
        fail(`Transpose node ${nodeLabel(node, g.node)}: only 2-D initializers with perm [1, 0] are supported`);
      }
      const [r, c] = src.dims as [number, number];
      const values = readFloatTensor(src, file);
      const out = new Float32Array(r * c);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = values[i * c + j] as number;
      constants.set(node.output[0] as string, floatTensor(node.output[0] as string, [c, r], out));
      transposeOf.set(node.output[0] as string, src.name ?? '');
    } else nodes.push(node);
  }

  const inputs = g.input.filter((v) => v.name && !constants.has(v.name));
  if (inputs.length !== 1) {
    fail(`expected one graph input (besides initializers), found ${inputs.length}${inputs.length ? `: ${inputs.map((v) => v.name).join(', ')}` : ''}`);
  }
  const input = inputs[0] as (typeof inputs)[number];
  const consumers = new Map<string, OnnxNode[]>();
  for (const node of nodes) {
    for (const name of new Set(node.input)) {
      if (!name || constants.has(name)) continue;
      consumers.set(name, [...(consumers.get(name) ?? []), node]);
    }
  }

  const dims = input.type?.tensorType?.shape?.dim;
  const walk: Walk = {
    shape: dims ? dims.map((d) => (d.dimValue !== undefined && d.dimValue > 0 ? d.dimValue : undefined)) : undefined,
    layers: [],
    softmax: false,
    logSoftmax: false,
    folds: [],
    params: [],
    bnCount: 0,
  };
  const ctx: NodeContext = { constants, transposeOf, file, opset, all: g.node };
  let current = input.name as string;
  let visited = 0;
  for (;;) {
    const next = consumers.get(current) ?? [];
    if (next.length === 0) break;
    if (next.length > 1) {
      fail(`tensor ${current} feeds ${next.length} nodes (${next.map((n) => nodeLabel(n, g.node)).join(', ')}); only chains of layers are supported`);
    }
    const node = next[0] as OnnxNode;
    if ((walk.softmax || walk.logSoftmax) && node.opType !== 'Identity') {
      const op = walk.softmax ? 'Softmax' : 'LogSoftmax';
      fail(`node ${nodeLabel(node, g.node)} (${node.opType}) follows ${op}; ${op} must be the last operation`);
    }
    applyNode(node, current, walk, ctx);
    for (const extra of node.output.slice(1)) {
      if (extra && consumers.has(extra)) fail(`output ${extra} of node ${nodeLabel(node, g.node)} is used; only chains are supported`);
    }
    current = node.output[0] as string;
    visited++;
  }
  if (visited < nodes.length) {
    const stray = nodes.find((n) => !reaches(n, input.name as string, nodes));
    fail(`node ${stray ? nodeLabel(stray, g.node) : '?'} is not on the chain from input ${input.name}; only chains of layers are supported`);
  }
  if (!g.output.some((o) => o.name === current)) {
    fail(`the chain ends at tensor ${current}, which is not a graph output (${g.output.map((o) => o.name).join(', ')})`);
  }
  if (walk.layers.length === 0) fail('ONNX graph has no Gemm or MatMul layer');
  if (walk.pending) {
    fail(`${walk.pending.notes.join(', ')} after the last dense layer's activation cannot be folded: no dense layer follows`);
  }

  const first = walk.layers[0] as Building;
  const layers: DenseLayer[] = walk.layers.map((l) => ({ kind: 'dense', name: l.name, units: l.units, activation: l.activation }));
  const model: ModelGraph = { name: modelName(g.name, file), inputSize: first.inputs, layers, softmax: walk.softmax };
  if (file !== undefined) model.file = file;
  // The one rounding of every folded value to float32.
  const weights = walk.layers.map((l): LayerWeights => {
    const lw: LayerWeights = { w: Float32Array.from(l.w), b: Float32Array.from(l.b) };
    if (l.slopes) lw.slopes = l.slopes;
    return lw;
  });
  const result: OnnxImport = { model: checkShapes(model, weights), weights, folds: walk.folds, params: walk.params };
  if (walk.logSoftmax) result.hostOutput = 'log-softmax';
  return result;
}

interface NodeContext {
  constants: Map<string, OnnxTensor>;
  transposeOf: Map<string, string>;
  file: string | undefined;
  opset: number;
  all: OnnxNode[];
}

/** Applies one chain node to the walk state. */
function applyNode(node: OnnxNode, current: string, walk: Walk, ctx: NodeContext): void {
  const label = `${node.opType} node ${nodeLabel(node, ctx.all)}`;
  const fail = (message: string): never => {
    throw new DlpError(`${label}: ${message}`, { file: ctx.file });
  };
  const constant = (index: number, what: string): OnnxTensor => {
    const name = node.input[index];
    const t = name ? ctx.constants.get(name) : undefined;
    if (!t) fail(`${what} (input ${index}${name ? ` ${name}` : ''}) must be an initializer`);
    return t as OnnxTensor;
  };
  const commutes = node.opType === 'Add' || node.opType === 'Mul' || node.opType === 'Sub';
  if (node.input[0] !== current && !commutes) fail(`expects the chain tensor ${current} as its first input`);
  if (node.domain && node.domain !== 'ai.onnx') {
    fail(`operators of domain ${node.domain} are not supported`);
  }
  const last = walk.layers.at(-1);
  const features = (): number | undefined => {
    if (last) return last.units;
    const s = walk.shape;
    if (!s || s.length < 2) return undefined;
    return s.slice(1).reduce<number | undefined>((a, d) => (a === undefined || d === undefined ? undefined : a * d), 1);
  };
  const record = (t: OnnxTensor, role: OnnxParam['role'], extra: Partial<OnnxParam> = {}): void => {
    const layer = role === 'weight' || role === 'bias' || role === 'slope' || (last?.open ?? false) ? walk.layers.length - 1 : walk.layers.length;
    walk.params.push({ initializer: ctx.transposeOf.get(t.name ?? '') ?? t.name ?? '', dims: t.dims, layer, role, ...extra });
  };

  switch (node.opType) {
    case 'Identity':
      return;
    case 'Dropout': {
      const training = node.input[2] ? readBool(constant(2, 'training_mode'), ctx.file) : false;
      if (training) fail('training_mode is true; export the model in inference mode (model.eval())');
      return;
    }
    case 'Cast': {
      const to = intAttr(node, 'to', 0);
      if (to !== DataType.FLOAT) fail(`casts to data type ${to}; only Cast to FLOAT (1) is a no-op dlpkit accepts`);
      return;
    }
    case 'Flatten': {
      const axis = intAttr(node, 'axis', 1);
      if (axis !== 1) fail(`axis ${axis} is not supported (only 1, which keeps the batch dimension)`);
      if (!last && walk.shape) walk.shape = [walk.shape[0], features()];
      return;
    }
    case 'Reshape': {
      const target = readIntTensor(constant(1, 'the shape'), ctx.file);
      const f = features();
      if (target.length !== 2 || !(target[0] === -1 || target[0] === 0 || target[0] === walk.shape?.[0])) {
        fail(`target shape [${target.join(', ')}] is not [batch, features]; only flattening reshapes are supported`);
      }
      const t1 = target[1] as number;
      if (t1 !== -1 && f !== undefined && t1 !== f) fail(`target shape [${target.join(', ')}] does not match ${f} features per sample`);
      if (last && t1 !== -1 && t1 !== last.units) fail(`reshapes ${last.units} features to ${t1}`);
      if (!last) walk.shape = [walk.shape?.[0], t1 === -1 ? f : t1];
      return;
    }
    case 'Gemm': {
      if (intAttr(node, 'transA', 0) !== 0) fail('transA=1 is not supported (the input must be [batch, features])');
      const transB = intAttr(node, 'transB', 0);
      const alpha = floatAttr(node, 'alpha', 1);
      const beta = floatAttr(node, 'beta', 1);
      if (!Number.isFinite(alpha) || !Number.isFinite(beta)) fail(`alpha ${alpha} and beta ${beta} must be finite`);
      const bt = constant(1, 'the weight B');
      if (bt.dims.length !== 2) fail(`weight ${bt.name} must be 2-D, got dims [${bt.dims.join(', ')}]`);
      const [d0, d1] = bt.dims as [number, number];
      const [k, n] = transB ? [d1, d0] : [d0, d1];
      const layer = startLayer(walk, k, n, bt, fail, features());
      const data = readFloatTensor(bt, ctx.file);
      // B is [K, N] (transB=0) or [N, K] (transB=1, PyTorch's nn.Linear layout); store (in, out).
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < n; j++) layer.w[i * n + j] = alpha * (transB ? (data[j * k + i] as number) : (data[i * n + j] as number));
      }
      record(bt, 'weight', { transposed: !transB !== ctx.transposeOf.has(bt.name ?? '') });
      if (node.input[2]) {
        const c = constant(2, 'the bias C');
        addBias(layer, c, beta, ctx.file, fail);
        record(c, 'bias');
      }
      applyPending(walk, layer);
      return;
    }
    case 'MatMul': {
      const bt = constant(1, 'the weight');
      if (bt.dims.length !== 2) fail(`weight ${bt.name} must be 2-D, got dims [${bt.dims.join(', ')}]`);
      const [k, n] = bt.dims as [number, number];
      const layer = startLayer(walk, k, n, bt, fail, features());
      layer.w.set(readFloatTensor(bt, ctx.file));
      record(bt, 'weight', { transposed: !ctx.transposeOf.has(bt.name ?? '') });
      applyPending(walk, layer);
      return;
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div': {
      const other = node.input[0] === current ? 1 : node.input[1] === current ? 0 : -1;
      if (other < 0) fail(`does not take the chain tensor ${current}`);
      const c = constant(other, `the ${node.opType === 'Add' || node.opType === 'Sub' ? 'addend' : 'factor'}`);
      const f = affineWidth(c, features(), fail);
      const v = broadcast(readFloatTensor(c, ctx.file), f);
      const s = new Float64Array(f).fill(1);
      const t = new Float64Array(f);
      for (let j = 0; j < f; j++) {
        const x = v[j] as number;
        if (node.opType === 'Add') t[j] = x;
        else if (node.opType === 'Sub') {
          if (other === 1) t[j] = -x;
          else [s[j], t[j]] = [-1, x];
        } else if (node.opType === 'Mul') s[j] = x;
        else {
          if (other === 0) fail('divides a constant by the chain tensor; only X / c folds into a dense layer');
          if (x === 0) fail(`divisor ${c.name} holds a zero`);
          s[j] = 1 / x;
        }
      }
      record(c, node.opType === 'Add' && last?.open ? 'bias' : 'affine');
      return fold(walk, s, t, label, fail);
    }
    case 'BatchNormalization': {
      if (node.input.length < 5) fail('needs inputs X, scale, B, input_mean and input_var');
      if (intAttr(node, 'training_mode', 0) !== 0) fail('training_mode is 1; export the model in inference mode (model.eval())');
      const eps = floatAttr(node, 'epsilon', 1e-5);
      const parts = [1, 2, 3, 4].map((i) => constant(i, ['the scale', 'the bias B', 'input_mean', 'input_var'][i - 1] as string));
      const f = affineWidth(parts[0] as OnnxTensor, features(), fail);
      for (const p of parts) {
        if (p.dims.reduce((a, b) => a * b, 1) !== f || p.dims.length !== 1) fail(`${p.name} has dims [${p.dims.join(', ')}], expected [${f}]`);
      }
      const [gamma, beta, mean, variance] = parts.map((p) => readFloatTensor(p, ctx.file)) as [Float32Array, Float32Array, Float32Array, Float32Array];
      const s = new Float64Array(f);
      const t = new Float64Array(f);
      for (let j = 0; j < f; j++) {
        const v = (variance[j] as number) + eps;
        if (!(v > 0)) fail(`input_var + epsilon is ${v} at feature ${j}; it must be positive`);
        s[j] = (gamma[j] as number) / Math.sqrt(v);
        t[j] = (beta[j] as number) - (mean[j] as number) * (s[j] as number);
      }
      const bn = walk.bnCount++;
      (['bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var'] as const).forEach((role, i) => record(parts[i] as OnnxTensor, role, { bn }));
      return fold(walk, s, t, `${label} (epsilon ${eps})`, fail);
    }
    case 'Relu':
      return setActivation(walk, { kind: 'relu' }, fail);
    case 'Sigmoid':
      return setActivation(walk, { kind: 'sigmoid' }, fail);
    case 'Tanh':
      return setActivation(walk, { kind: 'tanh' }, fail);
    case 'LeakyRelu':
      return setActivation(walk, { kind: 'leaky', alpha: floatAttr(node, 'alpha', 0.01) }, fail);
    case 'Elu':
      return setActivation(walk, { kind: 'elu', alpha: floatAttr(node, 'alpha', 1) }, fail);
    case 'Clip': {
      const bound = (index: number, attr: string, fallback: number): number => {
        if (ctx.opset < 11) return floatAttr(node, attr, fallback);
        if (!node.input[index]) return fallback;
        const v = readFloatTensor(constant(index, attr), ctx.file);
        if (v.length !== 1) fail(`${attr} must be a single value`);
        return v[0] as number;
      };
      const lo = bound(1, 'min', -Infinity);
      const hi = bound(2, 'max', Infinity);
      if (lo === 0 && hi === Infinity) return setActivation(walk, { kind: 'relu' }, fail);
      if (lo === 0 && hi === 6) {
        fail(`Clip(0, 6) is ReLU6, which the DLP cannot express: ACT implements ${ACT_FUNCS.join(', ')} (isa/spec.ts) and has no upper clamp; nearest supported: Relu (train with nn.ReLU)`);
      }
      return fail(`Clip(${lo}, ${hi}) is not supported; only Clip(0, +inf), which is Relu`);
    }
    case 'PRelu': {
      setActivation(walk, { kind: 'prelu' }, fail);
      const layer = last as Building;
      const slope = constant(1, 'the slope');
      const values = readFloatTensor(slope, ctx.file);
      if (!isVectorOf(slope.dims, layer.units)) {
        fail(`slope ${slope.name} dims [${slope.dims.join(', ')}] do not broadcast to [batch, ${layer.units}]`);
      }
      layer.slopes = values.length === 1 ? new Float32Array(layer.units).fill(values[0] as number) : values;
      record(slope, 'slope');
      return;
    }
    case 'Softmax':
    case 'LogSoftmax': {
      // Before opset 13 the default axis was 1; for the 2-D tensors of an MLP both mean "last".
      const axis = intAttr(node, 'axis', ctx.opset >= 13 ? -1 : 1);
      if (axis !== -1 && axis !== 1) fail(`axis ${axis} is not supported (only the last axis, -1 or 1)`);
      if (!last) fail(`${node.opType} before any dense layer is not supported`);
      if (walk.pending) fail(`${walk.pending.notes.join(', ')} before ${node.opType} cannot be folded: no dense layer follows`);
      (last as Building).open = false;
      if (node.opType === 'Softmax') walk.softmax = true;
      else walk.logSoftmax = true;
      return;
    }
    default: {
      const op = node.opType ?? '(no op_type)';
      throw new DlpError(
        `unsupported ONNX operator ${op} (node ${nodeLabel(node, ctx.all)}); nearest supported: ${nearestSupported(op)}`,
        { file: ctx.file },
      );
    }
  }
}

/** Feature count an affine constant acts on: per-feature [f], [1, f], or one value. */
function affineWidth(c: OnnxTensor, features: number | undefined, fail: (m: string) => never): number {
  const size = c.dims.reduce((a, b) => a * b, 1);
  if (features !== undefined) {
    if (!isVectorOf(c.dims, features)) fail(`${c.name} dims [${c.dims.join(', ')}] do not broadcast to [batch, ${features}]`);
    return features;
  }
  if (size === 1) fail(`cannot tell how many features ${c.name} applies to (the input shape is symbolic)`);
  if (!isVectorOf(c.dims, size)) fail(`${c.name} dims [${c.dims.join(', ')}] are not per-feature`);
  return size;
}

function broadcast(v: Float32Array, n: number): Float32Array {
  return v.length === n ? v : new Float32Array(n).fill(v[0] as number);
}

/** Folds x·s + t into the open layer's outputs, or keeps it for the next layer's inputs. */
function fold(walk: Walk, s: Float64Array, t: Float64Array, label: string, fail: (m: string) => never): void {
  const last = walk.layers.at(-1);
  if (last && last.open) {
    const n = last.units;
    for (let i = 0; i < last.inputs; i++) for (let j = 0; j < n; j++) last.w[i * n + j] = (last.w[i * n + j] as number) * (s[j] as number);
    for (let j = 0; j < n; j++) last.b[j] = (last.b[j] as number) * (s[j] as number) + (t[j] as number);
    walk.folds.push(`${label} folded into the outputs of layer ${last.name} (weights and bias scaled per unit)`);
    return;
  }
  if (walk.softmax || walk.logSoftmax) fail('follows the output operation');
  const p = walk.pending;
  if (p) {
    if (p.s.length !== s.length) fail(`acts on ${s.length} features but ${p.s.length} flow in`);
    for (let j = 0; j < s.length; j++) {
      p.s[j] = (p.s[j] as number) * (s[j] as number);
      p.t[j] = (p.t[j] as number) * (s[j] as number) + (t[j] as number);
    }
    p.notes.push(label);
  } else walk.pending = { s, t, notes: [label] };
}

/** Folds a pending input map x·s + t into the layer just read: W'[i][j] = s_i·W[i][j], b' = b + Σ t_i·W[i][j]. */
function applyPending(walk: Walk, layer: Building): void {
  const p = walk.pending;
  if (!p) return;
  if (p.s.length !== layer.inputs) {
    throw new DlpError(`${p.notes.join(', ')} act on ${p.s.length} features but layer ${layer.name} reads ${layer.inputs}`);
  }
  const n = layer.units;
  for (let i = 0; i < layer.inputs; i++) {
    const si = p.s[i] as number;
    const ti = p.t[i] as number;
    for (let j = 0; j < n; j++) {
      const w = layer.w[i * n + j] as number;
      layer.b[j] = (layer.b[j] as number) + ti * w;
      layer.w[i * n + j] = si * w;
    }
  }
  for (const note of p.notes) walk.folds.push(`${note} folded into the inputs of layer ${layer.name} (weights scaled per input, bias shifted)`);
  walk.pending = undefined;
}

/** Opens a dense layer K → N after checking K against the features flowing in. */
function startLayer(
  walk: Walk, k: number, n: number, weight: OnnxTensor, fail: (m: string) => never, features: number | undefined,
): Building {
  if (features !== undefined && features !== k) {
    fail(`weight ${weight.name} [${weight.dims.join(', ')}] expects ${k} input features, but ${features} flow in`);
  }
  if (!walk.layers.length && walk.shape && walk.shape.length !== 2) {
    fail(`input shape [${walk.shape.map((d) => d ?? '?').join(', ')}] must be flattened to [batch, features] first`);
  }
  // Sizes before the allocation below (compiler/frontend/limits.ts).
  for (const [what, d] of [['input features', k], ['units', n]] as const) {
    if (!Number.isSafeInteger(d) || d < 1 || d > MAX_FEATURES) fail(`weight ${weight.name} [${weight.dims.join(', ')}]: ${what} ${d} must be in 1..${MAX_FEATURES}`);
  }
  if (k * n > MAX_TENSOR_ELEMENTS) fail(`weight ${weight.name} [${weight.dims.join(', ')}] holds ${k * n} elements, more than dlpkit's limit of ${MAX_TENSOR_ELEMENTS}`);
  const index = walk.layers.length + 1;
  const fromWeight = /^([A-Za-z_][A-Za-z0-9_.]*)\.weight$/.exec(weight.name ?? '')?.[1];
  const name = fromWeight && !walk.layers.some((l) => l.name === fromWeight) ? fromWeight : `fc${index}`;
  const layer: Building = { name, inputs: k, units: n, w: new Float64Array(k * n), b: new Float64Array(n), activation: { kind: 'identity' }, open: true };
  walk.layers.push(layer);
  return layer;
}

function addBias(layer: Building, t: OnnxTensor, scale: number, file: string | undefined, fail: (m: string) => never): void {
  const values = readFloatTensor(t, file);
  if (!isVectorOf(t.dims, layer.units)) fail(`bias ${t.name} dims [${t.dims.join(', ')}] do not broadcast to [batch, ${layer.units}]`);
  for (let j = 0; j < layer.units; j++) layer.b[j] = (layer.b[j] as number) + scale * (values.length === 1 ? (values[0] as number) : (values[j] as number));
}

function setActivation(walk: Walk, act: Activation, fail: (m: string) => never): void {
  const last = walk.layers.at(-1);
  if (!last) fail('an activation before any Gemm or MatMul is not supported');
  const layer = last as Building;
  if (!layer.open) fail(`layer ${layer.name} already has activation ${layer.activation.kind}; dlpkit fuses one activation per layer`);
  if (walk.pending) fail(`${walk.pending.notes.join(', ')} between two activations cannot be folded`);
  layer.activation = act;
  layer.open = false;
}

/** [n], [1, n], [1] or [] — shapes that broadcast along a [batch, n] tensor's last axis. */
function isVectorOf(dims: number[], n: number): boolean {
  const size = dims.reduce((a, b) => a * b, 1);
  return (size === n && dims.every((d, i) => d === 1 || i === dims.length - 1)) || size === 1;
}

/** A BOOL (or integer) scalar initializer, e.g. Dropout's training_mode. */
function readBool(t: OnnxTensor, file: string | undefined): boolean {
  if (t.dataType === DataType.BOOL) {
    const raw = t.rawData && t.rawData.length > 0 ? [...t.rawData] : t.int32Data;
    if (raw.length !== 1) throw new DlpError(`initializer ${t.name}: expected one BOOL value, found ${raw.length}`, { file });
    return raw[0] !== 0;
  }
  const v = readIntTensor(t, file);
  if (v.length !== 1) throw new DlpError(`initializer ${t.name}: expected one value, found ${v.length}`, { file });
  return v[0] !== 0;
}

/** An initializer with its values replaced by `overrides` (same dims required). */
function overridden(t: OnnxTensor, overrides: Map<string, Float32Array> | undefined, file: string | undefined): OnnxTensor {
  const v = t.name ? overrides?.get(t.name) : undefined;
  if (!v) return t;
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (v.length !== n) throw new DlpError(`replacement for initializer ${t.name} has ${v.length} values; dims [${t.dims.join(', ')}] need ${n}`, { file });
  return floatTensor(t.name as string, t.dims, v);
}

function floatTensor(name: string, dims: number[], values: Float32Array): OnnxTensor {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((x, i) => view.setFloat32(4 * i, x, true));
  return { name, dims, dataType: DataType.FLOAT, rawData: raw, floatData: [], int32Data: [], int64Data: [], doubleData: [], externalData: [] };
}

function findAttr(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attribute.find((a) => a.name === name);
}

function intAttr(node: OnnxNode, name: string, fallback: number): number {
  const a = findAttr(node, name);
  return a && (a.type === AttrType.INT || a.i !== undefined) ? (a.i ?? 0) : fallback;
}

function floatAttr(node: OnnxNode, name: string, fallback: number): number {
  const a = findAttr(node, name);
  return a && (a.type === AttrType.FLOAT || a.f !== undefined) ? shortestFloat32(a.f ?? 0) : fallback;
}

/** The node's name, or its position when the exporter left it unnamed. */
function nodeLabel(node: OnnxNode, all: OnnxNode[]): string {
  return node.name ? `"${node.name}"` : `#${all.indexOf(node)}`;
}

/** Whether `node` is reachable from the graph input (used only to name a stray node). */
function reaches(node: OnnxNode, input: string, nodes: OnnxNode[]): boolean {
  const live = new Set([input]);
  for (const n of nodes) if (n.input.some((i) => live.has(i))) n.output.forEach((o) => live.add(o));
  return node.input.some((i) => live.has(i));
}

/** The model's name from its file name (no node:path, so this module stays browser-safe). */
function modelName(graphName: string | undefined, file: string | undefined): string {
  const base = file !== undefined ? (file.split(/[/\\]/).pop() ?? file) : undefined;
  const raw = base !== undefined ? base.replace(/\.[^.]*$/, '') || base : graphName || 'model';
  const cleaned = raw.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `m_${cleaned}`;
}

/** Every operator the importer accepts (for docs and tests). */
export const ONNX_OPERATORS = Object.keys(SUPPORTED_OPS);
