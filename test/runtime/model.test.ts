// The host model: IR conversion (toGraph/fromGraph), prediction heads, and save/load of
// parameters as safetensors in the compiler's weights format.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWeightsFile } from '../../compiler/weights/weights-file.js';
import {
  createMlp, createRng, Dense, loadModelParams, Model, modelToTensors, PReLU, ReLU, saveModel,
} from '../../runtime/index.js';

const dir = mkdtempSync(join(tmpdir(), 'dlp-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function randomInput(n: number, features: number): Float32Array {
  const rng = createRng(8);
  return Float32Array.from({ length: n * features }, () => rng.next());
}

describe('Model', () => {
  it('toGraph folds activations and the softmax head into the IR; dropout disappears', () => {
    const model = createMlp({ inputSize: 6, hidden: [5, 4], outputs: 3, activation: 'leaky', dropout: 0.5, name: 'net' });
    const { model: g, weights } = model.toGraph();
    expect(g).toEqual({
      name: 'net', inputSize: 6, softmax: true,
      layers: [
        { kind: 'dense', name: 'fc1', units: 5, activation: { kind: 'leaky', alpha: 0.01 } },
        { kind: 'dense', name: 'fc2', units: 4, activation: { kind: 'leaky', alpha: 0.01 } },
        { kind: 'dense', name: 'fc3', units: 3, activation: { kind: 'identity' } },
      ],
    });
    expect(weights.map((w) => [w.w.length, w.b.length])).toEqual([[30, 5], [20, 4], [12, 3]]);
    // fromGraph rebuilds a model that predicts exactly the same.
    const x = randomInput(7, 6);
    expect(Model.fromGraph(g, weights).predict(x)).toEqual(model.predict(x));
  });

  it('bce puts the sigmoid into the last layer; PReLU slopes travel with the weights', () => {
    const model = createMlp({ inputSize: 3, hidden: [4], outputs: 1, activation: 'prelu', loss: 'bce' });
    const { model: g, weights } = model.toGraph();
    expect(g.softmax).toBe(false);
    expect(g.layers.map((l) => l.activation.kind)).toEqual(['prelu', 'sigmoid']);
    expect(Array.from(weights[0]!.slopes!)).toEqual([0.25, 0.25, 0.25, 0.25]);
    const p = model.predict(randomInput(5, 3));
    for (const v of p) expect(v > 0 && v < 1).toBe(true);
  });

  it('predict returns softmax probabilities and classify their argmax', () => {
    const model = createMlp({ inputSize: 4, hidden: [8], outputs: 3, seed: 5 });
    const x = randomInput(10, 4);
    const p = model.predict(x);
    const cls = model.classify(x);
    for (let i = 0; i < 10; i++) {
      const row = Array.from(p.subarray(i * 3, i * 3 + 3));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect(cls[i]).toBe(row.indexOf(Math.max(...row)));
    }
    // Chunked prediction matches one big batch.
    expect(model.predict(x, 10, 3)).toEqual(p);
  });

  it('rejects layers that do not chain and activations without a dense layer', () => {
    expect(() => new Model([new Dense(4, 3), new ReLU(5)])).toThrow("layer 'act' takes 5 inputs but 'fc' gives 3");
    expect(() => new Model([new ReLU(4, 'r'), new Dense(4, 2)]).toGraph()).toThrow(
      "layer 'r' (relu) cannot be expressed in the IR: activations must follow a dense layer",
    );
  });

  it('save/load round trip through safetensors (PyTorch layout)', () => {
    const model = createMlp({ inputSize: 5, hidden: [4], outputs: 3, activation: 'prelu', seed: 1 });
    (model.layers[1] as PReLU).slopes.value.set([0.1, 0.2, 0.3, 0.4]);
    const path = join(dir, 'net.safetensors');
    saveModel(model, path);
    const other = createMlp({ inputSize: 5, hidden: [4], outputs: 3, activation: 'prelu', seed: 99 });
    const x = randomInput(6, 5);
    expect(other.predict(x)).not.toEqual(model.predict(x));
    loadModelParams(other, path);
    expect(other.snapshot()).toEqual(model.snapshot());
    expect(other.predict(x)).toEqual(model.predict(x));
    // The compiler reads the same file for the same graph.
    const w = readWeightsFile(path, model.toGraph().model);
    expect(w[0]!.w).toEqual((model.layers[0] as Dense).weight.value);
    // PyTorch's nn.Linear layout: weight is [out, in].
    expect(modelToTensors(model)['fc1.weight']!.shape).toEqual([4, 5]);
  });

  it('loading into a different architecture fails with the tensor named', () => {
    const path = join(dir, 'small.safetensors');
    saveModel(createMlp({ inputSize: 5, hidden: [4], outputs: 3 }), path);
    expect(() => loadModelParams(createMlp({ inputSize: 5, hidden: [6], outputs: 3 }), path)).toThrow(
      `${path}: tensor fc1.weight has shape [4, 5], expected [6, 5]`,
    );
  });
});
