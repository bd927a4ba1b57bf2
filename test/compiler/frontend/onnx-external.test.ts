// ONNX external data: tensors in a side file next to the model, read through the Node reader
// with its path checks. Variants of the PyTorch fixture mlp.onnx are written to a temp folder.
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../../../compiler/load-model.js';
import { importOnnx } from '../../../compiler/frontend/onnx.js';
import { modelProto } from '../../../compiler/frontend/onnx-schema.js';
import { readSafetensors } from '../../../compiler/weights/safetensors.js';
import { transpose } from '../../../compiler/weights/weights.js';
import { errorOf } from '../../helpers/errors.js';
import { useTempDir } from '../../helpers/cli.js';

const DIR = 'test/fixtures/pytorch';
const tmp = useTempDir('dlp-extdata-');

type Entry = { key: string; value: string };
type Init = { name: string; dims: number[]; dataLocation?: number; externalData: Entry[] };
type Decoded = { graph: { initializer: Init[] } };

function decoded(name: string): Decoded {
  return modelProto().toObject(modelProto().decode(readFileSync(`${DIR}/${name}`)), { longs: Number, arrays: true, enums: Number }) as Decoded;
}

/** Writes a variant of mlp.onnx (with a copy of its side file) into its own folder. */
let n = 0;
function variant(edit: (m: Decoded) => void, data = true): string {
  const dir = join(tmp, `v${n++}`);
  mkdirSync(dir);
  const m = decoded('mlp.onnx');
  edit(m);
  writeFileSync(join(dir, 'mlp.onnx'), modelProto().encode(modelProto().fromObject(m)).finish());
  if (data) copyFileSync(`${DIR}/mlp.onnx.data`, join(dir, 'mlp.onnx.data'));
  return join(dir, 'mlp.onnx');
}
const setEntry = (t: Init, key: string, value: string): void => {
  const e = t.externalData.find((x) => x.key === key);
  if (e) e.value = value;
  else t.externalData.push({ key, value });
};

describe('ONNX external data', () => {
  it('reads several tensors from one side file at their offsets (values equal the state_dict)', () => {
    const inits = decoded('mlp.onnx').graph.initializer;
    expect(new Set(inits.map((t) => t.externalData.find((e) => e.key === 'location')!.value))).toEqual(new Set(['mlp.onnx.data']));
    const offsets = inits.map((t) => Number(t.externalData.find((e) => e.key === 'offset')!.value));
    expect(offsets[0]).toBe(0);
    expect(offsets.every((o, i) => i === 0 || o > offsets[i - 1]!)).toBe(true);
    const { weights, model } = loadModelFile(`${DIR}/mlp.onnx`);
    const sd = readSafetensors(readFileSync(`${DIR}/mlp.sd.safetensors`));
    const w2 = sd.get('3.weight')!;
    expect(model.layers[1]!.units).toBe(16);
    expect(weights![1]!.w).toEqual(transpose(w2.data as Float32Array, 16, 32));
    expect(weights![2]!.b).toEqual(sd.get('5.bias')!.data);
  });

  it('reads tensors at 4096-aligned offsets with padding between them', () => {
    const offsets = decoded('aligned.onnx').graph.initializer.map((t) => Number(t.externalData.find((e) => e.key === 'offset')!.value));
    expect(offsets).toEqual([0, 4096, 8192, 12288]);
    const { weights } = loadModelFile(`${DIR}/aligned.onnx`);
    const sd = readSafetensors(readFileSync(`${DIR}/aligned.sd.safetensors`));
    expect(weights![1]!.b).toEqual(sd.get('2.bias')!.data);
    expect(weights![0]!.w).toEqual(transpose(sd.get('0.weight')!.data as Float32Array, 8, 6));
  });

  it('follows a symlink that stays inside the model folder', () => {
    const p = variant((m) => m.graph.initializer.forEach((t) => setEntry(t, 'location', 'link.data')));
    symlinkSync('mlp.onnx.data', join(p, '..', 'link.data'));
    expect(loadModelFile(p).model.layers.map((l) => l.units)).toEqual([32, 16, 5]);
  });

  it('refuses bytes without a reader (a model given as bytes only)', () => {
    expect(errorOf(() => importOnnx(readFileSync(`${DIR}/mlp.onnx`), 'mlp.onnx'))).toBe(
      'mlp.onnx: initializer 0.weight keeps its data in the side file "mlp.onnx.data"; load the model from its file so the side file can be read');
  });

  const outside = join(tmp, 'outside.data');
  writeFileSync(outside, readFileSync(`${DIR}/mlp.onnx.data`));
  const first = (f: (t: Init) => void) => (m: Decoded): void => f(m.graph.initializer[0]!);
  const cases: [string, () => string, string][] = [
    ['an absolute location', () => variant(first((t) => setEntry(t, 'location', outside))), `initializer 0.weight: external data location "${outside}" is an absolute path`],
    ['a location with ..', () => variant(first((t) => setEntry(t, 'location', '../outside.data'))), 'initializer 0.weight: external data location "../outside.data" contains ".." (it must stay inside the model\'s folder)'],
    ['a symlink out of the folder', () => {
      const p = variant(first((t) => setEntry(t, 'location', 'evil.data')));
      symlinkSync(outside, join(p, '..', 'evil.data'));
      return p;
    }, 'initializer 0.weight: side file "evil.data" resolves outside the model\'s folder (symlink)'],
    ['a missing side file', () => variant(() => undefined, false), 'initializer 0.weight: side file "mlp.onnx.data" does not exist next to the model'],
    ['a read past the end', () => {
      const p = variant(() => undefined);
      truncateSync(join(p, '..', 'mlp.onnx.data'), 3000);
      return p;
    }, 'initializer 3.weight: side file "mlp.onnx.data" has 3000 bytes; the tensor\'s bytes 2688..4736 run past its end'],
    ['a length that does not match the dims', () => variant(first((t) => setEntry(t, 'length', '100'))), 'initializer 0.weight: external data length 100 does not match dims [32, 20] (2560 bytes)'],
    ['a bad offset', () => variant(first((t) => setEntry(t, 'offset', '-4'))), 'initializer 0.weight: external data offset "-4" is not a non-negative integer'],
    ['no location', () => variant(first((t) => { t.externalData = t.externalData.filter((e) => e.key !== 'location'); })), 'initializer 0.weight: external data has no "location" entry'],
    ['a negative dim', () => variant(first((t) => { t.dims = [-32, 20]; })), 'initializer 0.weight: dims [-32, 20] hold an invalid dimension -32'],
    ['dims too large to allocate', () => variant(first((t) => { t.dims = [1 << 20, 1 << 20]; })), 'initializer 0.weight: dims [1048576, 1048576] exceed 67108864 elements'],
  ];
  it.each(cases)('rejects %s with one line naming the tensor', (_label, make, message) => {
    const p = make();
    expect(errorOf(() => loadModelFile(p))).toBe(`${p}: ${message}`);
  });

  it('a side file that is a directory is refused', () => {
    const p = variant(() => undefined, false);
    mkdirSync(join(p, '..', 'mlp.onnx.data'));
    expect(errorOf(() => loadModelFile(p))).toBe(`${p}: initializer 0.weight: side file "mlp.onnx.data" is not a regular file`);
    unlinkSync(p);
  });
});
