import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMlp } from '../../../compiler/frontend/mlp.js';
import { exportOnnx, importOnnx } from '../../../compiler/frontend/onnx.js';
import { modelProto } from '../../../compiler/frontend/onnx-schema.js';
import { randomWeights } from '../../../compiler/weights/random.js';
import { transpose } from '../../../compiler/weights/weights.js';
import { buildFixtures, fixtureValues } from '../../fixtures/onnx/make-fixtures.js';
import { errorOf } from '../../helpers/errors.js';

const fixture = (name: string) => new Uint8Array(readFileSync(`test/fixtures/onnx/${name}`));

describe('ONNX fixtures', () => {
  it('are exactly what make-fixtures.ts produces', () => {
    for (const [name, bytes] of Object.entries(buildFixtures())) expect(fixture(name), name).toEqual(new Uint8Array(bytes));
  });

  it('imports the PyTorch-style Gemm transB=1 MLP', () => {
    const { model, weights } = importOnnx(fixture('mlp-8-16-4-gemm.onnx'), 'g.onnx');
    expect(model.name).toBe('g');
    expect(model.inputSize).toBe(8);
    expect(model.softmax).toBe(true);
    expect(model.layers.map((l) => [l.name, l.inputs, l.units, l.activation.kind])).toEqual([
      ['fc1', 8, 16, 'relu'],
      ['fc2', 16, 4, 'identity'],
    ]);
    // The exporter wrote fixtureValues as (in, out), stored [out, in]; import transposes back.
    expect(weights[0]!.w).toEqual(fixtureValues(8 * 16, 0));
    expect(weights[0]!.b).toEqual(fixtureValues(16, 1));
    expect(weights[1]!.w).toEqual(fixtureValues(16 * 4, 2));
    expect(weights[1]!.w[1 * 4 + 2]).toBe((((7 * 6 + 6) % 17) - 8) / 16);
  });

  it('imports the Keras-style Flatten + MatMul/Add MLP with every activation', () => {
    const { model, weights } = importOnnx(fixture('mlp-flatten-matmul.onnx'));
    expect(model.inputSize).toBe(16); // [N, 1, 4, 4] flattened
    expect(model.softmax).toBe(false);
    expect(model.layers.map((l) => [l.name, l.units, l.activation])).toEqual([
      ['fc1', 8, { kind: 'leaky', alpha: 0.2 }],
      ['fc2', 6, { kind: 'prelu' }],
      ['fc3', 5, { kind: 'elu', alpha: 0.5 }],
      ['fc4', 4, { kind: 'sigmoid' }],
      ['fc5', 3, { kind: 'tanh' }],
    ]);
    const sizes = [16, 8, 6, 5, 4, 3];
    weights.forEach((lw, l) => {
      expect(lw.w, `layer ${l}`).toEqual(fixtureValues(sizes[l]! * sizes[l + 1]!, 10 + l)); // MatMul B is already (in, out)
      expect(lw.b, `layer ${l}`).toEqual(fixtureValues(sizes[l + 1]!, 20 + l));
    });
    expect(weights[1]!.slopes).toEqual(new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]));
    expect(weights[0]!.slopes).toBeUndefined();
  });

  it('imports Reshape via Constant, Gemm transB=0 with alpha/beta, Dropout, Identity, opset-11 Softmax', () => {
    const { model, weights } = importOnnx(fixture('mlp-reshape-gemm.onnx'));
    expect(model.inputSize).toBe(4);
    expect(model.layers.map((l) => [l.units, l.activation.kind])).toEqual([[3, 'relu'], [2, 'identity']]);
    expect(model.softmax).toBe(true);
    expect(weights[0]!.w).toEqual(fixtureValues(12, 30).map((v) => 0.5 * v)); // alpha = 0.5
    expect(weights[0]!.b).toEqual(fixtureValues(3, 31).map((v) => 2 * v)); // beta = 2, C is [1, 3]
    expect(weights[1]!.w).toEqual(fixtureValues(6, 32));
  });

  it('names an unsupported operator and its node', () => {
    expect(errorOf(() => importOnnx(fixture('conv-unsupported.onnx'), 'cnn.onnx'))).toBe(
      'cnn.onnx: unsupported ONNX operator Conv (node "/conv1/Conv"); nearest supported: Gemm (dlpkit runs dense layers only; flatten the input and use Linear layers)',
    );
  });
});

