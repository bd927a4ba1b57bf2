// The host model: a chain of layers closed by a loss, trained on the CPU and convertible to
// the compiler's IR (ModelGraph + ModelWeights) so a trained model compiles in one call.
import type { Activation, ActivationKind, DenseLayer, ModelGraph, ModelWeights } from '../compiler/model.js';
import { DlpError } from '../isa/errors.js';
import { classOf, gatherBatch, targetWidth, type Dataset } from './data.js';
import { createActivationLayer, PReLU, type ActivationLayer } from './nn/activations.js';
import { Dense } from './nn/dense.js';
import { Dropout } from './nn/dropout.js';
import type { InitKind } from './nn/init.js';
import type { Layer, Param } from './nn/layer.js';
import { createLoss, type Loss, type LossKind } from './nn/losses.js';
import { createRng } from './rng.js';
import { argmaxRows } from './tensor/matmul.js';

export interface Metrics {
  /** Mean data loss per sample (no penalty terms). */
  loss: number;
  /** Fraction of samples whose predicted class (argmax, or ≥ 0.5 for one output) is right. */
  accuracy: number;
  n: number;
}

export interface MlpSpec {
  name?: string;
  inputSize: number;
  /** Hidden layer widths, e.g. [128, 64]. */
  hidden: number[];
  outputs: number;
  /** Hidden activation. Default relu. */
  activation?: Activation | ActivationKind;
  /** Activation of the last dense layer before the loss. Default identity (logits). */
  outputActivation?: Activation | ActivationKind;
  /** Default softmax-ce. */
  loss?: LossKind;
  /** Default 'he' for the ReLU family, 'xavier' for sigmoid/tanh. */
  init?: InitKind;
  /** σ for init 'normal' (course: 0.01). */
  std?: number;
  /** Dropout rate after every hidden activation. Default 0. */
  dropout?: number;
  /**
   * Dropout rate on the input units (the book keeps inputs with probability 0.8: rate 0.2).
   * Default 0.
   */
  inputDropout?: number;
  /** Seed for initialisation and dropout masks. Default 1. */
  seed?: number;
}

/** The course's lab network: 784-32-16-10, ReLU, N(0, 0.01) init, softmax cross-entropy. */
export const courseMnistSpec: MlpSpec = {
  name: 'course-mnist', inputSize: 784, hidden: [32, 16], outputs: 10, activation: 'relu', init: 'normal', std: 0.01,
};

/** The stronger default: 784-128-64-10, ReLU, He init, softmax cross-entropy. */
export const defaultMnistSpec: MlpSpec = {
  name: 'mnist-mlp', inputSize: 784, hidden: [128, 64], outputs: 10, activation: 'relu', init: 'he',
};

export class Model {
  readonly lossFn: Loss;
  private evalOut = new Float32Array(0);

  constructor(readonly layers: Layer[], readonly loss: LossKind = 'softmax-ce', readonly name = 'mlp') {
    if (layers.length === 0) throw new DlpError('a model needs at least one layer');
    for (let i = 1; i < layers.length; i++) {
      if (layers[i]!.inSize !== layers[i - 1]!.outSize) {
        throw new DlpError(`layer '${layers[i]!.name}' takes ${layers[i]!.inSize} inputs but '${layers[i - 1]!.name}' gives ${layers[i - 1]!.outSize}`);
      }
    }
    this.lossFn = createLoss(loss);
  }

  get inputSize(): number {
    return this.layers[0]!.inSize;
  }

  get outputSize(): number {
    return this.layers[this.layers.length - 1]!.outSize;
  }

