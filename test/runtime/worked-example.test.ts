// The chapter's back-propagation example, reproduced exactly: sigmoid everywhere, MSE loss,
// weights stored (in, out). Numbers are the book's, to 4 decimals.
import { describe, expect, it } from 'vitest';
import { createDataset, createOptimizer, Dense, Model, Sigmoid, train } from '../../runtime/index.js';

function bookModel(): Model {
  const fc1 = new Dense(3, 3, { name: 'fc1' });
  fc1.weight.value.set([0.25, 0.15, 0.30, 0.25, 0.20, 0.35, 0.10, 0.25, 0.15]);
  fc1.bias.value.set([0.4, 0.4, 0.4]);
  const fc2 = new Dense(3, 2, { name: 'fc2' });
  fc2.weight.value.set([0.40, 0.25, 0.35, 0.30, 0.01, 0.35]);
  fc2.bias.value.set([0.7, 0.7]);
  return new Model([fc1, new Sigmoid(3, 'sigmoid1'), fc2, new Sigmoid(2, 'sigmoid2')], 'mse', 'book');
}

const x = Float32Array.of(0.02, 0.04, 0.01);
const y = Float32Array.of(0.9, 0.5);
const round4 = (a: ArrayLike<number>): number[] => Array.from(a, (v) => Number(v.toFixed(4)));

describe('chapter 2 worked example', () => {
  it('forward: v, h, z, ŷ and L', () => {
    const model = bookModel();
    const v = model.layers[0]!.forward(x, 1, false);
    expect(round4(v)).toEqual([0.416, 0.4135, 0.4215]);
    const h = model.layers[1]!.forward(v, 1, false);
    expect(round4(h)).toEqual([0.6025, 0.6019, 0.6038]);
    const z = model.layers[2]!.forward(h, 1, false);
    // The book computes z from h rounded to 4 decimals (1.242525 → 1.2425); exact h gives
    // 1.24256, so z is checked to 1e-4 rather than digit for digit.
    expect(Math.abs(z[0]! - 1.1577)).toBeLessThan(1e-4);
    expect(Math.abs(z[1]! - 1.2425)).toBeLessThan(1e-4);
    const yhat = model.forward(x, 1);
    expect(round4(yhat)).toEqual([0.7609, 0.776]);
    expect(Number(model.lossFn.forward(yhat, y, 1, 2).toFixed(4))).toBe(0.0478);
  });

  it('backward: ∂L/∂w2[2,1] = −0.0152 and one SGD step with α = 1 gives 0.3652', () => {
    const model = bookModel();
    const out = model.forward(x, 1, true);
    model.lossFn.forward(out, y, 1, 2);
    model.backward(model.lossFn.backward());
    const fc2 = model.layers[2] as Dense;
    // w2[2,1] (1-based: hidden unit 2 → output 1) is element (1, 0) of the (in, out) matrix.
    expect(Number(fc2.weight.grad[1 * 2 + 0]!.toFixed(4))).toBe(-0.0152);
    createOptimizer('sgd').step(model.params(), 1);
    expect(Number(fc2.weight.value[2]!.toFixed(4))).toBe(0.3652);
  });

  it('the same step through train()', async () => {
    const model = bookModel();
    await train(model, createDataset(x, y, 3), { epochs: 1, batchSize: 1, lr: 1, optimizer: 'sgd', schedule: { kind: 'constant' } });
    expect(Number((model.layers[2] as Dense).weight.value[2]!.toFixed(4))).toBe(0.3652);
  });
});

