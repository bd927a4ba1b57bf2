// dlpkit's ONNX checker (onnx-check.ts) and `dlp export`: exported files pass it, and each rule
// rejects a file that breaks it. test/fixtures/pytorch/exported.onnx was checked with Python's
// onnx.checker (full_check) and evaluated against PyTorch by scripts/fixtures/check-export.py.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOnnxBytes, checkOnnxModel } from '../../../compiler/frontend/onnx-check.js';
import { exportOnnx } from '../../../compiler/frontend/onnx-export.js';
import { decodeModel, type OnnxModel } from '../../../compiler/frontend/onnx-schema.js';
import { parseMlp } from '../../../compiler/frontend/mlp.js';
import { randomWeights } from '../../../compiler/weights/random.js';
import { runDlp, useTempDir } from '../../helpers/cli.js';

const F = 'test/fixtures/pytorch';
const tmp = useTempDir('dlp-export-');
const model = parseMlp('model e { input 6 dense 5 relu dense 4 leaky(0.2) dense 3 prelu dense 2 elu dense 2 sigmoid dense 2 tanh dense 3 softmax }');
const fresh = (): OnnxModel => decodeModel(exportOnnx(model, randomWeights(model, 5)));

describe('ONNX checker', () => {
  it('passes every activation the exporter writes', () => {
    expect(checkOnnxModel(fresh())).toEqual([]);
  });

  const cases: [string, (m: OnnxModel) => void, string][] = [
    ['an old opset', (m) => { m.opsetImport[0]!.version = 9; }, 'default-domain opset 9 is outside 13..17'],
    ['no ir_version', (m) => { m.irVersion = 0; }, 'ir_version 0 is missing or below 3'],
    ['an unnamed graph', (m) => { m.graph!.name = ''; }, 'graph has no name'],
    ['nodes out of order', (m) => { m.graph!.node.reverse(); }, 'input /fc6/Tanh_output_0 is not defined before the node (not topologically sorted, or missing)'],
    ['a name defined twice', (m) => { m.graph!.node[1]!.output[0] = m.graph!.node[0]!.output[0]!; }, 'is defined twice'],
    ['a wrong initializer size', (m) => { m.graph!.initializer[0]!.dims = [5, 7]; }, 'initializer fc1.weight: dims [5, 7] need 35 values, 30 are stored'],
    ['an input disagreeing with its initializer', (m) => {
      m.graph!.input.push({ name: 'fc1.bias', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 4 }] } } } });
    }, 'graph input fc1.bias [4] disagrees with its initializer [5]'],
    ['a K mismatch', (m) => { m.graph!.input[0]!.type!.tensorType!.shape!.dim[1] = { dimValue: 7 }; }, 'A [batch, 7] and B [5, 6] disagree on K (7 vs 6)'],
    ['a wrong declared output', (m) => { m.graph!.output[0]!.type!.tensorType!.shape!.dim[1] = { dimValue: 4 }; }, 'graph output output is declared [batch, 4] but inferred [batch, 3]'],
    ['an attribute of the wrong type', (m) => { m.graph!.node[0]!.attribute[0]!.type = 2; }, 'attribute alpha has type 2, expected 1'],
    ['an unknown operator', (m) => { m.graph!.node[1]!.opType = 'Relu6'; }, 'operator Relu6 is not one the exporter emits'],
    ['a missing output producer', (m) => { m.graph!.output[0]!.name = 'nowhere'; }, 'graph output nowhere is not produced by any node'],
    ['a softmax axis out of range', (m) => { m.graph!.node.at(-1)!.attribute[0]!.i = 2; }, 'axis 2 is outside a rank-2 tensor'],
  ];
  it.each(cases)('rejects %s', (_label, edit, message) => {
    const m = fresh();
    edit(m);
    const problems = checkOnnxModel(m);
    expect(problems.some((p) => p.includes(message)), problems.join('\n')).toBe(true);
  });
});

describe('dlp export', () => {
  it('exports the folded PyTorch BatchNorm MLP exactly as the committed (Python-checked) file', async () => {
    const out = join(tmp, 'bn.onnx');
    const r = await runDlp(['export', '--model', `${F}/mlp_bn.onnx`, '-o', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(`wrote ${out}: mlp_bn 20-32-16-5 + softmax, opset 17, 5938 bytes (ONNX check passed)\n`);
    expect(readFileSync(out)).toEqual(readFileSync(`${F}/exported.onnx`));
    expect(checkOnnxBytes(readFileSync(out))).toEqual([]);
  });

  it('re-imports to the same fp32 outputs (dlp run on the export vs PyTorch)', async () => {
    const r = await runDlp(['run', `${F}/exported.onnx`, '--dtype', 'fp32', '--input', `${F}/mlp_bn.x.npy`, '--output', join(tmp, 'y.npy')]);
    expect(r.code, r.err).toBe(0);
  });

  const errors: [string[], string][] = [
    [['-o', join(tmp, 'x.onnx')], 'error: give --weights FILE, or an .onnx --model that holds its weights\n'],
    [['--model', `${F}/noops.onnx`, '-o', join(tmp, 'x.onnx')], `error: ${F}/noops.onnx: the model ends in LogSoftmax, which the dlpkit model cannot express in its export\n`],
    [['--model', `${F}/mlp.onnx`, '-o', join(tmp, 'x.txt')], `error: ${join(tmp, 'x.txt')}: the output must end in .onnx\n`],
  ];
  it.each(errors)('refuses %j', async (args, message) => {
    const r = await runDlp(['export', ...args]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(message);
  });
});
