// The pycnnl-style API against the direct library path (compile + simulate), the quantised
// reference MLP (bit-exact) and the host model (fp32, within 1e-5), plus every shape check
// with its pinned message.
import { beforeAll, describe, expect, it } from 'vitest';
import { compile, readOutputs, writeInputs } from '../../../compiler/index.js';
import { loadHardware } from '../../../isa/node.js';
import { simulate } from '../../../simulator/index.js';
import { CnnlNet, compileForDevice, createMlp, loadMnist, train, type Model } from '../../../runtime/index.js';
import { referenceFor } from '../../compiler/backend/helpers.js';

const B = 64;
let model: Model;
let x: Float32Array;
let labels: Uint8Array;

beforeAll(async () => {
  const mnist = loadMnist({ subset: 1000 });
  model = createMlp({ inputSize: 784, hidden: [32, 16], outputs: 10, seed: 3 });
  await train(model, mnist.train, { epochs: 3, batchSize: 50, lr: 0.003, optimizer: 'adam', seed: 3 });
  x = mnist.test.x.subarray(0, B * 784);
  labels = mnist.test.y.subarray(0, B) as Uint8Array;
});

/** The course's lab code, ported line by line. */
function buildNet(m: Model, opts: ConstructorParameters<typeof CnnlNet>[0]): CnnlNet {
  const { weights } = m.toGraph();
  const net = new CnnlNet(opts);
  net.setInputShape(B, 1, 1, 784);
  net.createMlpLayer('fc1', [B, 1, 1, 784], [1, 1, 784, 32], [B, 1, 1, 32]);
  net.createReLuLayer('relu1');
  net.createMlpLayer('fc2', [B, 1, 1, 32], [1, 1, 32, 16], [B, 1, 1, 16]);
  net.createReLuLayer('relu2');
  net.createMlpLayer('fc3', [B, 1, 1, 16], [1, 1, 16, 10], [B, 1, 1, 10]);
  net.createSoftmaxLayer('softmax', [B, 1, 1, 10], -1);
  net.loadParams(0, weights[0]!.w, weights[0]!.b);
  net.loadParams(2, weights[1]!.w, Array.from(weights[1]!.b));
  net.loadParams(4, Float64Array.from(weights[2]!.w), weights[2]!.b);
  return net;
}

describe('CnnlNet', () => {
  it('counts every layer and names them', () => {
    const net = buildNet(model, { dtype: 'fp32' });
    expect(net.size()).toBe(6);
    expect([0, 1, 2, 3, 4, 5].map((i) => net.getLayerName(i))).toEqual(['fc1', 'relu1', 'fc2', 'relu2', 'fc3', 'softmax']);
    expect(net.getOutputShape()).toEqual([B, 1, 1, 10]);
  });

  it('fp32 matches the host model within 1e-5', () => {
    const net = buildNet(model, { dtype: 'fp32' });
    net.setInputData(x);
    net.forward();
    const out = net.getOutputData();
    const host = model.predict(x, B);
    expect(out.length).toBe(B * 10);
    let worst = 0;
    for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i]! - host[i]!));
    expect(worst).toBeLessThan(1e-5);
    expect(net.lastReport!.cycles).toBeGreaterThan(0);
    expect(net.lastReport!.macs).toBe(B * (784 * 32 + 32 * 16 + 16 * 10));
  });

  it('int8 is bit-exact with compile + simulate and with the quantised reference', () => {
    const net = buildNet(model, { dtype: 'int8', calibration: x });
    net.setInputData(Array.from(x));
    net.forward();
    const out = net.getOutputData();
    const { model: graph, weights } = model.toGraph();
    const hw = loadHardware('dlp-s');
    const bundle = compile(graph, weights, hw, { dtype: 'int8', batch: B, calibration: x });
    const dram = bundle.image.slice();
    writeInputs(bundle, dram, x);
    const direct = readOutputs(bundle, simulate(bundle.program, hw, { dram }).dram);
    expect(out).toEqual(direct);
    expect(out).toEqual(referenceFor(bundle, graph, weights, x, B));
    // The same cycles as the direct run: nothing extra is simulated.
    expect(net.lastReport!.cycles).toBe(simulate(bundle.program, hw, { dram: bundle.image.slice() }).report.cycles);
  });

  it('compiles once and reuses the program for new data', () => {
    const net = buildNet(model, { dtype: 'int8', calibration: x });
    net.setInputData(x);
    net.forward();
    const first = net.getOutputData();
    net.setInputData(x);
    net.forward();
    expect(net.lastTimes!.compileSeconds).toBe(0);
    expect(net.getOutputData()).toEqual(first);
    // deviceTotals sums every forward: two runs of one program, twice its cycles and seconds.
    const r = net.lastReport!;
    expect(net.deviceTotals).toEqual({ forwards: 2, cycles: 2 * r.cycles, seconds: 2 * r.seconds });
  });

  it('honours a softmax over axis 3 written as a positive axis', () => {
    const net = new CnnlNet({ dtype: 'fp32' });
    net.setInputShape(2, 1, 1, 3);
    net.createMlpLayer('fc', [2, 1, 1, 3], [1, 1, 3, 2], [2, 1, 1, 2]);
    net.createSoftmaxLayer('sm', [2, 1, 1, 2], 3);
    net.loadParams(0, [1, 0, 0, 1, 0, 0], [0, 0]);
    net.setInputData([1, 0, 0, 0, 2, 0]);
    net.forward();
    const out = net.getOutputData();
    const e = Math.exp(1);
    expect(out[0]).toBeCloseTo(e / (e + 1), 6);
    expect(out[3]).toBeCloseTo(Math.exp(2) / (Math.exp(2) + 1), 6);
  });
});