// The book keeps the biases fixed ("固定偏置") in this example: only the weights move. The
// reference update is computed here in float64 from the chain rule the book uses:
// δ2 = −(y − ŷ)·ŷ(1 − ŷ), ∂L/∂W2 = h·δ2ᵀ, δ1 = (W2·δ2)·h(1 − h), ∂L/∂W1 = x·δ1ᵀ.
describe('chapter 2 worked example with the biases frozen', () => {
  const sig = (v: number): number => 1 / (1 + Math.exp(-v));
  function reference(): { w1: number[]; w2: number[] } {
    const W1 = [0.25, 0.15, 0.30, 0.25, 0.20, 0.35, 0.10, 0.25, 0.15];
    const W2 = [0.40, 0.25, 0.35, 0.30, 0.01, 0.35];
    const xs = [0.02, 0.04, 0.01];
    const ys = [0.9, 0.5];
    const h = [0, 1, 2].map((j) => sig(0.4 + xs.reduce((s, xi, i) => s + xi * W1[i * 3 + j]!, 0)));
    const yh = [0, 1].map((k) => sig(0.7 + h.reduce((s, hj, j) => s + hj * W2[j * 2 + k]!, 0)));
    const d2 = yh.map((v, k) => -(ys[k]! - v) * v * (1 - v));
    const d1 = h.map((hj, j) => (W2[j * 2]! * d2[0]! + W2[j * 2 + 1]! * d2[1]!) * hj * (1 - hj));
    return {
      w2: W2.map((w, i) => w - h[Math.floor(i / 2)]! * d2[i % 2]!),
      w1: W1.map((w, i) => w - xs[Math.floor(i / 3)]! * d1[i % 3]!),
    };
  }

  it('one SGD step with α = 1 and freeze *.bias: biases stay 0.4 and 0.7, weights as the book', async () => {
    const model = bookModel();
    await train(model, createDataset(x, y, 3), {
      epochs: 1, batchSize: 1, lr: 1, optimizer: 'sgd', schedule: { kind: 'constant' }, freeze: ['*.bias'],
    });
    const fc1 = model.layers[0] as Dense;
    const fc2 = model.layers[2] as Dense;
    expect(Array.from(fc1.bias.value)).toEqual(Array.from(Float32Array.of(0.4, 0.4, 0.4)));
    expect(Array.from(fc2.bias.value)).toEqual(Array.from(Float32Array.of(0.7, 0.7)));
    // The book's printed figure: w2[2,1] 0.35 → 0.3652.
    expect(Number(fc2.weight.value[2]!.toFixed(4))).toBe(0.3652);
    const ref = reference();
    fc2.weight.value.forEach((v, i) => expect(Math.abs(v - ref.w2[i]!)).toBeLessThan(1e-6));
    fc1.weight.value.forEach((v, i) => expect(Math.abs(v - ref.w1[i]!)).toBeLessThan(1e-6));
    // Without freezing the same step moves the biases (b2 → 0.7253, 0.6520 as dlpkit used to).
    const free = bookModel();
    await train(free, createDataset(x, y, 3), { epochs: 1, batchSize: 1, lr: 1, optimizer: 'sgd', schedule: { kind: 'constant' } });
    expect(round4((free.layers[2] as Dense).bias.value)).toEqual([0.7253, 0.652]);
  });

  it('freezing a weight matrix leaves it bit-identical and still trains the rest', async () => {
    const model = bookModel();
    const before = (model.layers[0] as Dense).weight.value.slice();
    await train(model, createDataset(x, y, 3), { epochs: 3, batchSize: 1, lr: 1, optimizer: 'adam', freeze: ['fc1.weight'] });
    expect((model.layers[0] as Dense).weight.value).toEqual(before);
    expect(Array.from((model.layers[0] as Dense).bias.value)).not.toEqual(Array.from(Float32Array.of(0.4, 0.4, 0.4)));
  });

  it('a freeze pattern that matches nothing is an error naming the parameters', async () => {
    await expect(train(bookModel(), createDataset(x, y, 3), { epochs: 1, freeze: ['fc9.bias'] }))
      .rejects.toThrow("freeze: 'fc9.bias' matches no parameter (the model has fc1.weight, fc1.bias, fc2.weight, fc2.bias)");
  });
});
