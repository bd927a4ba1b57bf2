// The user-facing side of sparsity and calibration: compareSparse, `dlp run --sparsity-report`,
// `dlp compile --no-skip-zero-tiles`, `--per-channel` and `--calibration FILE`.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDlp, useTempDir } from '../../helpers/cli.js';
import { parseMlp } from '../../../compiler/frontend/mlp.js';
import { writeWeightsFile } from '../../../compiler/weights/weights-file.js';
import { writeSafetensors } from '../../../compiler/weights/safetensors.js';
import { parseCalibration } from '../../../compiler/weights/calibration.js';
import { readBundle } from '../../../compiler/bundle-files.js';
import { loadHardware } from '../../../isa/node.js';
import { compareSparse, formatSparseComparison } from '../../../runtime/offload/sparse-compare.js';
import { makeInputs } from '../backend/helpers.js';
import { prunedWeights } from './helpers.js';

const dir = useTempDir('dlp-sparse-');
const src = 'model pruned { input 64  dense 48 relu  dense 10  softmax }\n';
const modelFile = join(dir, 'pruned.mlp');
writeFileSync(modelFile, src);
const model = parseMlp(src, modelFile);
const weights = prunedWeights(model, 3);
const weightsFile = join(dir, 'pruned.safetensors');
writeWeightsFile(weightsFile, model, weights);


describe('compareSparse', () => {
  it('reports cycles, DRAM bytes and energy saved per layer with identical outputs', () => {
    const c = compareSparse(model, weights, loadHardware('edge-tiny'), { dtype: 'int8', batch: 8 });
    expect(c.outputsIdentical).toBe(true);
    expect(c.maxAbsDiff).toBe(0);
    expect(c.sparse.cycles).toBeLessThan(c.dense.cycles);
    expect(c.sparse.dramBytes).toBeLessThan(c.dense.dramBytes);
    expect(c.sparse.energyJoules).toBeLessThan(c.dense.energyJoules);
    const fc1 = c.perLayer.find((l) => l.name === 'fc1')!;
    expect(fc1.skipped).toBeGreaterThan(0);
    expect(fc1.sparse.dramBytes).toBeLessThan(fc1.dense.dramBytes);
    expect(c.perLayer.map((l) => l.name)).toEqual(expect.arrayContaining(['fc1', 'fc2']));
    const text = formatSparseComparison(c);
    expect(text.split('\n')[0]).toBe('zero-tile skipping on edge-tiny (int8, batch 8): dense → sparse (saved)');
    expect(text).toMatch(/^layer +tiles skipped +cycles +DRAM bytes +energy µJ$/m);
    expect(text).toMatch(new RegExp(`^total +\\d+/\\d+ +${c.dense.cycles} → ${c.sparse.cycles} \\(\\d+\\.\\d %\\)`, 'm'));
    expect(text).toContain('outputs bit-identical');
  });
});