  /** Raw outputs (before the loss head) for `batch` rows; a view valid until the next call. */
  forward(x: Float32Array, batch: number, training = false): Float32Array {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h, batch, training);
    return h;
  }

  /** Back-propagates ∂L/∂output, filling every parameter's gradient. */
  backward(dy: Float32Array): void {
    let g = dy;
    for (let i = this.layers.length - 1; i >= 0; i--) g = this.layers[i]!.backward(g, i > 0);
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  /** Parameters under PyTorch-style names: `fc1.weight`, `fc1.bias`, `prelu1.slopes`. */
  namedParams(): Array<{ name: string; param: Param }> {
    return this.layers.flatMap((l) => l.params().map((param) => ({ name: `${l.name}.${param.name}`, param })));
  }

  /** Model outputs after the head (softmax probabilities, sigmoid, or raw) for n rows of x. */
  predict(x: Float32Array, n = x.length / this.inputSize, chunk = 1000): Float32Array {
    checkInput(x, n, this.inputSize);
    const w = this.outputSize;
    const out = new Float32Array(n * w);
    for (let s = 0; s < n; s += chunk) {
      const b = Math.min(chunk, n - s);
      const y = this.forward(x.subarray(s * this.inputSize, (s + b) * this.inputSize), b, false);
      out.set(y.subarray(0, b * w), s * w);
    }
    this.lossFn.applyHead(out, n, w);
    return out;
  }

  /** Predicted class per row (argmax, or ≥ 0.5 for a single output). */
  classify(x: Float32Array, n = x.length / this.inputSize): Uint8Array {
    const p = this.predict(x, n);
    const out = new Uint8Array(n);
    if (this.outputSize === 1) for (let i = 0; i < n; i++) out[i] = classOf(p, i, 1);
    else argmaxRows(p, n, this.outputSize, out);
    return out;
  }

  /** Mean loss and accuracy on a data set, in chunks of `chunk` rows. */
  evaluate(data: Dataset, chunk = 1000): Metrics {
    if (data.features !== this.inputSize) throw new DlpError(`data has ${data.features} features but the model takes ${this.inputSize}`);
    const w = this.outputSize;
    if (!(data.y instanceof Uint8Array) && targetWidth(data) !== w) {
      throw new DlpError(`targets have width ${targetWidth(data)} but the model has ${w} outputs`);
    }
    const order = Uint32Array.from({ length: data.n }, (_, i) => i);
    const b = Math.max(1, Math.min(chunk, data.n));
    const xb = new Float32Array(b * data.features);
    const tb = new Float32Array(b * w);
    const cb = new Int32Array(b);
    if (this.evalOut.length < b * w) this.evalOut = new Float32Array(b * w);
    let loss = 0;
    let correct = 0;
    for (let s = 0; s < data.n; s += b) {
      const m = Math.min(b, data.n - s);
      gatherBatch(data, order, s, m, w, xb, tb, cb);
      const y = this.forward(xb, m, false);
      loss += this.lossFn.forward(y, tb, m, w) * m;
      const p = this.evalOut.subarray(0, m * w);
      p.set(y.subarray(0, m * w));
      this.lossFn.applyHead(p, m, w);
      for (let r = 0; r < m; r++) if (classOf(p, r * w, w) === cb[r]) correct++;
    }
    return { loss: data.n ? loss / data.n : 0, accuracy: data.n ? correct / data.n : 0, n: data.n };
  }

  /** A copy of every parameter value (for early stopping and checkpoints). */
  snapshot(): Float32Array[] {
    return this.params().map((p) => p.value.slice());
  }

  restore(snapshot: readonly Float32Array[]): void {
    const ps = this.params();
    if (ps.length !== snapshot.length) throw new DlpError(`snapshot has ${snapshot.length} tensors, model has ${ps.length}`);
    ps.forEach((p, i) => p.value.set(snapshot[i]!));
  }

  /** The compiler's IR for this model plus its weights (dropout dropped, head folded in). */
  toGraph(): { model: ModelGraph; weights: ModelWeights } {
    const layers: DenseLayer[] = [];
    const weights: ModelWeights = [];
    for (const l of this.layers) {
      if (l instanceof Dense) {
        layers.push({ kind: 'dense', name: l.name, units: l.outSize, activation: { kind: 'identity' } });
        weights.push({ w: l.weight.value.slice(), b: l.bias.value.slice() });
        continue;
      }
      if (l instanceof Dropout) continue;
      const last = layers[layers.length - 1];
      const act = (l as Partial<ActivationLayer>).activation;
      if (!act || !last || last.activation.kind !== 'identity') {
        throw new DlpError(`layer '${l.name}' (${l.kind}) cannot be expressed in the IR: activations must follow a dense layer`);
      }
      last.activation = act;
      if (l instanceof PReLU) weights[weights.length - 1]!.slopes = l.slopes.value.slice();
    }
    const head = this.lossFn.head;
    if (head === 'sigmoid') {
      const last = layers[layers.length - 1]!;
      if (last.activation.kind !== 'identity') throw new DlpError(`bce needs logits, but the last layer '${last.name}' has ${last.activation.kind}`);
      last.activation = { kind: 'sigmoid' };
    }
    return { model: { name: this.name, inputSize: this.inputSize, layers, softmax: head === 'softmax' }, weights };
  }

  /** Copies IR weights (as toGraph() returns them, e.g. read back from a file) into the layers. */
  setWeights(weights: ModelWeights): void {
    let i = -1;
    for (const l of this.layers) {
      if (l instanceof Dense) {
        const w = weights[++i];
        if (!w || w.w.length !== l.weight.value.length || w.b.length !== l.bias.value.length) {
          throw new DlpError(`weights for layer '${l.name}' are missing or have the wrong size (expected ${l.inSize}×${l.outSize})`);
        }
        l.weight.value.set(w.w);
        l.bias.value.set(w.b);
      } else if (l instanceof PReLU) {
        const s = weights[i]?.slopes;
        if (!s || s.length !== l.inSize) throw new DlpError(`PReLU slopes for layer '${l.name}' are missing or have the wrong size`);
        l.slopes.value.set(s);
      }
    }
    if (i + 1 !== weights.length) throw new DlpError(`model has ${i + 1} dense layers but ${weights.length} weight sets were given`);
  }

  /** Builds a host model from the IR (softmax → softmax-ce; otherwise mse on the outputs). */
  static fromGraph(graph: ModelGraph, weights?: ModelWeights): Model {
    const layers: Layer[] = [];
    let inSize = graph.inputSize;
    graph.layers.forEach((d, i) => {
      const dense = new Dense(inSize, d.units, { name: d.name });
      const w = weights?.[i];
      if (w) {
        if (w.w.length !== inSize * d.units || w.b.length !== d.units) {
          throw new DlpError(`weights of layer '${d.name}' have ${w.w.length}+${w.b.length} values, expected ${inSize}×${d.units}+${d.units}`, { file: graph.file });
        }
        dense.weight.value.set(w.w);
        dense.bias.value.set(w.b);
      }
      layers.push(dense);
      const act = createActivationLayer(d.activation, d.units, `${d.activation.kind}${i + 1}`);
      if (act) {
        if (act instanceof PReLU && w?.slopes) act.slopes.value.set(w.slopes);
        layers.push(act);
      }
      inSize = d.units;
    });
    return new Model(layers, graph.softmax ? 'softmax-ce' : 'mse', graph.name);
  }
}

