// CnnlNet: the course's pycnnl class, so lab code ports line by line, without its faults.
// Layer ids count every layer (fc-relu-fc-relu-fc-softmax → FC ids 0, 2, 4) as in pycnnl;
// weights are stored once as Float32Array in the course's (in, out) layout, never copied per
// batch element; every shape is checked when given, with a DlpError naming the call, the
// layer and both shapes; the softmax axis is honoured; `forward()` compiles once (cached until
// the network or its parameters change) and runs the program on the cycle-level simulator.
import type { Activation, ModelGraph, ModelWeights } from '../../compiler/model.js';
import type { ComputeDType } from '../../compiler/passes/quantize.js';
import { DlpError } from '../../isa/errors.js';
import type { HardwareConfig } from '../../isa/hardware.js';
import type { SimReport } from '../../simulator/index.js';
import { DeviceModel, type DeviceTimes } from './device-model.js';

export interface CnnlNetOptions {
  /** Hardware preset name, JSON file or config. Default 'dlp-s'. */
  hw?: string | HardwareConfig;
  /** Default int8. */
  dtype?: ComputeDType;
  /** Calibration rows (rows × input features) for int8/int16. Default: the input data of the
   * first forward() (dynamic calibration, like running pycnnl on its first batch). */
  calibration?: Float32Array;
}

/** Numbers as pycnnl accepted them (its fault: float64 only); converted to Float32Array once. */
export type NumberData = Float32Array | Float64Array | readonly number[];

type NetLayer =
  | { kind: 'mlp'; name: string; inputs: number; units: number; w?: Float32Array; b?: Float32Array }
  | { kind: 'act'; name: string; activation: Activation; units: number; slopes?: Float32Array }
  | { kind: 'softmax'; name: string; units: number };

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

export class CnnlNet {
  /** The simulator report of the last forward(). */
  lastReport?: SimReport;
  /** Host wall-clock seconds of the last forward(), by phase. */
  lastTimes?: DeviceTimes;
  /** Simulated device work summed over every forward() of this net: a program that runs the
   * batch as many small forwards is timed by all of them, not by the last one. */
  readonly deviceTotals = { forwards: 0, cycles: 0, seconds: 0 };
  private readonly layers: NetLayer[] = [];
  private inputShape?: [number, number, number, number];
  private input?: Float32Array;
  private output?: Float32Array;
  private device?: DeviceModel;

  constructor(private readonly options: CnnlNetOptions = {}) {}

  /** Input shape [batch, d2, d3, d4]; the features per sample are d2·d3·d4 (e.g. 1, 1, 784 or 1, 28, 28). */
  setInputShape(d1: number, d2: number, d3: number, d4: number): void {
    const dims = [d1, d2, d3, d4];
    if (!dims.every((d) => Number.isInteger(d) && d >= 1)) throw new DlpError(`setInputShape: dimensions must be positive integers, got ${fmt(dims)}`);
    if (this.layers.length > 0) throw new DlpError('setInputShape: call it before creating layers');
    this.inputShape = [d1, d2, d3, d4];
    this.invalidate();
  }