describe('DeviceModel', () => {
  it('chunks large inputs exactly: outputs equal one big run, cycles add up', () => {
    const { model: graph, weights } = model.toGraph();
    const whole = compileForDevice({ model: graph, weights }, undefined, { dtype: 'int8', calibration: x });
    const chunked = compileForDevice(model, undefined, { dtype: 'int8', calibration: x, batch: 25 });
    const a = whole.predict(x, B);
    const b = chunked.predict(x, B);
    expect(b.runs).toBe(3);
    expect(b.outputs).toEqual(a.outputs);
    const parts = [25, 25, 14].map((n, i) => chunked.predict(x.subarray(i * 25 * 784, (i * 25 + n) * 784), n).report);
    expect(b.report.cycles).toBe(parts.reduce((s, r) => s + r.cycles, 0));
    expect(b.report.dramReadBytes).toBe(parts.reduce((s, r) => s + r.dramReadBytes, 0));
    expect(b.report.macs).toBe(a.report.macs);
  });

  it('reports accuracy close to the host model', () => {
    const dev = compileForDevice(model, undefined, { dtype: 'int8', calibration: x });
    const r = dev.accuracy(x, labels);
    const host = model.classify(x, B);
    let agree = 0;
    for (let i = 0; i < B; i++) if (host[i] === r.predictions[i]) agree++;
    expect(agree / B).toBeGreaterThanOrEqual(0.95);
    let correct = 0;
    for (let i = 0; i < B; i++) if (r.predictions[i] === labels[i]) correct++;
    expect(r.correct).toBe(correct);
    expect(r.accuracy).toBe(correct / B);
    expect(r.accuracy).toBeGreaterThan(0.6);
  });
});

