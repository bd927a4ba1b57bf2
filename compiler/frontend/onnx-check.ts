// A checker for the ONNX files dlpkit writes, after the rules of onnx.checker and shape
// inference that apply to them: IR version and opset, non-empty unique names in SSA form,
// nodes in topological order, initializers consistent with their dims, data type and any graph
// input of the same name, the attributes of every operator the exporter emits, and the shapes
// inferred through the graph agreeing with the declared outputs. `dlp export` runs it on every
// file; it returns every problem found (empty: the file passes).
import { AttrType, DataType, decodeModel, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './onnx-schema.js';

/** Oldest and newest default-domain opsets the check knows (ONNX 1.12's newest is 17). */
const OPSETS = { min: 13, max: 17 };
/** Operators the exporter emits, with their attributes and types. */
const OPS: Record<string, { attrs: Record<string, number>; inputs: [number, number] }> = {
  Gemm: { attrs: { alpha: AttrType.FLOAT, beta: AttrType.FLOAT, transA: AttrType.INT, transB: AttrType.INT }, inputs: [2, 3] },
  Relu: { attrs: {}, inputs: [1, 1] },
  LeakyRelu: { attrs: { alpha: AttrType.FLOAT }, inputs: [1, 1] },
  PRelu: { attrs: {}, inputs: [2, 2] },
  Elu: { attrs: { alpha: AttrType.FLOAT }, inputs: [1, 1] },
  Sigmoid: { attrs: {}, inputs: [1, 1] },
  Tanh: { attrs: {}, inputs: [1, 1] },
  Softmax: { attrs: { axis: AttrType.INT }, inputs: [1, 1] },
};
const ELEMENT_BYTES: Record<number, number> = { [DataType.FLOAT]: 4, [DataType.DOUBLE]: 8, [DataType.INT64]: 8, [DataType.INT32]: 4 };

type Shape = (number | string)[];

function shapeOf(v: OnnxValueInfo): Shape | undefined {
  return v.type?.tensorType?.shape?.dim.map((d) => (d.dimValue !== undefined ? d.dimValue : (d.dimParam ?? '?')));
}

const fmt = (s: Shape): string => `[${s.join(', ')}]`;

/** Every rule the model breaks, one line each. */
export function checkOnnxModel(m: OnnxModel): string[] {
  const problems: string[] = [];
  const bad = (s: string): void => {
    problems.push(s);
  };
  if (!m.irVersion || m.irVersion < 3) bad(`ir_version ${m.irVersion ?? 0} is missing or below 3`);
  const opset = m.opsetImport.filter((o) => !o.domain || o.domain === 'ai.onnx');
  if (opset.length !== 1) bad(`expected one opset import for the default domain, found ${opset.length}`);
  const version = opset[0]?.version ?? 0;
  if (version < OPSETS.min || version > OPSETS.max) bad(`default-domain opset ${version} is outside ${OPSETS.min}..${OPSETS.max}`);
  const g = m.graph;
  if (!g) return [...problems, 'model has no graph'];
  if (!g.name) bad('graph has no name');

  // Names: initializers, inputs and node outputs are defined once (SSA).
  const defined = new Map<string, Shape | undefined>();
  const define = (name: string | undefined, shape: Shape | undefined, what: string): void => {
    if (!name) return bad(`${what} has an empty name`);
    if (defined.has(name)) bad(`${what} ${name} is defined twice`);
    defined.set(name, shape);
  };
  const inits = new Map<string, OnnxTensor>();
  for (const t of g.initializer) {
    define(t.name, t.dims, 'initializer');
    if (t.name) inits.set(t.name, t);
    checkTensor(t, bad);
  }
  for (const v of g.input) {
    const elem = v.type?.tensorType?.elemType;
    if (elem !== DataType.FLOAT) bad(`graph input ${v.name} has element type ${elem ?? 'none'}, expected FLOAT (1)`);
    const shape = shapeOf(v);
    if (!shape) bad(`graph input ${v.name} has no shape`);
    const init = v.name ? inits.get(v.name) : undefined;
    if (init) {
      if (shape && fmt(shape) !== fmt(init.dims)) bad(`graph input ${v.name} ${fmt(shape)} disagrees with its initializer ${fmt(init.dims)}`);
      continue;
    }
    define(v.name, shape, 'graph input');
  }
  const nodeNames = new Set<string>();
  g.node.forEach((node, i) => {
    const label = `node ${node.name || `#${i}`} (${node.opType ?? '?'})`;
    if (node.name) {
      if (nodeNames.has(node.name)) bad(`${label}: node name ${node.name} is used twice`);
      nodeNames.add(node.name);
    }
    const spec = node.opType ? OPS[node.opType] : undefined;
    if (!spec) return bad(`${label}: operator ${node.opType ?? '(none)'} is not one the exporter emits`);
    if (node.domain) bad(`${label}: domain ${node.domain} is not the default domain`);
    const [lo, hi] = spec.inputs;
    if (node.input.length < lo || node.input.length > hi) bad(`${label}: has ${node.input.length} inputs, expected ${lo}..${hi}`);
    for (const a of node.attribute) checkAttribute(a, spec.attrs, label, bad);
    const shapes = node.input.map((name) => {
      if (!defined.has(name)) bad(`${label}: input ${name} is not defined before the node (not topologically sorted, or missing)`);
      return defined.get(name);
    });
    if (node.output.length !== 1) bad(`${label}: has ${node.output.length} outputs, expected 1`);
    define(node.output[0], inferShape(node, shapes, label, bad), `${label} output`);
  });
  for (const o of g.output) {
    if (!o.name || !defined.has(o.name)) {
      bad(`graph output ${o.name ?? '(empty)'} is not produced by any node`);
      continue;
    }
    const declared = shapeOf(o);
    const inferred = defined.get(o.name);
    if (declared && inferred && fmt(declared) !== fmt(inferred)) bad(`graph output ${o.name} is declared ${fmt(declared)} but inferred ${fmt(inferred)}`);
  }
  return problems;
}

/** Decodes and checks ONNX bytes. */
export function checkOnnxBytes(bytes: Uint8Array): string[] {
  return checkOnnxModel(decodeModel(bytes));
}

function checkTensor(t: OnnxTensor, bad: (s: string) => void): void {
  const unit = ELEMENT_BYTES[t.dataType ?? 0];
  if (unit === undefined) return bad(`initializer ${t.name}: data type ${t.dataType ?? 0} is not one the exporter writes`);
  if (t.dims.some((d) => !Number.isSafeInteger(d) || d < 0)) return bad(`initializer ${t.name}: dims [${t.dims.join(', ')}] are not non-negative integers`);
  if (t.dataLocation === 1 || t.externalData.length > 0) return bad(`initializer ${t.name}: external data is not expected in an exported file`);
  const n = t.dims.reduce((a, b) => a * b, 1);
  const have = t.rawData && t.rawData.length > 0 ? t.rawData.length / unit : t.floatData.length || t.doubleData.length || t.int64Data.length || t.int32Data.length;
  if (have !== n) bad(`initializer ${t.name}: dims [${t.dims.join(', ')}] need ${n} values, ${have} are stored`);
}

function checkAttribute(a: OnnxAttribute, allowed: Record<string, number>, label: string, bad: (s: string) => void): void {
  const want = a.name ? allowed[a.name] : undefined;
  if (want === undefined) return bad(`${label}: unknown attribute ${a.name ?? '(unnamed)'}`);
  if (a.type !== want) bad(`${label}: attribute ${a.name} has type ${a.type ?? 0}, expected ${want}`);
  if (want === AttrType.FLOAT && !Number.isFinite(a.f ?? 0)) bad(`${label}: attribute ${a.name} is not finite`);
}

/** The output shape of an exported node from its input shapes (undefined: unknown). */
function inferShape(node: OnnxNode, shapes: (Shape | undefined)[], label: string, bad: (s: string) => void): Shape | undefined {
  const [x, w, c] = shapes;
  if (!x) return undefined;
  const attr = (name: string, fallback: number): number => {
    const a = node.attribute.find((t) => t.name === name);
    return a ? (a.type === AttrType.FLOAT ? (a.f ?? 0) : (a.i ?? 0)) : fallback;
  };
  switch (node.opType) {
    case 'Gemm': {
      if (x.length !== 2 || !w || w.length !== 2) {
        bad(`${label}: Gemm needs 2-D A and B, got ${fmt(x)} and ${w ? fmt(w) : '?'}`);
        return undefined;
      }
      const [m, k] = attr('transA', 0) ? [x[1], x[0]] : [x[0], x[1]];
      const [kb, n] = attr('transB', 0) ? [w[1], w[0]] : [w[0], w[1]];
      if (k !== kb) bad(`${label}: A ${fmt(x)} and B ${fmt(w)} disagree on K (${k} vs ${kb})`);
      if (c && !(c.length === 1 && (c[0] === n || c[0] === 1))) bad(`${label}: C ${fmt(c)} does not broadcast to [${m}, ${n}]`);
      return [m as number | string, n as number | string];
    }
    case 'PRelu':
      if (w && !(w.length === 1 && (w[0] === 1 || w[0] === x[x.length - 1]))) bad(`${label}: slope ${fmt(w)} does not broadcast to ${fmt(x)}`);
      return x;
    case 'Softmax': {
      const axis = attr('axis', -1);
      if (axis < -x.length || axis >= x.length) bad(`${label}: axis ${axis} is outside a rank-${x.length} tensor`);
      return x;
    }
    default:
      return x;
  }
}
