// The two MNIST networks on a small subset (full-MNIST training belongs to the benchmark).
import { describe, expect, it } from 'vitest';
import {
  courseMnistOptions, courseMnistSpec, courseTrainOptions, createMlp, defaultMnistSpec, defaultTrainOptions, loadMnist, train,
} from '../../runtime/index.js';

describe('MNIST networks on a subset', () => {
  const data = loadMnist({ subset: 3000 });

  it("the course's 784-32-16-10 with N(0, 0.01) init", async () => {
    const model = createMlp(courseMnistSpec);
    expect(model.toGraph().model.layers.map((l) => l.units)).toEqual([32, 16, 10]);
    // σ of the first layer's weights is the course's 0.01.
    const w = model.params()[0]!.value;
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(0.0095);
    expect(std).toBeLessThan(0.0105);
    // From N(0, 0.01) the signal through three layers is tiny: on [0, 1] pixels plain SGD at
    // lr 0.01 sits on the ln 10 ≈ 2.3026 plateau (full MNIST: still 2.300 after 10 epochs).
    const r = await train(model, data.train, { ...courseTrainOptions, epochs: 2 });
    const losses = r.history.map((h) => h.loss);
    expect(losses[0]).toBeCloseTo(Math.log(10), 2);
    expect(losses[1]).toBeGreaterThan(2.30);
  });

  it("the course's network on the course's raw 0..255 pixels leaves the plateau at once", async () => {
    const raw = loadMnist({ subset: 3000, ...courseMnistOptions });
    expect(Math.max(...raw.train.x.subarray(0, 784))).toBe(255);
    const model = createMlp(courseMnistSpec);
    const r = await train(model, raw.train, courseTrainOptions);
    // 2 epochs of 30 steps: 2.17 then 1.73 (full MNIST: 94.9 % test accuracy after 2 epochs,
    // the lab's > 92 %; that run belongs to `dlp train --course`, not the unit tests).
    const losses = r.history.map((h) => h.loss);
    expect(losses[0]).toBeLessThan(2.2);
    expect(losses[1]).toBeLessThan(1.8);
    expect(model.evaluate(raw.test).accuracy).toBeGreaterThan(0.4);
  });

  it('the default 784-128-64-10 with default options learns a 3000-sample subset', async () => {
    const model = createMlp(defaultMnistSpec);
    const r = await train(model, data.train, { ...defaultTrainOptions, epochs: 5 });
    expect(r.history[4]!.accuracy).toBeGreaterThan(0.9);
    expect(model.evaluate(data.test).accuracy).toBeGreaterThan(0.88);
  });
});
