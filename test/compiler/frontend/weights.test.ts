import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMlp } from '../../../compiler/frontend/mlp.js';
import { readSafetensors, writeSafetensors, type SafeTensor } from '../../../compiler/weights/safetensors.js';
import { randomWeights } from '../../../compiler/weights/random.js';
import { tensorsToWeights, weightsToTensors } from '../../../compiler/weights/weights.js';
import { readWeightsFile, writeWeightsFile } from '../../../compiler/weights/weights-file.js';
import { errorOf } from '../../helpers/errors.js';

const model = parseMlp('model t { input 3 dense fc1: 2 prelu dense out: 1 }');
// (in, out) row-major: w[i * out + j].
const weights = [
  { w: new Float32Array([1, 2, 3, 4, 5, 6]), b: new Float32Array([0.5, -0.5]), slopes: new Float32Array([0.25, 0.125]) },
  { w: new Float32Array([7, 8]), b: new Float32Array([9]) },
];
const dir = mkdtempSync(join(tmpdir(), 'dlp-weights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PyTorch-named weights', () => {
  it('stores weight [out, in] (transposed), bias and slope', () => {
    const t = weightsToTensors(model, weights);
    expect(Object.keys(t)).toEqual(['fc1.weight', 'fc1.bias', 'fc1.slope', 'out.weight', 'out.bias']);
    expect(t['fc1.weight']).toEqual({ dtype: 'F32', shape: [2, 3], data: new Float32Array([1, 3, 5, 2, 4, 6]) });
    expect(t['fc1.bias']!.shape).toEqual([2]);
    expect(t['fc1.slope']!.data).toEqual(new Float32Array([0.25, 0.125]));
    expect(t['out.weight']).toEqual({ dtype: 'F32', shape: [1, 2], data: new Float32Array([7, 8]) });
    expect(tensorsToWeights(model, t)).toEqual(weights);
  });

  it('accepts F16/F64 tensors and [1, out] biases', () => {
    const t = weightsToTensors(model, weights);
    const tensors: Record<string, SafeTensor> = { ...t, 'out.bias': { dtype: 'F64', shape: [1, 1], data: new Float32Array([9]) } };
    tensors['fc1.weight'] = { ...t['fc1.weight']!, dtype: 'F16' };
    const back = tensorsToWeights(model, readSafetensors(writeSafetensors(tensors)));
    expect(back).toEqual(weights);
  });

  it('writes and reads a weights file', () => {
    const path = join(dir, 'w.safetensors');
    writeWeightsFile(path, model, weights);
    expect(readWeightsFile(path, model)).toEqual(weights);
  });

  const t = () => weightsToTensors(model, weights);
  const failures: [string, () => Record<string, SafeTensor>, string][] = [
    ['missing tensor', () => { const x = t(); delete x['out.bias']; return x; }, 'w.st: missing tensor out.bias (expected shape [1])'],
    ['extra tensor', () => ({ ...t(), 'fc3.weight': { dtype: 'F32', shape: [2], data: new Float32Array(2) } }), 'w.st: unexpected tensor fc3.weight [2]: model t has no such parameter'],
    ['mis-shaped weight', () => ({ ...t(), 'fc1.weight': { dtype: 'F32', shape: [3, 2], data: new Float32Array(6) } }), 'w.st: tensor fc1.weight has shape [3, 2], expected [2, 3]'],
    ['mis-shaped bias', () => ({ ...t(), 'fc1.bias': { dtype: 'F32', shape: [3], data: new Float32Array(3) } }), 'w.st: tensor fc1.bias has shape [3], expected [2]'],
    ['integer tensor', () => ({ ...t(), 'out.bias': { dtype: 'I8', shape: [1], data: new Int8Array(1) } }), 'w.st: tensor out.bias has dtype I8; weights must be F32, F16, BF16 or F64'],
  ];
  it.each(failures)('rejects a %s', (_label, make, message) => {
    expect(errorOf(() => tensorsToWeights(model, make(), 'w.st'))).toBe(message);
  });

  it('names unreadable weights files', () => {
    const path = join(dir, 'nope.safetensors');
    expect(errorOf(() => readWeightsFile(path, model))).toBe(`${path}: cannot read weights file: ENOENT`);
    const junk = join(dir, 'junk.safetensors');
    writeFileSync(junk, 'abc');
    expect(errorOf(() => readWeightsFile(junk, model))).toBe(`${junk}: truncated safetensors file: 3 bytes, shorter than the 8-byte header length`);
  });
});

describe('randomWeights', () => {
  it('is deterministic per seed, He/Glorot-bounded, zero bias, 0.25 slopes', () => {
    const m = parseMlp('model r { input 50 dense 40 relu dense 30 prelu dense 10 sigmoid }');
    const a = randomWeights(m, 7);
    expect(randomWeights(m, 7)).toEqual(a);
    expect(randomWeights(m, 8)[0]!.w).not.toEqual(a[0]!.w);
    expect(a.map((l) => l.w.length)).toEqual([2000, 1200, 300]);
    const maxAbs = (x: Float32Array) => x.reduce((m2, v) => Math.max(m2, Math.abs(v)), 0);
    expect(maxAbs(a[0]!.w)).toBeLessThanOrEqual(Math.sqrt(6 / 50));
    expect(maxAbs(a[0]!.w)).toBeGreaterThan(0.9 * Math.sqrt(6 / 50));
    expect(maxAbs(a[2]!.w)).toBeLessThanOrEqual(Math.sqrt(6 / 40));
    expect(a[1]!.b).toEqual(new Float32Array(30));
    expect(a[1]!.slopes).toEqual(new Float32Array(30).fill(0.25));
    expect(a[0]!.slopes).toBeUndefined();
  });
});
