// Every layer and loss against central finite differences. The layers compute in float32,
// so the numeric derivative uses a step h = 1e-2 on a float64 objective and the check is
// |analytic − numeric| ≤ 2e-3 + 2e-2·|numeric| (truncation O(h²) plus float32 rounding).
import { describe, expect, it } from 'vitest';
import {
  createLoss, createRng, Dense, Dropout, ELU, LeakyReLU, PReLU, ReLU, Sigmoid, Tanh,
  type Layer, type LossKind,
} from '../../runtime/index.js';

const H = 1e-2;
const close = (analytic: number, numeric: number): boolean => Math.abs(analytic - numeric) <= 2e-3 + 2e-2 * Math.abs(numeric);

/** Inputs away from the kinks of ReLU-family functions (|x| ≥ 0.1), so differences are smooth. */
function inputs(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (rng.next() < 0.5 ? -1 : 1) * (0.1 + rng.next()));
}

/** Objective Σ r ⊙ layer(x) in float64, whose gradient wrt the output is r. */
function objective(layer: Layer, x: Float32Array, batch: number, r: Float32Array): number {
  const y = layer.forward(x, batch, false);
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i]! * y[i]!;
  return s;
}

function checkLayer(make: () => Layer, batch = 3): void {
  const layer = make();
  const x = inputs(batch * layer.inSize, 7);
  const r = inputs(batch * layer.outSize, 11);
  layer.forward(x, batch, false);
  const dx = layer.backward(r, true).slice();
  const grads = layer.params().map((p) => p.grad.slice());
  for (let i = 0; i < x.length; i++) {
    const keep = x[i]!;
    x[i] = keep + H;
    const up = objective(layer, x, batch, r);
    x[i] = keep - H;
    const down = objective(layer, x, batch, r);
    x[i] = keep;
    const numeric = (up - down) / (2 * H);
    expect(close(dx[i]!, numeric), `∂/∂x[${i}]: ${dx[i]} vs ${numeric}`).toBe(true);
  }
  layer.params().forEach((p, k) => {
    for (let i = 0; i < p.value.length; i++) {
      const keep = p.value[i]!;
      p.value[i] = keep + H;
      const up = objective(layer, x, batch, r);
      p.value[i] = keep - H;
      const down = objective(layer, x, batch, r);
      p.value[i] = keep;
      const numeric = (up - down) / (2 * H);
      expect(close(grads[k]![i]!, numeric), `∂/∂${p.name}[${i}]: ${grads[k]![i]} vs ${numeric}`).toBe(true);
    }
  });
}

describe('layer gradients vs finite differences', () => {
  const layers: Array<[string, () => Layer]> = [
    ['dense', () => new Dense(5, 4, { init: 'he', rng: createRng(3) })],
    ['relu', () => new ReLU(6)],
    ['leaky relu', () => new LeakyReLU(6, 0.1)],
    ['prelu (input and slopes)', () => {
      const l = new PReLU(6);
      l.slopes.value.set([0.1, 0.2, 0.3, -0.1, 0.5, 0.25]);
      return l;
    }],
    ['elu', () => new ELU(6, 0.7)],
    ['sigmoid', () => new Sigmoid(6)],
    ['tanh', () => new Tanh(6)],
  ];
  for (const [name, make] of layers) it(name, () => checkLayer(make));

  it('dropout at inference is the identity and in training scales kept units by 1/(1−p)', () => {
    const d = new Dropout(1000, 0.25, createRng(5));
    const x = inputs(2000, 1);
    expect(d.forward(x, 2, false)).toEqual(x);
    const y = d.forward(x, 2, true).slice();
    const dy = new Float32Array(2000).fill(1);
    const dx = d.backward(dy);
    let kept = 0;
    for (let i = 0; i < 2000; i++) {
      if (y[i] === 0) expect(dx[i]).toBe(0);
      else {
        kept++;
        expect(y[i]).toBeCloseTo(x[i]! / 0.75, 5);
        expect(dx[i]).toBeCloseTo(1 / 0.75, 5);
      }
    }
    expect(kept / 2000).toBeGreaterThan(0.72);
    expect(kept / 2000).toBeLessThan(0.78);
  });
});

describe('loss gradients vs finite differences', () => {
  const cases: Array<[LossKind, (i: number) => number]> = [
    ['softmax-ce', (i) => (i % 4 === 1 ? 1 : 0)],
    ['mse', (i) => 0.3 * (i % 3) - 0.2],
    ['bce', (i) => (i % 2 === 0 ? 1 : 0)],
  ];
  for (const [kind, target] of cases) {
    it(kind, () => {
      const batch = 3;
      const width = 4;
      const loss = createLoss(kind);
      const out = inputs(batch * width, 13);
      const t = Float32Array.from({ length: batch * width }, (_, i) => target(i));
      loss.forward(out, t, batch, width);
      const g = loss.backward().slice();
      for (let i = 0; i < out.length; i++) {
        const keep = out[i]!;
        out[i] = keep + H;
        const up = loss.forward(out, t, batch, width);
        out[i] = keep - H;
        const down = loss.forward(out, t, batch, width);
        out[i] = keep;
        const numeric = (up - down) / (2 * H);
        expect(close(g[i]!, numeric), `${kind} ∂/∂out[${i}]: ${g[i]} vs ${numeric}`).toBe(true);
      }
    });
  }

  it('losses are means over the batch', () => {
    const t = Float32Array.of(1, 0, 1, 0);
    const one = createLoss('mse').forward(Float32Array.of(0.5, 0.5), t.subarray(0, 2), 1, 2);
    const two = createLoss('mse').forward(Float32Array.of(0.5, 0.5, 0.5, 0.5), t, 2, 2);
    expect(one).toBeCloseTo(0.25, 10);
    expect(two).toBeCloseTo(0.25, 10);
    expect(createLoss('softmax-ce').forward(Float32Array.of(0, 0), Float32Array.of(1, 0), 1, 2)).toBeCloseTo(Math.log(2), 6);
  });

  it('softmax-ce: loss and gradient against the textbook formulas in double', () => {
    // The loss takes one exp per logit (p = e / Σe); the gradient (p − t) / batch, stored in
    // fp32, is within one fp32 rounding of the same value computed as exp(o − log Σe), plus
    // the double rounding of p − t where they cancel (|p|, |t| ≤ 1).
    const rng = createRng(41);
    const batch = 50;
    const width = 10;
    const out = Float32Array.from({ length: batch * width }, (_, i) => (rng.next() * 2 - 1) * (i % 7 === 0 ? 60 : 8));
    const target = new Float32Array(batch * width);
    for (let r = 0; r < batch; r++) target[r * width + Math.floor(rng.next() * width)] = 1;
    const loss = createLoss('softmax-ce');
    const got = loss.forward(out, target, batch, width);
    const g = loss.backward();
    let want = 0;
    for (let r = 0; r < batch; r++) {
      const row = Array.from(out.subarray(r * width, (r + 1) * width));
      const max = Math.max(...row);
      const logSum = Math.log(row.reduce((s, o) => s + Math.exp(o - max), 0)) + max;
      row.forEach((o, j) => {
        const t = target[r * width + j]!;
        want -= t * (o - logSum);
        const ref = (Math.exp(o - logSum) - t) / batch;
        expect(Math.abs(g[r * width + j]! - ref)).toBeLessThanOrEqual(Math.abs(ref) * 2 ** -23 + 2 ** -50 / batch);
      });
    }
    expect(got).toBeCloseTo(want / batch, 12);
  });
});
