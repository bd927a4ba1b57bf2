// The MNIST loader on the real IDX files and on corrupted copies written to a temp folder.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMnist, mnistDataDir, readIdxImages, readIdxLabels } from '../../runtime/index.js';
import { DlpError } from '../../isa/errors.js';

const FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

describe('MNIST on the real files', () => {
  const m = loadMnist({ subset: 500 });

  it('has the documented shapes, labels and pixel range', () => {
    expect(m.train.n).toBe(500);
    expect(m.train.features).toBe(784);
    expect(m.train.x.length).toBe(500 * 784);
    expect(m.test.n).toBe(500);
    // The first training digit is a 5, the first test digit a 7.
    expect(m.train.y[0]).toBe(5);
    expect(m.test.y[0]).toBe(7);
    let min = Infinity;
    let max = -Infinity;
    let zeros = 0;
    for (const v of m.train.x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (v === 0) zeros++;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    // The sparsity the kernels exploit.
    expect(zeros / m.train.x.length).toBeGreaterThan(0.75);
  });

  it('reads the full headers', () => {
    const dir = mnistDataDir();
    const img = readIdxImages(join(dir, 't10k-images-idx3-ubyte'), 1);
    expect([img.count, img.rows, img.cols, img.pixels.length]).toEqual([10000, 28, 28, 784]);
    expect(readIdxLabels(join(dir, 'train-labels-idx1-ubyte')).count).toBe(60000);
  });
});

describe('MNIST on corrupted copies', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlp-mnist-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const src = mnistDataDir();

  /** A folder holding the test files, with `file` replaced by `mutate(original bytes)`. */
  function corrupt(name: string, file: string, mutate: (b: Buffer) => Buffer): string {
    const d = join(dir, name);
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d);
    for (const f of FILES) {
      if (f.startsWith('train-')) {
        // Tiny valid training files keep the test fast (the loader reads both sets).
        const isImages = f.includes('images');
        const header = Buffer.alloc(isImages ? 16 : 8);
        header.writeUInt32BE(isImages ? 2051 : 2049, 0);
        header.writeUInt32BE(1, 4);
        if (isImages) {
          header.writeUInt32BE(28, 8);
          header.writeUInt32BE(28, 12);
        }
        writeFileSync(join(d, f), Buffer.concat([header, Buffer.alloc(isImages ? 784 : 1)]));
      } else copyFileSync(join(src, f), join(d, f));
    }
    writeFileSync(join(d, file), mutate(readFileSync(join(d, file))));
    return d;
  }

  const cases: Array<[string, string, (b: Buffer) => Buffer, string]> = [
    ['wrong image magic', 't10k-images-idx3-ubyte', (b) => (b.writeUInt32BE(2049, 0), b),
      'bad magic number 2049 (expected 2051 for an IDX image file)'],
    ['wrong label magic', 't10k-labels-idx1-ubyte', (b) => (b.writeUInt32BE(2051, 0), b),
      'bad magic number 2051 (expected 2049 for an IDX label file)'],
    ['truncated images', 't10k-images-idx3-ubyte', (b) => b.subarray(0, 16 + 784 * 3 + 5),
      'file has 2373 bytes but the header promises 10000 images of 28×28 (7840016 bytes): truncated'],
    ['truncated labels', 't10k-labels-idx1-ubyte', (b) => b.subarray(0, 100),
      'file has 100 bytes but the header promises 10000 labels (10008 bytes): truncated'],
    ['header only', 't10k-images-idx3-ubyte', (b) => b.subarray(0, 10),
      'file has 10 bytes, too short for the 16-byte image header'],
    ['label out of range', 't10k-labels-idx1-ubyte', (b) => ((b[8 + 42] = 11), b),
      'label 11 at index 42 is not a digit 0-9'],
  ];
  for (const [name, file, mutate, reason] of cases) {
    it(name, () => {
      const d = corrupt(name.replace(/ /g, '-'), file, mutate);
      let err: unknown;
      try {
        loadMnist({ dir: d });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DlpError);
      expect((err as DlpError).message).toBe(`${join(d, file)}: ${reason}`);
    });
  }

  it('image and label counts must agree', () => {
    const d = corrupt('count-mismatch', 't10k-labels-idx1-ubyte', (b) => {
      const out = Buffer.from(b.subarray(0, 8 + 9999));
      out.writeUInt32BE(9999, 4);
      return out;
    });
    expect(() => loadMnist({ dir: d })).toThrow(
      new DlpError(`10000 images but 9999 labels in t10k-labels-idx1-ubyte`, { file: join(d, 't10k-images-idx3-ubyte') }).message,
    );
  });

  it('a missing file is named', () => {
    expect(() => loadMnist({ dir: join(dir, 'nowhere') })).toThrow(`${join(dir, 'nowhere', 'train-images-idx3-ubyte')}: MNIST file not found`);
  });
});