  /** A fully connected layer: input [B,1,1,in], weights [B or 1,1,in,out], output [B,1,1,out]. */
  createMlpLayer(name: string, inputShape: readonly number[], weightShape: readonly number[], outputShape: readonly number[]): void {
    const where = `createMlpLayer('${name}')`;
    const batch = this.batchOf(where);
    this.checkAppendable(where, name);
    const features = this.features();
    const need4 = (what: string, s: readonly number[], form: string): void => {
      if (s.length !== 4 || !s.every((d) => Number.isInteger(d) && d >= 1)) throw new DlpError(`${where}: ${what} must be 4 positive integers ${form}, got ${fmt(s)}`);
    };
    need4('inputShape', inputShape, '[batch, 1, 1, in]');
    need4('weightShape', weightShape, '[1, 1, in, out]');
    need4('outputShape', outputShape, '[batch, 1, 1, out]');
    const expectIn = [batch, 1, 1, features];
    if (!sameShape(inputShape, expectIn)) {
      const prev = this.layers.length ? `layer ${this.layers.length - 1} '${this.layers[this.layers.length - 1]!.name}' gives` : 'setInputShape gives';
      throw new DlpError(`${where}: inputShape ${fmt(inputShape)} does not match the data flowing in: ${prev} ${fmt(expectIn)}`);
    }
    const out = weightShape[3]!;
    // pycnnl wanted the batch as the weights' first dimension (and copied them per sample);
    // accept it for ported code, but the weights are stored once.
    if ((weightShape[0] !== 1 && weightShape[0] !== batch) || weightShape[1] !== 1 || weightShape[2] !== features) {
      throw new DlpError(`${where}: weightShape ${fmt(weightShape)} does not fit inputShape ${fmt(inputShape)}: expected [1, 1, ${features}, out]`);
    }
    if (!sameShape(outputShape, [batch, 1, 1, out])) {
      throw new DlpError(`${where}: outputShape ${fmt(outputShape)} does not match weightShape ${fmt(weightShape)}: expected ${fmt([batch, 1, 1, out])}`);
    }
    this.layers.push({ kind: 'mlp', name, inputs: features, units: out });
    this.invalidate();
  }

  createReLuLayer(name: string): void {
    this.addActivation('createReLuLayer', name, { kind: 'relu' });
  }

  createLeakyReLuLayer(name: string, alpha = 0.01): void {
    if (!Number.isFinite(alpha)) throw new DlpError(`createLeakyReLuLayer('${name}'): alpha must be a finite number, got ${alpha}`);
    this.addActivation('createLeakyReLuLayer', name, { kind: 'leaky', alpha });
  }

  /** PReLU with learned per-channel slopes: give them here or later with loadParams(id, slopes). */
  createPReLuLayer(name: string, slopes?: NumberData): void {
    this.addActivation('createPReLuLayer', name, { kind: 'prelu' });
    if (slopes) this.loadParams(this.layers.length - 1, slopes);
  }

  createEluLayer(name: string, alpha = 1): void {
    if (!Number.isFinite(alpha)) throw new DlpError(`createEluLayer('${name}'): alpha must be a finite number, got ${alpha}`);
    this.addActivation('createEluLayer', name, { kind: 'elu', alpha });
  }

  createSigmoidLayer(name: string): void {
    this.addActivation('createSigmoidLayer', name, { kind: 'sigmoid' });
  }

  createTanhLayer(name: string): void {
    this.addActivation('createTanhLayer', name, { kind: 'tanh' });
  }

  /**
   * Softmax over `axis` of `shape` (negative axes count from the end). The DLP normalises each
   * sample's class scores, so the axis must be the one holding them ([B,1,1,10] → 3 or -1);
   * the batch axis or a size-1 axis is rejected rather than silently ignored.
   */
  createSoftmaxLayer(name: string, shape: readonly number[], axis: number): void {
    const where = `createSoftmaxLayer('${name}')`;
    const batch = this.batchOf(where);
    this.checkAppendable(where, name);
    if (this.layers.length === 0) throw new DlpError(`${where}: softmax needs a layer before it`);
    const features = this.features();
    if (shape.length < 2 || shape[0] !== batch || shape.reduce((a, b) => a * b, 1) !== batch * features) {
      throw new DlpError(`${where}: shape ${fmt(shape)} does not match the data flowing in: ${fmt([batch, 1, 1, features])}`);
    }
    if (!Number.isInteger(axis) || axis < -shape.length || axis >= shape.length) {
      throw new DlpError(`${where}: axis ${axis} is out of range for shape ${fmt(shape)}`);
    }
    const a = axis < 0 ? axis + shape.length : axis;
    if (a === 0) {
      throw new DlpError(`${where}: softmax over axis 0 (the batch) is not supported; the DLP normalises each sample over its ${features} classes (axis ${shape.length - 1} or -1)`);
    }
    if (shape[a] !== features) {
      throw new DlpError(`${where}: axis ${axis} of shape ${fmt(shape)} has size ${shape[a]}, not the ${features} class scores; use axis ${shape.indexOf(features, 1)} (or -1 for [B,1,1,${features}])`);
    }
    this.layers.push({ kind: 'softmax', name, units: features });
    this.invalidate();
  }