/** Builds an MLP: dense → activation (→ dropout) per hidden layer, then dense (→ output activation). */
export function createMlp(spec: MlpSpec): Model {
  const act = normaliseActivation(spec.activation ?? 'relu');
  const rng = createRng(spec.seed ?? 1);
  const init = spec.init ?? (act.kind === 'sigmoid' || act.kind === 'tanh' ? 'xavier' : 'he');
  const layers: Layer[] = [];
  const sizes = [spec.inputSize, ...spec.hidden, spec.outputs];
  for (const s of sizes) if (!Number.isInteger(s) || s <= 0) throw new DlpError(`layer sizes must be positive integers, got ${sizes.join('-')}`);
  for (let i = 0; i + 1 < sizes.length; i++) {
    const last = i + 2 === sizes.length;
    layers.push(new Dense(sizes[i]!, sizes[i + 1]!, { name: `fc${i + 1}`, init, std: spec.std, rng }));
    const a = last ? normaliseActivation(spec.outputActivation ?? 'identity') : act;
    const layer = createActivationLayer(a, sizes[i + 1]!, `${a.kind}${i + 1}`);
    if (layer) layers.push(layer);
    if (!last && spec.dropout) layers.push(new Dropout(sizes[i + 1]!, spec.dropout, rng.fork(), `dropout${i + 1}`));
  }
  // Forked last, so adding input dropout leaves the initial weights and hidden masks as they were.
  if (spec.inputDropout) layers.unshift(new Dropout(spec.inputSize, spec.inputDropout, rng.fork(), 'dropout0'));
  return new Model(layers, spec.loss ?? 'softmax-ce', spec.name ?? `mlp-${sizes.join('-')}`);
}

function normaliseActivation(a: Activation | ActivationKind): Activation {
  if (typeof a !== 'string') return a;
  switch (a) {
    case 'leaky': return { kind: 'leaky', alpha: 0.01 };
    case 'elu': return { kind: 'elu', alpha: 1 };
    default: return { kind: a } as Activation;
  }
}

function checkInput(x: Float32Array, n: number, features: number): void {
  if (!Number.isInteger(n) || x.length < n * features) {
    throw new DlpError(`input has ${x.length} values, expected ${n} rows × ${features} features`);
  }
}
