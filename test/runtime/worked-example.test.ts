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