describe('dlp run --sparsity-report', () => {
  it('prints the comparison table', async () => {
    const r = await runDlp(['run', modelFile, '--hw', 'edge-tiny', '--batch', '8', '--weights', weightsFile, '--sparsity-report']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('zero-tile skipping on edge-tiny (int8, batch 8)');
    expect(r.out).toMatch(/^fc1 +\d+\/\d+ /m);
    expect(r.out).toContain('outputs bit-identical');
  });

  it('--json gives the numbers', async () => {
    const r = await runDlp(['run', modelFile, '--hw', 'edge-tiny', '--batch', '4', '--weights', weightsFile, '--sparsity-report', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { outputsIdentical: boolean; dense: { cycles: number }; sparse: { cycles: number } };
    expect(j.outputsIdentical).toBe(true);
    expect(j.sparse.cycles).toBeLessThan(j.dense.cycles);
  });
});

describe('dlp compile options', () => {
  it('--no-skip-zero-tiles compiles the dense program; the default says what it skipped', async () => {
    const a = join(dir, 'sparse.bundle');
    const b = join(dir, 'dense.bundle');
    const ra = await runDlp(['compile', modelFile, '--hw', 'edge-tiny', '--batch', '4', '--weights', weightsFile, '-o', a, '--explain']);
    const rb = await runDlp(['compile', modelFile, '--hw', 'edge-tiny', '--batch', '4', '--weights', weightsFile, '-o', b, '--no-skip-zero-tiles']);
    expect(ra.code).toBe(0);
    expect(rb.code).toBe(0);
    expect(ra.out).toMatch(/^skipped \d+ of \d+ weight tiles \(all zero\)$/m);
    expect(ra.out).toMatch(/^ {4}weight tiles: \d+ of \d+ all zero, LOAD and MATMUL skipped/m);
    expect(rb.out).not.toContain('skipped');
    expect(readBundle(a).estimate.skipZeroTiles).toBe(true);
    expect(readBundle(b).estimate.skipZeroTiles).toBe(false);
    expect(readBundle(a).estimate.cycles).toBeLessThan(readBundle(b).estimate.cycles);
  });

  it('--per-channel and --calibration reach the quantiser', async () => {
    const calib = makeInputs(16, 64, 5).map((v) => v * 3);
    const file = join(dir, 'calib.safetensors');
    writeFileSync(file, writeSafetensors({ x: { dtype: 'F32', shape: [16, 64], data: calib } }));
    const out = join(dir, 'pc.bundle');
    const r = await runDlp(['compile', modelFile, '--hw', 'dlp-s', '--weights', weightsFile, '--per-channel', '--calibration', file, '-o', out]);
    expect(r.err).toBe('');
    const q = readBundle(out).layout.quant;
    expect(q.perChannel).toBe(true);
    expect(q.layers[0]!.wScale).toHaveLength(48);
    let m = 0;
    for (const v of calib) m = Math.max(m, Math.abs(v));
    expect(q.inputScale).toBe(Math.fround(m / 127));
  });

  it('rejects --per-channel with fp32 and a calibration file of the wrong shape', async () => {
    const r1 = await runDlp(['compile', modelFile, '--dtype', 'fp32', '--per-channel', '-o', join(dir, 'x.bundle')]);
    expect(r1.code).not.toBe(0);
    expect(r1.err).toContain('--per-channel applies to int8 and int16, not fp32');
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, writeSafetensors({ x: { dtype: 'F32', shape: [2, 63], data: new Float32Array(126) } }));
    const r2 = await runDlp(['compile', modelFile, '--calibration', bad, '-o', join(dir, 'y.bundle')]);
    expect(r2.code).not.toBe(0);
    expect(r2.err).toContain(`${bad}: calibration tensor 'x' has shape [2, 63]; expected [rows, 64] with rows >= 1`);
  });
});

describe('parseCalibration', () => {
  const enc = (t: Parameters<typeof writeSafetensors>[0]) => writeSafetensors(t);
  const cases: [string, Uint8Array, string][] = [
    ['two tensors', enc({ a: { dtype: 'F32', shape: [1, 4], data: new Float32Array(4) }, b: { dtype: 'F32', shape: [1, 4], data: new Float32Array(4) } }),
      'c.safetensors: calibration file must hold exactly one tensor, found 2 (a, b)'],
    ['int tensor', enc({ x: { dtype: 'I8', shape: [1, 4], data: new Int8Array(4) } }), "c.safetensors: calibration tensor 'x' must be F32, got I8"],
    ['1-D tensor', enc({ x: { dtype: 'F32', shape: [4], data: new Float32Array(4) } }), "c.safetensors: calibration tensor 'x' has shape [4]; expected [rows, 4] with rows >= 1"],
    ['NaN', enc({ x: { dtype: 'F32', shape: [2, 4], data: Float32Array.from([0, 0, 0, 0, 0, NaN, 0, 0]) } }),
      "c.safetensors: calibration tensor 'x' holds a non-finite value at row 1, column 1"],
  ];
  for (const [name, bytes, msg] of cases) {
    it(`rejects ${name}`, () => expect(() => parseCalibration(bytes, 4, 'c.safetensors')).toThrow(msg));
  }
  it('returns the rows', () => {
    const data = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(parseCalibration(enc({ x: { dtype: 'F32', shape: [2, 4], data } }), 4))).toEqual(Array.from(data));
  });
});