  /**
   * Parameters of layer `layerId`: for an MLP layer the weights (in × out, row-major, the
   * course's layout) and the bias (out); for a PReLU layer the slopes (out) and no bias.
   */
  loadParams(layerId: number, weights: NumberData, bias?: NumberData): void {
    const layer = this.layerAt('loadParams', layerId);
    const where = `loadParams(${layerId}) on '${layer.name}'`;
    if (layer.kind === 'mlp') {
      if (!bias) throw new DlpError(`${where}: an MLP layer needs weights and bias`);
      const w = toFloat32(weights, where, 'weights', layer.inputs * layer.units, `${layer.inputs} × ${layer.units} = ${layer.inputs * layer.units} (layout [in, out], row-major)`);
      const b = toFloat32(bias, where, 'bias', layer.units, String(layer.units));
      layer.w = w;
      layer.b = b;
    } else if (layer.kind === 'act' && layer.activation.kind === 'prelu') {
      if (bias) throw new DlpError(`${where}: a PReLU layer takes only its ${layer.units} slopes, no bias`);
      layer.slopes = toFloat32(weights, where, 'slopes', layer.units, String(layer.units));
    } else {
      const ids = this.layers.flatMap((l, i) => (l.kind === 'mlp' ? [i] : [])).join(', ');
      throw new DlpError(`${where}: a ${layer.kind === 'act' ? layer.activation.kind : layer.kind} layer has no parameters (the MLP layers are ${ids || 'none yet'})`);
    }
    this.invalidate();
  }

  /** The batch of inputs, batch × features values. */
  setInputData(data: NumberData): void {
    const batch = this.batchOf('setInputData');
    const f = this.inputFeatures();
    this.input = toFloat32(data, 'setInputData', 'input', batch * f, `${batch} × ${f} = ${batch * f} (the shape given to setInputShape)`);
  }

  /** Compiles (once) and runs the network on the simulator. */
  forward(): void {
    if (!this.input) throw new DlpError('forward: call setInputData first');
    if (!this.device) {
      const graph = this.toGraph();
      const calibration = this.options.calibration ?? this.input;
      this.device = new DeviceModel(graph.model, graph.weights, {
        hw: this.options.hw, dtype: this.options.dtype, calibration, batch: this.inputShape![0],
      });
    }
    const run = this.device.predict(this.input, this.inputShape![0]);
    this.output = run.outputs;
    this.lastReport = run.report;
    this.lastTimes = run.times;
    this.deviceTotals.forwards++;
    this.deviceTotals.cycles += run.report.cycles;
    this.deviceTotals.seconds += run.report.seconds;
  }

  /** The last forward()'s outputs, batch × outputs (a copy). */
  getOutputData(): Float32Array {
    if (!this.output) throw new DlpError('getOutputData: call forward() first');
    return this.output.slice();
  }

  /** Output shape [batch, 1, 1, out] of the last layer. */
  getOutputShape(): [number, number, number, number] {
    return [this.batchOf('getOutputShape'), 1, 1, this.features()];
  }

  /** Number of layers (every layer counts, as in pycnnl). */
  size(): number {
    return this.layers.length;
  }

  getLayerName(id: number): string {
    return this.layerAt('getLayerName', id).name;
  }

