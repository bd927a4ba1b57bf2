// Zero-tile skipping: block-pruned models compile to fewer LOADs and MATMULs, stay exact
// against the reference MLP (bit-exact int8/int16, tolerance fp32) and bit-identical to the
// dense program, and cost fewer cycles, DRAM bytes and energy.
import { describe, expect, it } from 'vitest';
import { withParam, type HardwareConfig } from '../../../isa/hardware.js';
import { loadHardware } from '../../../isa/node.js';
import { compile } from '../../../compiler/pipeline.js';
import type { Activation } from '../../../compiler/model.js';
import type { ModelWeights } from '../../../compiler/model.js';
import { readOutputs, writeInputs, type Bundle } from '../../../compiler/bundle.js';
import { quantizeModel } from '../../../compiler/passes/quantize.js';
import { findZeroTiles, skipsAnyTile, tilePattern } from '../../../compiler/passes/sparsity.js';
import { hoistLoads } from '../../../compiler/passes/hoist.js';
import { generateProgram } from '../../../compiler/passes/codegen.js';
import { simulate } from '../../../simulator/index.js';
import { makeInputs, makeModel, makeWeights, referenceFor, runCompiled } from '../backend/helpers.js';
import { countOps, prunedWeights } from './helpers.js';

const relu: Activation = { kind: 'relu' };

function expectClose(got: Float32Array, want: Float32Array, dtype: string): void {
  expect(got.length).toBe(want.length);
  if (dtype !== 'fp32') {
    expect(Array.from(got)).toEqual(Array.from(want));
    return;
  }
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * Math.abs(want[i]!) + 1e-6);
}

function tinyBuffers(): HardwareConfig {
  let hw = withParam(loadHardware('edge-tiny'), 'nram.bytes', 2048);
  hw = withParam(hw, 'wram.bytes', 1024);
  return hw;
}

const model = makeModel(96, [[80, relu], [48, { kind: 'leaky', alpha: 0.1 }], [10, { kind: 'identity' }]], true);
const hws: [string, () => HardwareConfig][] = [
  ['dlp-s', () => loadHardware('dlp-s')],
  ['edge-tiny', () => loadHardware('edge-tiny')],
  ['systolic-16-os', () => loadHardware('systolic-16-os')],
  ['tiny buffers (NRAM 2 KiB, WRAM 1 KiB)', tinyBuffers],
];

/** The program codegen emits for `plans` from dense (no zero map) or sparse quantised weights. */
function programFor(b: Bundle, w: ModelWeights, hw: HardwareConfig, skip: boolean, x: Float32Array) {
  const q = findZeroTiles(quantizeModel(model, w, { dtype: b.dtype, calibration: x }), skip);
  const p = generateProgram(q, b.plans, hw).program;
  return { ...p, instrs: hoistLoads(p.instrs, hw) };
}

