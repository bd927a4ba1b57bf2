// Data augmentation for MNIST-style digits (chapter 2's cheapest regulariser: more data from
// the data you have). Each image of a batch gets its own random integer shift (±2 px by
// default) and small rotation (±10°) about the image centre, resampled bilinearly with zero
// fill outside. The whole batch is written into one reusable output buffer: no allocation
// per image, and the same seed gives the same stream of transforms.
import { DlpError } from '../isa/errors.js';
import { createRng, type Rng } from './rng.js';
import type { TrainOptions } from './train.js';

export interface AugmentOptions {
  /** Largest shift in pixels along each axis; shifts are integers in [−maxShift, maxShift]. Default 2. */
  maxShift?: number;
  /** Largest rotation in degrees; angles are uniform in [−maxRotation, maxRotation]. Default 10. */
  maxRotation?: number;
  /** Image width in pixels. Default 28. */
  width?: number;
  /** Image height in pixels. Default 28. */
  height?: number;
  /** Seed of the transform stream. Default 1. */
  seed?: number;
}

/** The transform drawn for one image: the content moves by (dx, dy) and turns by `angle`. */
export interface ImageTransform {
  /** Pixels to the right. */
  dx: number;
  /** Pixels down. */
  dy: number;
  /** Radians, counter-clockwise as the digit is seen. */
  angle: number;
}

export interface Augmenter {
  readonly options: Readonly<Required<Omit<AugmentOptions, 'seed'>>>;
  /**
   * Returns an augmented copy of `batch` images from `x` (row-major, width·height floats each)
   * in a buffer owned by the augmenter, valid until the next call. `x` is not modified.
   */
  augmentBatch(x: Float32Array, batch: number): Float32Array;
  /** The transforms used for the images of the last batch (a view, valid until the next call). */
  lastTransforms(): readonly ImageTransform[];
}

/** Normalises options, rejecting values that make no sense for the image size. */
export function normaliseAugmentOptions(options: AugmentOptions = {}): Required<AugmentOptions> {
  const o = { maxShift: 2, maxRotation: 10, width: 28, height: 28, seed: 1, ...options };
  if (!Number.isInteger(o.width) || o.width < 1 || !Number.isInteger(o.height) || o.height < 1) {
    throw new DlpError(`augment: width and height must be positive integers, got ${o.width}×${o.height}`);
  }
  if (!Number.isInteger(o.maxShift) || o.maxShift < 0 || o.maxShift >= Math.min(o.width, o.height)) {
    throw new DlpError(`augment: maxShift must be an integer in [0, ${Math.min(o.width, o.height) - 1}], got ${o.maxShift}`);
  }
  if (!(o.maxRotation >= 0 && o.maxRotation <= 180)) {
    throw new DlpError(`augment: maxRotation must be between 0 and 180 degrees, got ${o.maxRotation}`);
  }
  return o;
}

export function createAugmenter(options: AugmentOptions = {}): Augmenter {
  const { seed, ...shape } = normaliseAugmentOptions(options);
  const rng: Rng = createRng(seed);
  const size = shape.width * shape.height;
  const maxAngle = (shape.maxRotation * Math.PI) / 180;
  let out = new Float32Array(0);
  const transforms: ImageTransform[] = [];
  return {
    options: shape,
    augmentBatch(x, batch) {
      if (!Number.isInteger(batch) || batch < 0 || x.length < batch * size) {
        throw new DlpError(`augment: a batch of ${batch} images of ${shape.width}×${shape.height} needs ${batch * size} floats, got ${x.length}`);
      }
      if (out.length < batch * size) out = new Float32Array(batch * size);
      for (let i = transforms.length; i < batch; i++) transforms.push({ dx: 0, dy: 0, angle: 0 });
      transforms.length = batch;
      for (let i = 0; i < batch; i++) {
        const t = transforms[i]!;
        // Draw order is fixed (dx, dy, angle) so a seed pins every transform.
        t.dx = rng.int(2 * shape.maxShift + 1) - shape.maxShift;
        t.dy = rng.int(2 * shape.maxShift + 1) - shape.maxShift;
        t.angle = maxAngle === 0 ? 0 : (2 * rng.next() - 1) * maxAngle;
        transformImage(x.subarray(i * size, (i + 1) * size), out.subarray(i * size, (i + 1) * size), shape.width, shape.height, t);
      }
      return out.subarray(0, batch * size);
    },
    lastTransforms: () => transforms,
  };
}

/**
 * Train options that augment every training batch on the fly (validation and test data are
 * never touched). An existing transformBatch runs first, then the augmentation.
 */
export function augmentTrainOptions(trainOptions: Partial<TrainOptions>, augment: AugmentOptions = {}): Partial<TrainOptions> {
  const augmenter = createAugmenter(augment);
  const before = trainOptions.transformBatch;
  return {
    ...trainOptions,
    transformBatch: (x, batch) => augmenter.augmentBatch(before ? before(x, batch) : x, batch),
  };
}

/**
 * Writes `src` rotated by t.angle about the image centre and then moved by (t.dx, t.dy) into
 * `dst` (same size, must not alias `src`). Each output pixel samples the source at the
 * inverse-mapped point with bilinear interpolation; points outside the image read as 0.
 * With angle 0 and integer shifts the mapping hits pixel centres exactly, so the result is a
 * pure shift: dst[y][x] = src[y − dy][x − dx].
 */
export function transformImage(src: Float32Array, dst: Float32Array, width: number, height: number, t: ImageTransform): void {
  if (t.angle === 0 && Number.isInteger(t.dx) && Number.isInteger(t.dy)) {
    shiftImage(src, dst, width, height, t.dx, t.dy);
    return;
  }
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  // Image rows grow downwards, so a counter-clockwise turn as seen is a clockwise one in
  // (x, y) coordinates; the inverse map therefore uses +angle in the y-down rotation.
  const c = Math.cos(t.angle);
  const s = Math.sin(t.angle);
  for (let y = 0; y < height; y++) {
    const qy = y - t.dy - cy;
    for (let x = 0; x < width; x++) {
      const qx = x - t.dx - cx;
      const sx = c * qx - s * qy + cx;
      const sy = s * qx + c * qy + cy;
      dst[y * width + x] = sampleBilinear(src, width, height, sx, sy);
    }
  }
}

/** dst[y][x] = src[y − dy][x − dx], zero where that falls outside the image. */
export function shiftImage(src: Float32Array, dst: Float32Array, width: number, height: number, dx: number, dy: number): void {
  for (let y = 0; y < height; y++) {
    const sy = y - dy;
    const row = y * width;
    if (sy < 0 || sy >= height) {
      dst.fill(0, row, row + width);
      continue;
    }
    for (let x = 0; x < width; x++) {
      const sx = x - dx;
      dst[row + x] = sx >= 0 && sx < width ? src[sy * width + sx]! : 0;
    }
  }
}

function sampleBilinear(src: Float32Array, width: number, height: number, sx: number, sy: number): number {
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const fx = sx - x0;
  const fy = sy - y0;
  const p00 = pixel(src, width, height, x0, y0);
  const p10 = pixel(src, width, height, x0 + 1, y0);
  const p01 = pixel(src, width, height, x0, y0 + 1);
  const p11 = pixel(src, width, height, x0 + 1, y0 + 1);
  return (1 - fy) * ((1 - fx) * p00 + fx * p10) + fy * ((1 - fx) * p01 + fx * p11);
}

function pixel(src: Float32Array, width: number, height: number, x: number, y: number): number {
  return x >= 0 && x < width && y >= 0 && y < height ? src[y * width + x]! : 0;
}