  /** The network as the compiler's IR plus weights (every parameter must be loaded). */
  toGraph(): { model: ModelGraph; weights: ModelWeights } {
    if (this.layers.length === 0) throw new DlpError('forward: the network has no layers');
    const model: ModelGraph = { name: 'cnnl-net', inputSize: this.inputFeatures(), layers: [], softmax: false };
    const weights: ModelWeights = [];
    this.layers.forEach((l, id) => {
      if (l.kind === 'mlp') {
        if (!l.w || !l.b) throw new DlpError(`forward: layer ${id} '${l.name}' has no parameters; call loadParams(${id}, weights, bias) first`);
        model.layers.push({ kind: 'dense', name: l.name, inputs: l.inputs, units: l.units, activation: { kind: 'identity' } });
        weights.push({ w: l.w, b: l.b });
      } else if (l.kind === 'act') {
        if (l.activation.kind === 'prelu' && !l.slopes) throw new DlpError(`forward: PReLU layer ${id} '${l.name}' has no slopes; call loadParams(${id}, slopes) first`);
        model.layers[model.layers.length - 1]!.activation = l.activation;
        if (l.slopes) weights[weights.length - 1]!.slopes = l.slopes;
      } else model.softmax = true;
    });
    return { model, weights };
  }

  private addActivation(call: string, name: string, activation: Activation): void {
    const where = `${call}('${name}')`;
    this.batchOf(where);
    this.checkAppendable(where, name);
    const prev = this.layers[this.layers.length - 1];
    if (!prev || prev.kind !== 'mlp') {
      const what = prev ? `layer ${this.layers.length - 1} '${prev.name}' is ${prev.kind === 'act' ? `a ${prev.activation.kind}` : 'a softmax'}` : 'there is no layer yet';
      throw new DlpError(`${where}: an activation must follow an MLP layer (the DLP applies it to that layer's outputs), but ${what}`);
    }
    this.layers.push({ kind: 'act', name, activation, units: prev.units });
    this.invalidate();
  }

  private checkAppendable(where: string, name: string): void {
    if (typeof name !== 'string' || name.length === 0) throw new DlpError(`${where}: the layer needs a name`);
    if (this.layers.some((l) => l.name === name)) throw new DlpError(`${where}: a layer named '${name}' already exists`);
    const last = this.layers[this.layers.length - 1];
    if (last?.kind === 'softmax') throw new DlpError(`${where}: softmax '${last.name}' must be the last layer`);
  }

  private layerAt(call: string, id: number): NetLayer {
    if (!Number.isInteger(id) || id < 0 || id >= this.layers.length) {
      const range = this.layers.length ? `ids 0-${this.layers.length - 1}` : 'no layers yet';
      throw new DlpError(`${call}: layer id ${id} is out of range (the net has ${this.layers.length} layers, ${range})`);
    }
    return this.layers[id]!;
  }

  private batchOf(where: string): number {
    if (!this.inputShape) throw new DlpError(`${where}: call setInputShape(batch, 1, 1, features) first`);
    return this.inputShape[0];
  }

  private inputFeatures(): number {
    const [, a, b, c] = this.inputShape!;
    return a * b * c;
  }

  /** Features flowing out of the last layer. */
  private features(): number {
    const last = this.layers[this.layers.length - 1];
    return last ? last.units : this.inputFeatures();
  }

  private invalidate(): void {
    this.device = undefined;
    this.output = undefined;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Checks length and finiteness and converts to Float32Array in one pass. */
function toFloat32(data: NumberData, where: string, what: string, expected: number, expectedText: string): Float32Array {
  if (!data || typeof (data as ArrayLike<number>).length !== 'number') throw new DlpError(`${where}: ${what} must be a Float32Array, Float64Array or number[]`);
  if (data.length !== expected) throw new DlpError(`${where}: ${what}: got ${data.length} values, expected ${expectedText}`);
  const out = new Float32Array(expected);
  for (let i = 0; i < expected; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) throw new DlpError(`${where}: ${what}[${i}] is ${v}, not a finite number`);
    out[i] = v;
  }
  return out;
}