describe('CnnlNet shape checks', () => {
  const fresh = (): CnnlNet => {
    const net = new CnnlNet({ dtype: 'fp32' });
    net.setInputShape(4, 1, 1, 6);
    return net;
  };
  const withFc = (): CnnlNet => {
    const net = fresh();
    net.createMlpLayer('fc1', [4, 1, 1, 6], [1, 1, 6, 3], [4, 1, 1, 3]);
    return net;
  };
  const cases: [string, () => void, string][] = [
    ['layer before setInputShape', () => new CnnlNet().createMlpLayer('fc1', [4, 1, 1, 6], [1, 1, 6, 3], [4, 1, 1, 3]),
      "createMlpLayer('fc1'): call setInputShape(batch, 1, 1, features) first"],
    ['bad input dims', () => new CnnlNet().setInputShape(4, 0, 1, 6), 'setInputShape: dimensions must be positive integers, got [4, 0, 1, 6]'],
    ['input shape after layers', () => withFc().setInputShape(4, 1, 1, 6), 'setInputShape: call it before creating layers'],
    ['3-d input shape', () => fresh().createMlpLayer('fc1', [4, 1, 6], [1, 1, 6, 3], [4, 1, 1, 3]),
      "createMlpLayer('fc1'): inputShape must be 4 positive integers [batch, 1, 1, in], got [4, 1, 6]"],
    ['input batch mismatch', () => fresh().createMlpLayer('fc1', [8, 1, 1, 6], [1, 1, 6, 3], [8, 1, 1, 3]),
      "createMlpLayer('fc1'): inputShape [8, 1, 1, 6] does not match the data flowing in: setInputShape gives [4, 1, 1, 6]"],
    ['input width mismatch with previous layer', () => withFc().createMlpLayer('fc2', [4, 1, 1, 6], [1, 1, 6, 2], [4, 1, 1, 2]),
      "createMlpLayer('fc2'): inputShape [4, 1, 1, 6] does not match the data flowing in: layer 0 'fc1' gives [4, 1, 1, 3]"],
    ['weight shape mismatch', () => fresh().createMlpLayer('fc1', [4, 1, 1, 6], [1, 1, 5, 3], [4, 1, 1, 3]),
      "createMlpLayer('fc1'): weightShape [1, 1, 5, 3] does not fit inputShape [4, 1, 1, 6]: expected [1, 1, 6, out]"],
    ['output shape mismatch', () => fresh().createMlpLayer('fc1', [4, 1, 1, 6], [1, 1, 6, 3], [4, 1, 1, 2]),
      "createMlpLayer('fc1'): outputShape [4, 1, 1, 2] does not match weightShape [1, 1, 6, 3]: expected [4, 1, 1, 3]"],
    ['duplicate name', () => withFc().createMlpLayer('fc1', [4, 1, 1, 3], [1, 1, 3, 2], [4, 1, 1, 2]),
      "createMlpLayer('fc1'): a layer named 'fc1' already exists"],
    ['activation first', () => fresh().createReLuLayer('relu1'),
      "createReLuLayer('relu1'): an activation must follow an MLP layer (the DLP applies it to that layer's outputs), but there is no layer yet"],
    ['two activations', () => { const n = withFc(); n.createReLuLayer('r1'); n.createTanhLayer('t1'); },
      "createTanhLayer('t1'): an activation must follow an MLP layer (the DLP applies it to that layer's outputs), but layer 1 'r1' is a relu"],
    ['softmax over the batch', () => withFc().createSoftmaxLayer('sm', [4, 1, 1, 3], 0),
      "createSoftmaxLayer('sm'): softmax over axis 0 (the batch) is not supported; the DLP normalises each sample over its 3 classes (axis 3 or -1)"],
    ['softmax over a size-1 axis', () => withFc().createSoftmaxLayer('sm', [4, 1, 1, 3], 1),
      "createSoftmaxLayer('sm'): axis 1 of shape [4, 1, 1, 3] has size 1, not the 3 class scores; use axis 3 (or -1 for [B,1,1,3])"],
    ['softmax axis out of range', () => withFc().createSoftmaxLayer('sm', [4, 1, 1, 3], 4),
      "createSoftmaxLayer('sm'): axis 4 is out of range for shape [4, 1, 1, 3]"],
    ['softmax shape mismatch', () => withFc().createSoftmaxLayer('sm', [4, 1, 1, 10], -1),
      "createSoftmaxLayer('sm'): shape [4, 1, 1, 10] does not match the data flowing in: [4, 1, 1, 3]"],
    ['layer after softmax', () => { const n = withFc(); n.createSoftmaxLayer('sm', [4, 1, 1, 3], -1); n.createMlpLayer('fc2', [4, 1, 1, 3], [1, 1, 3, 2], [4, 1, 1, 2]); },
      "createMlpLayer('fc2'): softmax 'sm' must be the last layer"],
    ['weights too short', () => withFc().loadParams(0, new Float32Array(17), new Float32Array(3)),
      "loadParams(0) on 'fc1': weights: got 17 values, expected 6 × 3 = 18 (layout [in, out], row-major)"],
    ['weights copied per batch element (the old pycnnl layout)', () => withFc().loadParams(0, new Float32Array(4 * 18), new Float32Array(3)),
      "loadParams(0) on 'fc1': weights: got 72 values, expected 6 × 3 = 18 (layout [in, out], row-major)"],
    ['bias wrong', () => withFc().loadParams(0, new Float32Array(18), [0, 0]),
      "loadParams(0) on 'fc1': bias: got 2 values, expected 3"],
    ['bias missing', () => withFc().loadParams(0, new Float32Array(18)),
      "loadParams(0) on 'fc1': an MLP layer needs weights and bias"],
    ['NaN weight', () => withFc().loadParams(0, Array.from({ length: 18 }, (_, i) => (i === 5 ? NaN : 0)), [0, 0, 0]),
      "loadParams(0) on 'fc1': weights[5] is NaN, not a finite number"],
    ['params of an activation', () => { const n = withFc(); n.createReLuLayer('r1'); n.loadParams(1, [1], [1]); },
      "loadParams(1) on 'r1': a relu layer has no parameters (the MLP layers are 0)"],
    ['layer id out of range', () => withFc().loadParams(2, [], []),
      'loadParams: layer id 2 is out of range (the net has 1 layers, ids 0-0)'],
    ['getLayerName out of range', () => withFc().getLayerName(-1),
      'getLayerName: layer id -1 is out of range (the net has 1 layers, ids 0-0)'],
    ['input data size', () => withFc().setInputData(new Float32Array(23)),
      'setInputData: input: got 23 values, expected 4 × 6 = 24 (the shape given to setInputShape)'],
    ['forward without data', () => withFc().forward(), 'forward: call setInputData first'],
    ['forward without params', () => { const n = withFc(); n.setInputData(new Float32Array(24)); n.forward(); },
      "forward: layer 0 'fc1' has no parameters; call loadParams(0, weights, bias) first"],
    ['output before forward', () => withFc().getOutputData(), 'getOutputData: call forward() first'],
    ['prelu without slopes', () => { const n = withFc(); n.createPReLuLayer('p1'); n.loadParams(0, new Float32Array(18), new Float32Array(3)); n.setInputData(new Float32Array(24)); n.forward(); },
      "forward: PReLU layer 1 'p1' has no slopes; call loadParams(1, slopes) first"],
  ];
  it.each(cases)('%s', (_name, act, message) => {
    expect(act).toThrowError(message);
    try {
      act();
    } catch (e) {
      expect((e as Error).name).toBe('DlpError');
      expect((e as Error).message).toBe(message);
    }
  });
});
