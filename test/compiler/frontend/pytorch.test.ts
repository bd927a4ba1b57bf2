// PyTorch models end to end, from files made by scripts/fixtures/make-pytorch.py (torch's ONNX
// export with the weights in a side file, state_dicts, inputs and PyTorch's outputs; see
// test/fixtures/pytorch/README.md). No Python runs here.
//
// Tolerances (docs/models.md, "How close to PyTorch"):
// - fp32: |device − PyTorch| ≤ 1e-5 · max|PyTorch| over the output tensor. Element-wise relative
//   error is not meaningful for outputs near zero: PyTorch's own fp32 sums already differ from
//   the exact values by up to 6e-5 relative there (measured on autoencoder.y.npy).
// - int8/int16: within quantErrorBound (test/reference/quant-error-bound.ts), derived from
//   docs/quantization.md, plus the fp32 tolerance for PyTorch's own rounding.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadHardware } from '../../../isa/node.js';
import { loadModelFile } from '../../../compiler/load-model.js';
import { compile } from '../../../compiler/pipeline.js';
import { parseNpy, parseCsv, type RowTensor } from '../../../compiler/weights/tensor-files.js';
import { readModelWeights } from '../../../compiler/weights/state-dict-file.js';
import { runRows } from '../../../cli/io/rows.js';
import { quantErrorBound } from '../../reference/quant-error-bound.js';

const DIR = 'test/fixtures/pytorch';
const npy = (name: string): RowTensor => parseNpy(readFileSync(`${DIR}/${name}`), name);
const MODELS = ['mlp', 'mlp_bn', 'noops', 'autoencoder', 'aligned'] as const;

/** max |a − b| / max |b|. */
function normRel(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let m = 0;
  b.forEach((v, i) => {
    d = Math.max(d, Math.abs(a[i]! - v));
    m = Math.max(m, Math.abs(v));
  });
  return d / m;
}

function device(name: string, dtype: 'fp32' | 'int8' | 'int16', weightsFile?: string) {
  const loaded = loadModelFile(`${DIR}/${name}.onnx`);
  const weights = weightsFile ? readModelWeights(`${DIR}/${weightsFile}`, loaded) : loaded.weights!;
  const x = npy(`${name}.x.npy`);
  const hw = loadHardware('dlp-s');
  const options = { dtype, batch: 5, ...(dtype === 'fp32' ? {} : { calibration: x.data }) };
  const bundle = compile(loaded.model, weights, hw, options);
  const run = runRows(bundle, hw, x, loaded.hostOutput);
  return { loaded, weights, bundle, x, y: run.output, runs: run.runs };
}

describe('PyTorch MLPs (external data, BatchNorm, no-ops) match PyTorch', () => {
  it.each(MODELS)('%s in fp32 within 1e-5 of PyTorch (12 rows in runs of 5)', (name) => {
    const { y, runs } = device(name, 'fp32');
    const ref = npy(`${name}.y.npy`);
    expect([y.rows, y.cols]).toEqual([ref.rows, ref.cols]);
    expect(runs).toBe(3);
    expect(normRel(y.data, ref.data)).toBeLessThanOrEqual(1e-5);
  });

  it.each(['mlp', 'mlp_bn', 'noops', 'autoencoder'] as const)('%s with the other state_dict (sd2) matches PyTorch in fp32', (name) => {
    const { y } = device(name, 'fp32', `${name}.sd2.safetensors`);
    expect(normRel(y.data, npy(`${name}.y2.npy`).data)).toBeLessThanOrEqual(1e-5);
  });

  const quantCases = (['mlp', 'mlp_bn', 'noops', 'autoencoder'] as const).flatMap((m) => (['int8', 'int16'] as const).map((d) => [m, d] as const));
  it.each(quantCases)('%s in %s within the quantisation error bound', (name, dtype) => {
    const { loaded, weights, bundle, x, y } = device(name, dtype);
    const ref = npy(`${name}.y.npy`);
    const kind = loaded.model.softmax ? 'softmax' : loaded.hostOutput === 'log-softmax' ? 'log-softmax' : 'plain';
    const { bound } = quantErrorBound(loaded.model, weights, bundle, x.data, kind);
    const slack = 1e-5 * Math.max(...Array.from(ref.data, Math.abs));
    let worst = 0;
    ref.data.forEach((v, i) => {
      const d = Math.abs(y.data[i]! - v);
      expect(d).toBeLessThanOrEqual(bound[i]! + slack);
      worst = Math.max(worst, d / (bound[i]! + slack));
    });
    // The bound is not vacuous: int8 outputs are off by no more than a few % of the output range.
    expect(normRel(y.data, ref.data)).toBeLessThan(dtype === 'int8' ? 0.05 : 0.001);
    expect(worst).toBeGreaterThan(0);
  });
});

describe('fixture inputs agree across formats', () => {
  it('mlp.x.csv (written by Python with repr) reads as exactly mlp.x.npy', () => {
    const csv = parseCsv(readFileSync(`${DIR}/mlp.x.csv`, 'utf8'));
    expect(csv.data).toEqual(npy('mlp.x.npy').data);
  });
  it('the [12, 4, 5] input of mlp_bn flattens to 12 rows of 20', () => {
    const x = npy('mlp_bn.x.npy');
    expect([x.rows, x.cols]).toEqual([12, 20]);
  });
});
