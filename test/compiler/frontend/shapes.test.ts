import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMlp } from '../../../compiler/frontend/mlp.js';
import { loadModelFile } from '../../../compiler/load-model.js';
import type { ModelGraph, ModelWeights } from '../../../compiler/model.js';
import { checkShapes } from '../../../compiler/passes/shapes.js';
import { randomWeights } from '../../../compiler/weights/random.js';
import { errorOf } from '../../helpers/errors.js';

const src = 'model s {\n  input 128\n  dense fc1: 64 relu\n  dense fc2: 10 prelu\n}';
const model = parseMlp(src, 's.mlp');

describe('checkShapes', () => {
  it('records each layer input width and leaves the input untouched', () => {
    const checked = checkShapes(model, randomWeights(model, 1));
    expect(checked.layers.map((l) => [l.name, l.inputs, l.units])).toEqual([['fc1', 128, 64], ['fc2', 64, 10]]);
    expect(model.layers[0]!.inputs).toBeUndefined();
  });

  const w = () => randomWeights(model, 1);
  const cases: [string, () => [ModelGraph, ModelWeights?], string][] = [
    ['a weight of the wrong width', () => { const x = w(); x[1]!.w = new Float32Array(100 * 10); return [model, x]; },
      's.mlp:4:3: layer fc2: weight shape [100, 10] does not match input 64 → 10 units ([64, 10])'],
    ['a weight of odd length', () => { const x = w(); x[0]!.w = new Float32Array(7); return [model, x]; },
      's.mlp:3:3: layer fc1: weight shape of 7 values does not match input 128 → 64 units ([128, 64])'],
    ['a short bias', () => { const x = w(); x[0]!.b = new Float32Array(63); return [model, x]; },
      's.mlp:3:3: layer fc1: bias shape [63] does not match 64 units ([64])'],
    ['missing slopes', () => { const x = w(); delete x[1]!.slopes; return [model, x]; },
      's.mlp:4:3: layer fc2: prelu needs slopes [10], none given'],
    ['wrong slopes', () => { const x = w(); x[1]!.slopes = new Float32Array(3); return [model, x]; },
      's.mlp:4:3: layer fc2: prelu slope shape [3] does not match 10 units ([10])'],
    ['slopes on a relu layer', () => { const x = w(); x[0]!.slopes = new Float32Array(64); return [model, x]; },
      's.mlp:3:3: layer fc1: slopes given for a relu layer (only prelu has slopes)'],
    ['too few weight sets', () => [model, w().slice(0, 1)], 's.mlp: model s has 2 layers but the weights have 1'],
    ['zero units', () => [{ ...model, layers: [{ ...model.layers[0]!, units: 0 }] }], 's.mlp:3:3: layer fc1: units 0 must be a positive integer'],
    ['a bad input size', () => [{ ...model, inputSize: 1.5 }], 's.mlp: model s: input size 1.5 must be a positive integer'],
    ['no layers', () => [{ ...model, layers: [] }], 's.mlp: model s has no dense layers'],
    ['duplicate names', () => [{ ...model, layers: [model.layers[0]!, model.layers[0]!] }], 's.mlp:3:3: duplicate layer name fc1'],
    ['a NaN alpha', () => [{ ...model, layers: [{ ...model.layers[0]!, activation: { kind: 'leaky', alpha: NaN } }] }],
      's.mlp:3:3: layer fc1: leaky alpha must be a finite number'],
    // Models built in code or read from ONNX skip the .mlp/JSON parsers' alpha check.
    ['an elu alpha past 64', () => [{ ...model, layers: [{ ...model.layers[0]!, activation: { kind: 'elu', alpha: 64.5 } }] }],
      's.mlp:3:3: layer fc1: elu alpha 64.5 is outside [-64, 64]'],
    ['a PReLU slope past 64', () => { const x = w(); x[1]!.slopes![7] = -100; return [model, x]; },
      's.mlp:4:3: layer fc2: prelu slope[7] = -100 is outside [-64, 64]'],
    ['a NaN PReLU slope', () => { const x = w(); x[1]!.slopes![0] = NaN; return [model, x]; },
      's.mlp:4:3: layer fc2: prelu slope[0] = NaN is outside [-64, 64]'],
  ];
  it.each(cases)('rejects %s', (_label, make, message) => {
    const [m, weights] = make();
    expect(errorOf(() => checkShapes(m, weights))).toBe(message);
  });
});

describe('loadModelFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlp-load-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads each format by extension', () => {
    expect(loadModelFile('examples/mnist.mlp').model.layers.map((l) => [l.inputs, l.units])).toEqual([[784, 128], [128, 64], [64, 10]]);
    expect(loadModelFile('examples/mnist.json').weights).toBeUndefined();
    expect(loadModelFile('examples/course-mnist.mlp').model.layers.map((l) => l.units)).toEqual([32, 16, 10]);
    const onnx = loadModelFile('test/fixtures/onnx/mlp-8-16-4-gemm.onnx');
    expect(onnx.model.inputSize).toBe(8);
    expect(onnx.weights).toHaveLength(2);
  });

  it('names bad files', () => {
    const txt = join(dir, 'm.txt');
    writeFileSync(txt, '');
    expect(errorOf(() => loadModelFile(txt))).toBe(`${txt}: unknown model file type ".txt"; expected .mlp, .json, .onnx`);
    expect(errorOf(() => loadModelFile(join(dir, 'missing.mlp')))).toBe(`${join(dir, 'missing.mlp')}: cannot read model file: no such file`);
    const sub = join(dir, 'sub.json');
    mkdirSync(sub);
    expect(errorOf(() => loadModelFile(sub))).toBe(`${sub}: cannot read model file: is a directory`);
    const bad = join(dir, 'bad.mlp');
    writeFileSync(bad, 'model m {\n  input 4\n  dense 0\n}\n');
    expect(errorOf(() => loadModelFile(bad))).toBe(`${bad}:3:3: layer fc1: units must be at least 1`);
  });
});