describe('90 % block-pruned MLP', () => {
  const w = prunedWeights(model, 4);
  const x = makeInputs(6, 96, 8);
  for (const [name, hwOf] of hws) {
    for (const dtype of ['int8', 'int16', 'fp32'] as const) {
      it(`${name} ${dtype}: exact against the reference, never costlier than dense`, () => {
        const hw = hwOf();
        const sparse = runCompiled(model, w, hw, x, { dtype, batch: 6 });
        const dense = runCompiled(model, w, hw, x, { dtype, batch: 6, skipZeroTiles: false });
        expectClose(sparse.out, referenceFor(sparse.bundle, model, w, x, 6), dtype);
        expectClose(dense.out, referenceFor(dense.bundle, model, w, x, 6), dtype);
        // Integer outputs do not depend on the schedule at all.
        if (dtype !== 'fp32') expect(Array.from(sparse.out)).toEqual(Array.from(dense.out));
        expect(Object.values(dense.bundle.estimate.tiles).every((t) => t.skipped === 0)).toBe(true);
        const skipped = Object.values(sparse.bundle.estimate.tiles).reduce((a, t) => a + t.skipped, 0);
        if (name === 'dlp-s') {
          // Everything fits on chip: fusing whole layers beats any tiling, so nothing is skipped.
          expect(skipped).toBe(0);
          expect(sparse.report.cycles).toBe(dense.report.cycles);
          return;
        }
        expect(skipped).toBeGreaterThan(0);
        expect(sparse.report.cycles).toBeLessThan(dense.report.cycles);
        expect(sparse.report.dramReadBytes).toBeLessThan(dense.report.dramReadBytes);
        expect(sparse.report.energy.totalJoules).toBeLessThan(dense.report.energy.totalJoules);
      });
    }
  }

  it('on one schedule, skipping drops MATMULs and weight LOADs and keeps the bits', () => {
    for (const hw of [loadHardware('edge-tiny'), tinyBuffers()]) {
      const sparse = runCompiled(model, w, hw, x, { dtype: 'int8', batch: 6 });
      const sp = programFor(sparse.bundle, w, hw, true, x);
      const dp = programFor(sparse.bundle, w, hw, false, x);
      expect(sp.instrs).toEqual(sparse.bundle.program.instrs);
      const mm = countOps(dp, 'MATMUL') - countOps(sp, 'MATMUL');
      const ld = countOps(dp, 'LOAD') - countOps(sp, 'LOAD');
      // fc1 and fc2 stream weight tiles (wMode 'tile'): one MATMUL and one weight LOAD per tile
      // and row block, and the all-zero column blocks keep one 1-deep MATMUL + a 1-row LOAD.
      const t = sparse.bundle.estimate.tiles;
      const rowBlocks = (l: number) => Math.ceil(6 / sparse.bundle.plans.segments[l]!.m);
      const expected = (t.fc1!.skipped - t.fc1!.zeroBlocks) * rowBlocks(0) + (t.fc2!.skipped - t.fc2!.zeroBlocks) * rowBlocks(1);
      expect(sparse.bundle.plans.segments.slice(0, 2).map((g) => g.layers[0]!.wMode)).toEqual(['tile', 'tile']);
      expect(mm).toBe(expected);
      expect(ld).toBeGreaterThanOrEqual(expected);
      const dram = sparse.bundle.image.slice();
      writeInputs(sparse.bundle, dram, x);
      const denseOut = readOutputs(sparse.bundle, simulate({ ...sparse.bundle.program, instrs: dp.instrs }, hw, { dram }).dram);
      expect(Array.from(denseOut)).toEqual(Array.from(sparse.out));
    }
  });

  it('per-channel int8 and int16 with zero column blocks stay exact', () => {
    for (const dtype of ['int8', 'int16'] as const) {
      const hw = loadHardware('edge-tiny');
      const sparse = runCompiled(model, w, hw, x, { dtype, batch: 6, perChannel: true });
      expectClose(sparse.out, referenceFor(sparse.bundle, model, w, x, 6), dtype);
      expect(Object.values(sparse.bundle.estimate.tiles).some((t) => t.skipped > 0)).toBe(true);
    }
  });

  it('the naive schedule skips too and stays exact', () => {
    const hw = loadHardware('edge-tiny');
    const sparse = runCompiled(model, w, hw, x, { dtype: 'int8', batch: 6, schedule: 'naive' });
    const dense = runCompiled(model, w, hw, x, { dtype: 'int8', batch: 6, schedule: 'naive', skipZeroTiles: false });
    expectClose(sparse.out, referenceFor(sparse.bundle, model, w, x, 6), 'int8');
    expect(countOps(sparse.bundle.program, 'MATMUL')).toBeLessThan(countOps(dense.bundle.program, 'MATMUL'));
    expect(sparse.report.cycles).toBeLessThan(dense.report.cycles);
  });

  it('the cost model predicts the sparse program within 12 % (batch 6: fixed overheads dominate)', () => {
    for (const [, hwOf] of hws.slice(1)) {
      const sparse = runCompiled(model, w, hwOf(), x, { dtype: 'int8', batch: 6 });
      expect(Math.abs(sparse.bundle.estimate.cycles - sparse.report.cycles) / sparse.report.cycles).toBeLessThan(0.12);
    }
  });
});