describe('exportOnnx', () => {
  it('round-trips every activation through Gemm transB=1', () => {
    const m = parseMlp('model rt { input 5 dense a: 4 leaky(0.3) dense b: 4 prelu dense c: 3 elu(0.7) dense d: 3 tanh dense e: 2 sigmoid dense f: 2 softmax }');
    const w = randomWeights(m, 3);
    w[1]!.slopes = new Float32Array([0.1, -0.2, 0.3, 0.4]);
    const { model, weights } = importOnnx(exportOnnx(m, w));
    expect(model.layers.map((l) => [l.name, l.units, l.activation])).toEqual(m.layers.map((l) => [l.name, l.units, l.activation]));
    expect(model.softmax).toBe(true);
    expect(weights).toEqual(w);
  });

  it('writes [out, in] weights and PyTorch names', () => {
    const m = parseMlp('model p { input 3 dense fc1: 2 relu }');
    const w = [{ w: new Float32Array([1, 2, 3, 4, 5, 6]), b: new Float32Array([7, 8]) }];
    const decoded = modelProto().toObject(modelProto().decode(exportOnnx(m, w)), { longs: Number, arrays: true }) as {
      graph: { node: { opType: string; name: string; attribute: { name: string; i?: number }[] }[]; initializer: { name: string; dims: number[]; rawData: Uint8Array }[] };
      opsetImport: { version: number }[];
    };
    expect(decoded.opsetImport[0]!.version).toBe(17);
    expect(decoded.graph.node.map((n) => [n.name, n.opType])).toEqual([['/fc1/Gemm', 'Gemm'], ['/fc1/Relu', 'Relu']]);
    expect(decoded.graph.node[0]!.attribute.find((a) => a.name === 'transB')!.i).toBe(1);
    const weight = decoded.graph.initializer[0]!;
    expect([weight.name, weight.dims]).toEqual(['fc1.weight', [2, 3]]);
    const raw = weight.rawData;
    expect(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))).toEqual(transpose(w[0]!.w, 3, 2));
  });
});

// ---- Error cases on graphs built in memory with the schema --------------------------------
type NodeSpec = { op: string; name?: string; in: string[]; out: string[]; attrs?: Record<string, number> };
function tensor(name: string, dims: number[], fill = 0.5) {
  const n = dims.reduce((a, b) => a * b, 1);
  return { name, dims, dataType: 1, floatData: new Array(n).fill(fill) };
}
function graphBytes(nodes: NodeSpec[], inits: ReturnType<typeof tensor>[], inputDims: (number | string)[] = ['N', 4], extraInputs: string[] = [], output = 'y') {
  const vi = (name: string, dims: (number | string)[]) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
  return modelProto().encode(
    modelProto().fromObject({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        node: nodes.map((n, i) => ({
          name: n.name ?? `n${i}`,
          opType: n.op,
          input: n.in,
          output: n.out,
          attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => (Number.isInteger(v) ? { name: k, type: 2, i: v } : { name: k, type: 1, f: v })),
        })),
        initializer: inits,
        input: [vi('x', inputDims), ...extraInputs.map((e) => vi(e, ['N', 4]))],
        output: [vi(output, ['N', 2])],
      },
    }),
  ).finish();
}
const W = tensor('fc.weight', [2, 4]);
const gemm = (input = 'x', out = 'h'): NodeSpec => ({ op: 'Gemm', in: [input, 'fc.weight'], out: [out], attrs: { transB: 1 } });

