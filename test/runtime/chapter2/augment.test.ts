// Augmentation: a seed pins every transform, a pure shift moves the digit by exactly its
// offset, rotations turn the right way, and the buffer is reused across batches.
import { describe, expect, it } from 'vitest';
import { augmentTrainOptions, createAugmenter, shiftImage, transformImage } from '../../../runtime/augment.js';
import { createMlp } from '../../../runtime/model.js';
import { loadMnist } from '../../../runtime/mnist.js';
import { createRng } from '../../../runtime/rng.js';
import { train } from '../../../runtime/train.js';

const W = 28;
const H = 28;

function randomImages(batch: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(batch * W * H);
  for (let i = 0; i < x.length; i++) x[i] = rng.next() < 0.2 ? rng.next() : 0;
  return x;
}

describe('createAugmenter', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const x = randomImages(8, 3);
    const a = Array.from(createAugmenter({ seed: 5 }).augmentBatch(x, 8));
    const b = Array.from(createAugmenter({ seed: 5 }).augmentBatch(x, 8));
    const c = Array.from(createAugmenter({ seed: 6 }).augmentBatch(x, 8));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('draws shifts within ±2 px and angles within ±10°', () => {
    const aug = createAugmenter({ seed: 9 });
    aug.augmentBatch(randomImages(200, 1), 200);
    const t = aug.lastTransforms();
    expect(t.length).toBe(200);
    const shifts = new Set(t.flatMap((s) => [s.dx, s.dy]));
    expect([...shifts].sort((p, q) => p - q)).toEqual([-2, -1, 0, 1, 2]);
    for (const s of t) expect(Math.abs(s.angle)).toBeLessThanOrEqual((10 * Math.PI) / 180);
    expect(Math.max(...t.map((s) => Math.abs(s.angle)))).toBeGreaterThan((8 * Math.PI) / 180);
  });

  it('with rotation off, each image equals the original moved by exactly its offset', () => {
    const x = randomImages(16, 4);
    const aug = createAugmenter({ seed: 2, maxRotation: 0 });
    const out = aug.augmentBatch(x, 16);
    aug.lastTransforms().forEach(({ dx, dy, angle }, i) => {
      expect(angle).toBe(0);
      for (let y = 0; y < H; y++) {
        for (let c = 0; c < W; c++) {
          const sy = y - dy;
          const sx = c - dx;
          const inside = sx >= 0 && sx < W && sy >= 0 && sy < H;
          expect(out[i * W * H + y * W + c]).toBe(inside ? x[i * W * H + sy * W + sx] : 0);
        }
      }
    });
  });

  it('reuses its output buffer and leaves the input alone', () => {
    const x = randomImages(4, 8);
    const copy = Float32Array.from(x);
    const aug = createAugmenter({ seed: 1 });
    const first = aug.augmentBatch(x, 4);
    const second = aug.augmentBatch(x, 3);
    expect(second.buffer).toBe(first.buffer);
    expect(second.length).toBe(3 * W * H);
    expect(Array.from(x)).toEqual(Array.from(copy));
  });

  it.each([
    [{ maxShift: 1.5 }, 'augment: maxShift must be an integer in [0, 27], got 1.5'],
    [{ maxRotation: -1 }, 'augment: maxRotation must be between 0 and 180 degrees, got -1'],
    [{ width: 0 }, 'augment: width and height must be positive integers, got 0×28'],
  ])('rejects bad options %#', (opts, message) => {
    expect(() => createAugmenter(opts)).toThrow(message);
  });

  it('rejects a short batch', () => {
    expect(() => createAugmenter().augmentBatch(new Float32Array(100), 1)).toThrow(
      'augment: a batch of 1 images of 28×28 needs 784 floats, got 100',
    );
  });
});

describe('transformImage', () => {
  it('shifts by integer offsets exactly (shiftImage)', () => {
    const src = new Float32Array(W * H);
    src[10 * W + 12] = 1;
    const dst = new Float32Array(W * H);
    shiftImage(src, dst, W, H, 2, -1);
    expect(dst[9 * W + 14]).toBe(1);
    expect(dst.reduce((s, v) => s + v, 0)).toBe(1);
  });

  it('turns counter-clockwise as seen for a positive angle', () => {
    // A 3×3 image with a pixel right of centre: a quarter turn CCW moves it above the centre.
    const src = new Float32Array([0, 0, 0, 0, 0, 1, 0, 0, 0]);
    const dst = new Float32Array(9);
    transformImage(src, dst, 3, 3, { dx: 0, dy: 0, angle: Math.PI / 2 });
    expect(dst[1]).toBeCloseTo(1, 12);
    expect(dst.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });

  it('interpolates bilinearly between pixels', () => {
    // Half a pixel right: each output is the mean of its left neighbour and itself.
    const src = new Float32Array([0, 1, 0, 0]);
    const dst = new Float32Array(4);
    transformImage(src, dst, 4, 1, { dx: 0.5, dy: 0, angle: 0 });
    expect(Array.from(dst)).toEqual([0, 0.5, 0.5, 0]);
  });
});

describe('augmentTrainOptions', () => {
  it('trains on augmented batches, reproducibly for a seed', async () => {
    const { train: data, test } = loadMnist({ subset: 400 });
    const run = async (seed: number): Promise<{ weights: Float32Array; accuracy: number; batches: number }> => {
      const model = createMlp({ inputSize: 784, hidden: [16], outputs: 10, seed: 1 });
      let batches = 0;
      const base = { epochs: 2, batchSize: 50, lr: 0.005, optimizer: 'adam' as const, onBatch: () => void batches++ };
      await train(model, data, augmentTrainOptions(base, { seed }));
      return { weights: model.params()[0]!.value.slice(), accuracy: model.evaluate(test).accuracy, batches };
    };
    const a = await run(1);
    const b = await run(1);
    const c = await run(2);
    expect(a.batches).toBe(16);
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(Array.from(a.weights)).not.toEqual(Array.from(c.weights));
    expect(a.accuracy).toBeGreaterThan(0.3); // chance is 0.1; 400 samples, 2 epochs
  });
});