describe('all-zero weights', () => {
  it('a fully zero hidden layer outputs f(bias) exactly, one 1-deep MATMUL per column block', () => {
    const m = makeModel(40, [[24, relu], [16, { kind: 'sigmoid' }], [6, { kind: 'identity' }]], false);
    const w = makeWeights(m, 6);
    w[1]!.w.fill(0);
    const x = makeInputs(5, 40, 3);
    for (const dtype of ['int8', 'int16', 'fp32'] as const) {
      for (const hw of [loadHardware('dlp-s'), tinyBuffers()]) {
        const { bundle, out } = runCompiled(m, w, hw, x, { dtype, batch: 5 });
        expectClose(out, referenceFor(bundle, m, w, x, 5), dtype);
        const t = bundle.estimate.tiles.fc2!;
        expect(t.skipped).toBe(t.tiles);
        expect(t.zeroBlocks).toBeGreaterThan(0);
        const mm = bundle.program.instrs.filter((i) => i.op === 'MATMUL' && i.layer === 2);
        expect(mm.length).toBeGreaterThan(0);
        expect(mm.every((i) => i.op === 'MATMUL' && i.k === 1 && i.acc === 0)).toBe(true);
      }
    }
  });

  it('a fully zero model is still exact (bias and softmax only)', () => {
    const m = makeModel(12, [[8, relu], [4, { kind: 'identity' }]], true);
    const w = makeWeights(m, 2);
    for (const lw of w) lw.w.fill(0);
    const x = makeInputs(3, 12, 1);
    const { bundle, out } = runCompiled(m, w, loadHardware('edge-tiny'), x, { dtype: 'int8', batch: 3 });
    expectClose(out, referenceFor(bundle, m, w, x, 3), 'int8');
  });
});

describe('quantised zeros', () => {
  const m = makeModel(32, [[32, relu], [4, { kind: 'identity' }]], false);
  const w = makeWeights(m, 9);
  // Rows 8..31 of layer 1 are tiny: they quantise to 0 in int8 (and int16) but not in fp32.
  for (let i = 8 * 32; i < 32 * 32; i++) w[0]!.w[i] = w[0]!.w[i]! * 1e-6;
  const x = makeInputs(4, 32, 2);
  const hw = withParam(withParam(loadHardware('edge-tiny'), 'wram.bytes', 256), 'nram.bytes', 4096);

  it('int8: tiles of weights that quantise to zero are skipped, output still equals the reference', () => {
    const { bundle, out } = runCompiled(m, w, hw, x, { dtype: 'int8', batch: 4 });
    expect(bundle.estimate.tiles.fc1!.skipped).toBeGreaterThan(0);
    expectClose(out, referenceFor(bundle, m, w, x, 4), 'int8');
  });

  it('fp32: tiny nonzero weights are kept', () => {
    const b = compile(m, w, hw, { dtype: 'fp32', batch: 4 });
    expect(b.estimate.tiles.fc1!.skipped).toBe(0);
  });
});

describe('skipZeroTiles option', () => {
  it('records skipping in the estimate and rejects non-booleans', () => {
    const w = prunedWeights(model, 4);
    const hw = loadHardware('edge-tiny');
    expect(compile(model, w, hw, { batch: 2 }).estimate.skipZeroTiles).toBe(true);
    expect(compile(model, w, hw, { batch: 2, skipZeroTiles: false }).estimate.skipZeroTiles).toBe(false);
    expect(() => compile(model, w, hw, { skipZeroTiles: 'no' as unknown as boolean })).toThrow("skipZeroTiles must be true or false, got 'no'");
  });

  it('dense weights compile to the same program either way', () => {
    const w = makeWeights(model, 1);
    const hw = loadHardware('dlp-s');
    const a = compile(model, w, hw, { batch: 4 });
    const b = compile(model, w, hw, { batch: 4, skipZeroTiles: false });
    expect(a.program.instrs).toEqual(b.program.instrs);
  });
});

describe('skipsAnyTile', () => {
  it('answers tilePattern(L, k, n).skipped > 0 for every tile size, before and after the pattern is memoised', () => {
    let skipping = 0, dense = 0;
    for (const [sparsity, block] of [[0.9, 8], [0.5, 3], [0.2, 1]] as const) {
      const fresh = () => findZeroTiles(quantizeModel(model, prunedWeights(model, 5, sparsity, block), { dtype: 'int8' }), true);
      const counted = fresh(), built = fresh();
      for (let l = 0; l < model.layers.length; l++) {
        const a = counted.layers[l]!, b = built.layers[l]!;
        for (let k = 1; k <= a.K; k += k < 12 ? 1 : 7) {
          for (let n = 1; n <= a.N; n += n < 12 ? 1 : 5) {
            const want = tilePattern(b, k, n).skipped > 0;
            expect(skipsAnyTile(a, k, n)).toBe(want);
            expect(skipsAnyTile(b, k, n)).toBe(want);
            if (want) skipping++;
            else dense++;
          }
        }
      }
    }
    expect(skipping).toBeGreaterThan(100);
    expect(dense).toBeGreaterThan(100);
  });
});