describe('importOnnx errors', () => {
  const cases: [string, () => Uint8Array, string | RegExp][] = [
    ['garbage bytes', () => new Uint8Array([0xff, 0xff, 0xff, 0xff]), /^m\.onnx: not a valid ONNX model \(protobuf decoding failed: /],
    ['an empty graph', () => graphBytes([], []), 'm.onnx: ONNX model has no graph nodes'],
    ['a branch', () => graphBytes([gemm(), { op: 'Relu', in: ['x'], out: ['r'] }], [W]),
      'm.onnx: tensor x feeds 2 nodes ("n0", "n1"); only chains of layers are supported'],
    ['two graph inputs', () => graphBytes([gemm('x', 'y')], [W], ['N', 4], ['z']), 'm.onnx: expected one graph input (besides initializers), found 2: x, z'],
    ['a stray node', () => graphBytes([gemm('x', 'y'), { op: 'Relu', in: ['q'], out: ['r'] }], [W]),
      'm.onnx: node "n1" is not on the chain from input x; only chains of layers are supported'],
    ['two activations', () => graphBytes([gemm(), { op: 'Relu', in: ['h'], out: ['r'] }, { op: 'Tanh', in: ['r'], out: ['y'] }], [W]),
      'm.onnx: Tanh node "n2": layer fc already has activation relu; dlpkit fuses one activation per layer'],
    ['an activation first', () => graphBytes([{ op: 'Relu', in: ['x'], out: ['r'] }, gemm('r', 'y')], [W]),
      'm.onnx: Relu node "n0": an activation before any Gemm or MatMul is not supported'],
    ['a late bias Add', () => graphBytes([gemm(), { op: 'Relu', in: ['h'], out: ['r'] }, { op: 'Add', in: ['r', 'b'], out: ['y'] }], [W, tensor('b', [2])]),
      'm.onnx: Add node "n2" after the last dense layer\'s activation cannot be folded: no dense layer follows'],
    ['a wrong K', () => graphBytes([gemm('x', 'y')], [tensor('fc.weight', [2, 5])]),
      'm.onnx: Gemm node "n0": weight fc.weight [2, 5] expects 5 input features, but 4 flow in'],
    ['an unflattened input', () => graphBytes([gemm('x', 'y')], [tensor('fc.weight', [2, 4])], ['N', 1, 2, 2]),
      'm.onnx: Gemm node "n0": input shape [?, 1, 2, 2] must be flattened to [batch, features] first'],
    ['a non-initializer weight', () => graphBytes([{ op: 'MatMul', in: ['x', 'x'], out: ['y'] }], []),
      'm.onnx: MatMul node "n0": the weight (input 1 x) must be an initializer'],
    ['transA', () => graphBytes([{ op: 'Gemm', in: ['x', 'fc.weight'], out: ['y'], attrs: { transA: 1 } }], [W]),
      'm.onnx: Gemm node "n0": transA=1 is not supported (the input must be [batch, features])'],
    ['softmax on axis 0', () => graphBytes([gemm(), { op: 'Softmax', in: ['h'], out: ['y'], attrs: { axis: 0 } }], [W]),
      'm.onnx: Softmax node "n1": axis 0 is not supported (only the last axis, -1 or 1)'],
    ['a node after softmax', () => graphBytes([gemm(), { op: 'Softmax', in: ['h'], out: ['s'] }, { op: 'Relu', in: ['s'], out: ['y'] }], [W]),
      'm.onnx: node "n2" (Relu) follows Softmax; Softmax must be the last operation'],
    ['a non-flattening reshape', () => graphBytes([{ op: 'Reshape', in: ['x', 's'], out: ['r'] }, gemm('r', 'y')], [W, { name: 's', dims: [3], dataType: 7, int64Data: [1, 2, 2] } as never]),
      'm.onnx: Reshape node "n0": target shape [1, 2, 2] is not [batch, features]; only flattening reshapes are supported'],
    ['a bad PRelu slope', () => graphBytes([gemm(), { op: 'PRelu', in: ['h', 'sl'], out: ['y'] }], [W, tensor('sl', [3])]),
      'm.onnx: PRelu node "n1": slope sl dims [3] do not broadcast to [batch, 2]'],
    ['an unnamed unsupported node', () => graphBytes([gemm(), { op: 'LayerNormalization', name: '', in: ['h'], out: ['y'] }], [W]),
      'm.onnx: unsupported ONNX operator LayerNormalization (node #1); nearest supported: BatchNormalization (inference mode, folded)'],
    ['an output that is not the chain end', () => graphBytes([gemm('x', 'h')], [W], ['N', 4], [], 'zz'),
      'm.onnx: the chain ends at tensor h, which is not a graph output (zz)'],
  ];
  it.each(cases)('rejects %s', (_label, make, message) => {
    const got = errorOf(() => importOnnx(make(), 'm.onnx'));
    if (typeof message === 'string') expect(got).toBe(message);
    else expect(got).toMatch(message);
  });

  it('accepts a MatMul without Add (zero bias) and a [1] scalar bias', () => {
    const { weights } = importOnnx(graphBytes([{ op: 'MatMul', in: ['x', 'k'], out: ['y'] }], [tensor('k', [4, 2], 0.25)]));
    expect(weights[0]!.b).toEqual(new Float32Array(2));
    const { weights: w2 } = importOnnx(graphBytes([{ op: 'MatMul', in: ['x', 'k'], out: ['m'] }, { op: 'Add', in: ['s', 'm'], out: ['y'] }], [tensor('k', [4, 2]), tensor('s', [1], 3)]));
    expect(w2[0]!.b).toEqual(new Float32Array([3, 3]));
  });
});

// ---- Folds, no-ops and the operators added for PyTorch exports ----------------------------
function vec(name: string, values: number[]) {
  return { name, dims: [values.length], dataType: 1, floatData: values };
}
const bn = (input: string, out: string, p = 'bn', attrs: Record<string, number> = {}): NodeSpec =>
  ({ op: 'BatchNormalization', in: [input, `${p}.w`, `${p}.b`, `${p}.m`, `${p}.v`], out: [out], attrs });
const bnInits = (p = 'bn', n = 2) => [vec(`${p}.w`, [2, 0.5].slice(0, n)), vec(`${p}.b`, [1, -1].slice(0, n)), vec(`${p}.m`, [0.5, -0.25].slice(0, n)), vec(`${p}.v`, [3, 0.25 - 1e-5].slice(0, n))];

describe('folds and no-ops', () => {
  it('folds BatchNormalization after a Gemm exactly: w·s, b·s + t with s = γ/√(σ²+ε), t = β − μ·s', () => {
    const r = importOnnx(graphBytes([gemm(), bn('h', 'y')], [W, ...bnInits()]));
    // Column 0: s = 2/√3.00001; column 1: s = 0.5/√0.25 = 1 exactly, t = −1 + 0.25.
    const s0 = 2 / Math.sqrt(3 + 1e-5);
    expect(r.weights[0]!.w).toEqual(new Float32Array([0.5 * s0, 0.5, 0.5 * s0, 0.5, 0.5 * s0, 0.5, 0.5 * s0, 0.5]));
    expect(r.weights[0]!.b).toEqual(new Float32Array([1 - 0.5 * s0, -0.75]));
    expect(r.folds).toEqual(['BatchNormalization node "n1" (epsilon 0.00001) folded into the outputs of layer fc (weights and bias scaled per unit)']);
  });

  it('folds a per-feature Sub/Div before a layer into its inputs and Mul/Add after it into its outputs', () => {
    const r = importOnnx(graphBytes([
      { op: 'Sub', in: ['x', 'mu'], out: ['a'] }, { op: 'Div', in: ['a', 'sd'], out: ['c'] }, gemm('c', 'h'),
      { op: 'Mul', in: ['g', 'h'], out: ['m'] }, { op: 'Add', in: ['m', 't'], out: ['y'] },
    ], [W, vec('mu', [1, 2, 3, 4]), vec('sd', [2, 4, 0.5, 1]), vec('g', [2, 3]), vec('t', [0.25, -0.25])]));
    // y_j = g_j·(Σ_i (x_i − μ_i)/σ_i · 0.5) + t_j: w_ij = g_j·0.5/σ_i, b_j = −g_j·Σ_i 0.5·μ_i/σ_i + t_j.
    const inv = [0.5, 0.25, 2, 1];
    expect(Array.from(r.weights[0]!.w)).toEqual(inv.flatMap((v) => [2 * 0.5 * v, 3 * 0.5 * v]));
    const shift = -0.5 * (1 * 0.5 + 2 * 0.25 + 3 * 2 + 4 * 1);
    expect(Array.from(r.weights[0]!.b)).toEqual([2 * shift + 0.25, 3 * shift - 0.25]);
    expect(r.folds).toHaveLength(4);
  });

  it('folds BatchNormalization after an activation into the next layer, and c − X as −X + c', () => {
    const r = importOnnx(graphBytes([gemm('x', 'h'), { op: 'Relu', in: ['h'], out: ['r'] }, bn('r', 'n'),
      { op: 'Sub', in: ['one', 'n'], out: ['s'] }, { op: 'Gemm', in: ['s', 'fc2.weight'], out: ['y'], attrs: { transB: 1 } }],
    [W, ...bnInits(), tensor('one', [1], 1), tensor('fc2.weight', [3, 2], 0.25)]));
    expect(r.model.layers.map((l) => l.activation.kind)).toEqual(['relu', 'identity']);
    const s = [2 / Math.sqrt(3 + 1e-5), 1];
    const t = [1 - 0.5 * s[0]!, -0.75];
    // After Sub(1 − n): s' = −s, t' = 1 − t; next layer weight 0.25 everywhere.
    expect(Array.from(r.weights[1]!.w)).toEqual([-s[0]!, -s[0]!, -s[0]!, -1, -1, -1].map((v) => Math.fround(0.25 * v)));
    expect(r.weights[1]!.b[0]).toBe(Math.fround(0.25 * ((1 - t[0]!) + (1 - t[1]!))));
  });

  it('accepts Identity, Dropout (inference), Cast to FLOAT, Clip(0) as Relu, a transposed constant weight, and LogSoftmax on the host', () => {
    const r = importOnnx(graphBytes([
      { op: 'Identity', in: ['x'], out: ['a'] }, { op: 'Dropout', in: ['a', 'ratio', 'tm'], out: ['b', 'mask'] },
      { op: 'Cast', in: ['b'], out: ['c'], attrs: { to: 1 } }, { op: 'Transpose', in: ['fc.weight'], out: ['wt'] },
      { op: 'MatMul', in: ['c', 'wt'], out: ['h'] }, { op: 'Clip', in: ['h', 'zero'], out: ['r'] },
      { op: 'LogSoftmax', in: ['r'], out: ['y'] },
    ], [W, tensor('ratio', [], 0.5), { name: 'tm', dims: [], dataType: 9, int32Data: [0] } as never, tensor('zero', [], 0)]));
    expect(r.model.layers[0]!.activation.kind).toBe('relu');
    expect(r.model.softmax).toBe(false);
    expect(r.hostOutput).toBe('log-softmax');
    expect(r.params.find((p) => p.role === 'weight')).toEqual({ initializer: 'fc.weight', dims: [4, 2], layer: 0, role: 'weight', transposed: false });
  });

  const cases: [string, () => Uint8Array, string][] = [
    ['Clip(0, 6)', () => graphBytes([gemm(), { op: 'Clip', in: ['h', 'lo', 'hi'], out: ['y'] }], [W, tensor('lo', [], 0), tensor('hi', [], 6)]),
      'm.onnx: Clip node "n1": Clip(0, 6) is ReLU6, which the DLP cannot express: ACT implements identity, relu, leaky, prelu, elu, sigmoid, tanh, softmax (isa/spec.ts) and has no upper clamp; nearest supported: Relu (train with nn.ReLU)'],
    ['Clip(-1, 1)', () => graphBytes([gemm(), { op: 'Clip', in: ['h', 'lo', 'hi'], out: ['y'] }], [W, tensor('lo', [], -1), tensor('hi', [], 1)]),
      'm.onnx: Clip node "n1": Clip(-1, 1) is not supported; only Clip(0, +inf), which is Relu'],
    ['Dropout in training mode', () => graphBytes([{ op: 'Dropout', in: ['x', 'r', 'tm'], out: ['a'] }, gemm('a', 'y')], [W, tensor('r', [], 0.5), { name: 'tm', dims: [], dataType: 9, int32Data: [1] } as never]),
      'm.onnx: Dropout node "n0": training_mode is true; export the model in inference mode (model.eval())'],
    ['BatchNormalization in training mode', () => graphBytes([gemm(), bn('h', 'y', 'bn', { training_mode: 1 })], [W, ...bnInits()]),
      'm.onnx: BatchNormalization node "n1": training_mode is 1; export the model in inference mode (model.eval())'],
    ['a BatchNormalization of the wrong width', () => graphBytes([gemm(), bn('h', 'y')], [W, ...bnInits('bn', 1)]),
      'm.onnx: BatchNormalization node "n1": bn.w has dims [1], expected [2]'],
    ['a Cast to int', () => graphBytes([{ op: 'Cast', in: ['x'], out: ['a'], attrs: { to: 6 } }, gemm('a', 'y')], [W]),
      'm.onnx: Cast node "n0": casts to data type 6; only Cast to FLOAT (1) is a no-op dlpkit accepts'],
    ['a division by zero', () => graphBytes([gemm(), { op: 'Div', in: ['h', 'z'], out: ['y'] }], [W, vec('z', [1, 0])]),
      'm.onnx: Div node "n1": divisor z holds a zero'],
    ['a constant divided by the chain', () => graphBytes([gemm(), { op: 'Div', in: ['z', 'h'], out: ['y'] }], [W, vec('z', [1, 2])]),
      'm.onnx: Div node "n1": expects the chain tensor h as its first input'],
    ['a Mul by a non-initializer', () => graphBytes([gemm(), { op: 'Mul', in: ['h', 'h'], out: ['y'] }], [W]),
      'm.onnx: Mul node "n1": the factor (input 1 h) must be an initializer'],
    ['a scale before Softmax after an activation', () => graphBytes([gemm(), { op: 'Relu', in: ['h'], out: ['r'] }, { op: 'Mul', in: ['r', 'g'], out: ['m'] }, { op: 'Softmax', in: ['m'], out: ['y'] }], [W, vec('g', [1, 2])]),
      'm.onnx: Softmax node "n3": Mul node "n2" before Softmax cannot be folded: no dense layer follows'],
    ['a Transpose of a 3-D constant', () => graphBytes([{ op: 'Transpose', in: ['k'], out: ['kt'] }, { op: 'MatMul', in: ['x', 'kt'], out: ['y'] }], [tensor('k', [2, 2, 1])]),
      'm.onnx: Transpose node "n0": only 2-D initializers with perm [1, 0] are supported'],
    ['a Relu6-like HardSwish', () => graphBytes([gemm(), { op: 'HardSwish', in: ['h'], out: ['y'] }], [W]),
      'm.onnx: unsupported ONNX operator HardSwish (node "n1"); nearest supported: Relu'],
    ['an unknown operator', () => graphBytes([gemm(), { op: 'Reluu', in: ['h'], out: ['y'] }], [W]),
      'm.onnx: unsupported ONNX operator Reluu (node "n1"); nearest supported: Relu'],
  ];
  it.each(cases)('rejects %s naming the node', (_label, make, message) => {
    expect(errorOf(() => importOnnx(make(), 'm.onnx'))).toBe(message);
  });
});

describe('docs/models.md', () => {
  it('lists exactly the accepted operators with the meanings of onnx-ops.ts', async () => {
    const { readFileSync } = await import('node:fs');
    const { SUPPORTED_OPS } = await import('../../../compiler/frontend/onnx-ops.js');
    const doc = readFileSync('docs/models.md', 'utf8');
    const section = doc.slice(doc.indexOf('## ONNX import'), doc.indexOf('Every other operator is an error'));
    const rows = [...section.matchAll(/^\| `(\w+)` \| (.*) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(Object.entries(SUPPORTED_OPS).map(([op, info]) => [op, info.meaning]));
  });
});

describe('state_dict mapping onto a MatMul graph (dynamo/Keras layout, weights [in, out])', () => {
  it('maps nn.Linear names by order, transposing [out, in] to the graph\'s [in, out]', async () => {
    const { mapStateDict } = await import('../../../compiler/weights/state-dict.js');
    const bytes = graphBytes([{ op: 'MatMul', in: ['x', 'val_0'], out: ['m'] }, { op: 'Add', in: ['m', 'val_1'], out: ['y'] }], [tensor('val_0', [4, 2]), tensor('val_1', [2])]);
    const first = importOnnx(bytes);
    const w = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]); // [out=2, in=4]
    const sd = new Map([['net.0.weight', { dtype: 'F32' as const, shape: [2, 4], data: w }], ['net.0.bias', { dtype: 'F32' as const, shape: [2], data: new Float32Array([9, 10]) }]]);
    const overrides = mapStateDict(sd, first.params, first.model);
    const again = importOnnx(bytes, undefined, { overrides });
    expect(Array.from(again.weights[0]!.w)).toEqual([1, 5, 2, 6, 3, 7, 4, 8]);
    expect(Array.from(again.weights[0]!.b)).toEqual([9, 10]);
    sd.set('net.0.weight', { dtype: 'F32', shape: [4, 2], data: w });
    expect(errorOf(() => mapStateDict(sd, first.params, first.model, 'sd.safetensors'))).toBe(
      'sd.safetensors: tensor net.0.weight [4, 2] maps by order to layer 1 (fc1, 4 → 2), which expects [2, 4]');
  });
});
