// The book's dropout and Leaky ReLU against dlpkit's: input dropout (the book keeps inputs with
// probability 0.8 and hidden units with 0.5), inverted scaling and its equivalence to the
// book's test-time weight scaling, and where Leaky ReLU's α agrees with max(αx, x).
import { describe, expect, it } from 'vitest';
import { createMlp, createRng, Dense, Dropout, LeakyReLU } from '../../../runtime/index.js';

describe('input dropout', () => {
  const spec = { inputSize: 50, hidden: [8], outputs: 3, seed: 7 };

  it('puts a dropout layer on the inputs and leaves initial weights and the IR unchanged', () => {
    const plain = createMlp({ ...spec, dropout: 0.5 });
    const model = createMlp({ ...spec, inputDropout: 0.2, dropout: 0.5 });
    expect(model.layers[0]).toBeInstanceOf(Dropout);
    expect((model.layers[0] as Dropout).rate).toBe(0.2);
    expect(model.layers.map((l) => l.kind)).toEqual(['dropout', 'dense', 'relu', 'dropout', 'dense']);
    expect((model.layers[1] as Dense).weight.value).toEqual((plain.layers[0] as Dense).weight.value);
    expect(model.toGraph()).toEqual(plain.toGraph());
  });

  it('keeps each input with probability 0.8, scaled by 1/0.8, and is the identity at inference', () => {
    const d = new Dropout(20000, 0.2, createRng(3));
    const x = new Float32Array(20000).fill(1);
    const y = d.forward(x, 1, true);
    let kept = 0;
    for (const v of y) {
      if (v !== 0) {
        kept++;
        expect(v).toBe(Math.fround(1 / 0.8));
      }
    }
    // Binomial(20000, 0.8): σ = √(20000·0.8·0.2) ≈ 56.6; 5σ ≈ 283.
    expect(Math.abs(kept - 16000)).toBeLessThan(283);
    expect(Array.from(d.forward(x, 1, false))).toEqual(Array.from(x));
  });

  it('inverted dropout with weights W′ = pW is the book\'s dropout with W: same training and test outputs', () => {
    // Book: train y = W·(m ⊙ x), test y = (p·W)·x. Inverted: train y = W′·(m ⊙ x)/p, test y = W′·x.
    const p = 0.8;
    const W = [0.5, -1.25, 2];
    const x = [1, 2, 3];
    const m = [1, 0, 1];
    const Wi = W.map((w) => p * w);
    const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
    const mx = x.map((v, i) => v * m[i]!);
    expect(dot(Wi, mx) / p).toBeCloseTo(dot(W, mx), 12);
    expect(dot(Wi, x)).toBeCloseTo(dot(W.map((w) => p * w), x), 12);
  });

  it('refuses a rate outside [0, 1)', () => {
    expect(() => createMlp({ ...spec, inputDropout: 1 })).toThrow('dropout rate must be in [0, 1), got 1');
  });
});

describe('Leaky ReLU: x < 0 ? αx : x (PyTorch, ONNX) against the book\'s max(αx, x)', () => {
  const book = (x: number, a: number): number => Math.max(a * x, x);
  it.each([0.01, 0.1, 0.5, 0.99])('agrees with the book for α = %s in (0, 1)', (a) => {
    const xs = Float32Array.of(-3, -0.5, 0, 0.25, 4);
    const y = new LeakyReLU(xs.length, a).forward(xs, 1);
    xs.forEach((x, i) => expect(y[i]).toBeCloseTo(book(x, a), 6));
  });
  it('differs for α outside [0, 1]: α = 2, x = −3 gives −6 where max(αx, x) gives −3', () => {
    const y = new LeakyReLU(1, 2).forward(Float32Array.of(-3), 1);
    expect(y[0]).toBe(-6);
    expect(book(-3, 2)).toBe(-3);
  });
});
