// ONNX import: turns an MLP exported by PyTorch or Keras into the model IR plus its weights.
// The graph must be a chain from the single graph input to the output; the importer walks it
// node by node, folding Gemm / MatMul(+Add) into dense layers (weights transposed to (in, out)
// and scaled by Gemm's alpha/beta), attaching the activation that follows, and accepting only
// shape-only ops (Flatten, Reshape, Identity, Dropout) where they do not change the features.
import { basename, extname } from 'node:path';
import { DlpError } from '../../isa/errors.js';
import type { Activation, DenseLayer, LayerWeights, ModelGraph, ModelWeights } from '../model.js';
import { checkShapes } from '../passes/shapes.js';
import { MAX_FEATURES, MAX_TENSOR_ELEMENTS } from './limits.js';
import {
  AttrType, type OnnxAttribute, type OnnxNode, type OnnxTensor, decodeModel, readFloatTensor, readIntTensor, shortestFloat32,
} from './onnx-schema.js';

export { exportOnnx } from './onnx-export.js';

/** A dense layer being assembled; `open` while a bias Add may still follow. */
interface Building {
  name: string;
  inputs: number;
  units: number;
  w: Float32Array;
  b: Float32Array;
  activation: Activation;
  slopes?: Float32Array;
  open: boolean;
}

/** State of the walk: the tensor flowing along the chain and what is known of its shape. */
interface Walk {
  /** Full shape including the batch dimension; undefined entries are symbolic. */
  shape: (number | undefined)[] | undefined;
  layers: Building[];
  softmax: boolean;
}

export function importOnnx(bytes: Uint8Array, file?: string): { model: ModelGraph; weights: ModelWeights } {
  const onnx = decodeModel(bytes, file);
  const graph = onnx.graph;
  const fail = (message: string): never => {
    throw new DlpError(message, { file });
  };
  if (!graph || graph.node.length === 0) fail('ONNX model has no graph nodes');
  const g = graph as NonNullable<typeof graph>;
  const opset = onnx.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 13;

  // Constants: initializers plus Constant nodes (PyTorch emits Reshape targets as Constant).
  const constants = new Map<string, OnnxTensor>();
  for (const t of g.initializer) if (t.name) constants.set(t.name, t);
  const nodes: OnnxNode[] = [];
  for (const node of g.node) {
    if (node.opType === 'Constant') {
      const value = node.attribute.find((a) => a.name === 'value')?.t;
      if (!value || !node.output[0]) fail(`Constant node ${nodeLabel(node, g.node)} has no tensor value`);
      constants.set(node.output[0] as string, value as OnnxTensor);
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
  };
  const ctx: NodeContext = { constants, file, opset, all: g.node };
  let current = input.name as string;
  let visited = 0;
  for (;;) {
    const next = consumers.get(current) ?? [];
    if (next.length === 0) break;
    if (next.length > 1) {
      fail(`tensor ${current} feeds ${next.length} nodes (${next.map((n) => nodeLabel(n, g.node)).join(', ')}); only chains of layers are supported`);
    }
    const node = next[0] as OnnxNode;
    if (walk.softmax && node.opType !== 'Identity') {
      fail(`node ${nodeLabel(node, g.node)} (${node.opType}) follows Softmax; Softmax must be the last operation`);
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

  const first = walk.layers[0] as Building;
  const layers: DenseLayer[] = walk.layers.map((l) => ({ kind: 'dense', name: l.name, units: l.units, activation: l.activation }));
  const model: ModelGraph = { name: modelName(g.name, file), inputSize: first.inputs, layers, softmax: walk.softmax };
  if (file !== undefined) model.file = file;
  const weights = walk.layers.map((l): LayerWeights => (l.slopes ? { w: l.w, b: l.b, slopes: l.slopes } : { w: l.w, b: l.b }));
  return { model: checkShapes(model, weights), weights };
}

interface NodeContext {
  constants: Map<string, OnnxTensor>;
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
  if (node.input[0] !== current && node.opType !== 'Add') fail(`expects the chain tensor ${current} as its first input`);
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

  switch (node.opType) {
    case 'Identity':
    case 'Dropout':
      return;
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
      if (node.input[2]) addBias(layer, constant(2, 'the bias C'), beta, ctx.file, fail);
      return;
    }
    case 'MatMul': {
      const bt = constant(1, 'the weight');
      if (bt.dims.length !== 2) fail(`weight ${bt.name} must be 2-D, got dims [${bt.dims.join(', ')}]`);
      const [k, n] = bt.dims as [number, number];
      const layer = startLayer(walk, k, n, bt, fail, features());
      layer.w.set(readFloatTensor(bt, ctx.file));
      return;
    }
    case 'Add': {
      const other = node.input[0] === current ? 1 : node.input[1] === current ? 0 : -1;
      if (other < 0) fail(`does not take the chain tensor ${current}`);
      if (!last || !last.open) fail('a bias Add must directly follow a Gemm or MatMul');
      addBias(last as Building, constant(other, 'the bias'), 1, ctx.file, fail);
      return;
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
    case 'PRelu': {
      setActivation(walk, { kind: 'prelu' }, fail);
      const layer = last as Building;
      const slope = constant(1, 'the slope');
      const values = readFloatTensor(slope, ctx.file);
      if (!isVectorOf(slope.dims, layer.units)) {
        fail(`slope ${slope.name} dims [${slope.dims.join(', ')}] do not broadcast to [batch, ${layer.units}]`);
      }
      layer.slopes = values.length === 1 ? new Float32Array(layer.units).fill(values[0] as number) : values;
      return;
    }
    case 'Softmax': {
      // Before opset 13 the default axis was 1; for the 2-D tensors of an MLP both mean "last".
      const axis = intAttr(node, 'axis', ctx.opset >= 13 ? -1 : 1);
      if (axis !== -1 && axis !== 1) fail(`axis ${axis} is not supported (only the last axis, -1 or 1)`);
      if (!last) fail('Softmax before any dense layer is not supported');
      (last as Building).open = false;
      walk.softmax = true;
      return;
    }
    default:
      throw new DlpError(`unsupported ONNX operator ${node.opType} (node ${nodeLabel(node, ctx.all)})`, { file: ctx.file });
  }
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
  const layer: Building = { name, inputs: k, units: n, w: new Float32Array(k * n), b: new Float32Array(n), activation: { kind: 'identity' }, open: true };
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
  layer.activation = act;
  layer.open = false;
}

/** [n], [1, n], [1] or [] — shapes that broadcast along a [batch, n] tensor's last axis. */
function isVectorOf(dims: number[], n: number): boolean {
  const size = dims.reduce((a, b) => a * b, 1);
  return (size === n && dims.every((d, i) => d === 1 || i === dims.length - 1)) || size === 1;
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

function modelName(graphName: string | undefined, file: string | undefined): string {
  const raw = file !== undefined ? basename(file, extname(file)) : graphName || 'model';
  const cleaned = raw.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `m_${cleaned}`;
}
