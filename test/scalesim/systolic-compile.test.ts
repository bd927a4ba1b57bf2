// The systolic MFU changes timing only: compiled MLPs give bit-identical outputs on the
// adder-tree and on systolic arrays of every dataflow, with different cycle counts, and the
// tuned schedule on a systolic array stays close to SCALE-Sim's stall-free floor.
import { describe, expect, it } from 'vitest';
import { withParam } from '../../isa/hardware.js';
import { loadHardware } from '../../isa/node.js';
import { systolicFolds } from '../../isa/timing.js';
import { makeInputs, makeModel, makeWeights, runCompiled } from '../compiler/backend/helpers.js';
import type { Activation } from '../../compiler/model.js';

const relu: Activation = { kind: 'relu' };
const hardware = () => [
  loadHardware('dlp-s'),
  loadHardware('systolic-32-ws'),
  loadHardware('systolic-16-os'),
  withParam(loadHardware('systolic-16-os'), 'mfu.dataflow', 'is'),
  withParam(withParam(loadHardware('systolic-32-ws'), 'mfu.rows', 8), 'mfu.cols', 24),
];

describe('adder tree and systolic MFUs', () => {
  it.each([
    ['37-53-91-10 softmax, batch 5', makeModel(37, [[53, relu], [91, { kind: 'leaky', alpha: 0.1 }], [10, { kind: 'identity' }]], true), 5],
    ['course MNIST 784-32-16-10, batch 20', makeModel(784, [[32, relu], [16, relu], [10, { kind: 'identity' }]], true), 20],
  ] as const)('%s: identical int8 outputs, different cycles', (_, model, batch) => {
    const w = makeWeights(model, 4);
    const x = makeInputs(batch, model.inputSize, 8);
    const runs = hardware().map((hw) => runCompiled(model, w, hw, x, { dtype: 'int8', batch }));
    const first = Array.from(runs[0]!.out);
    for (const r of runs.slice(1)) expect(Array.from(r.out)).toEqual(first);
    expect(new Set(runs.map((r) => r.report.cycles)).size).toBe(runs.length);
    expect(runs[0]!.report.systolic).toBeUndefined();
    for (const r of runs.slice(1)) expect(r.report.systolic!.folds).toBeGreaterThan(0);
  });

  it.each(['systolic-32-ws', 'systolic-16-os'])('%s: tuned MNIST 784-128-64-10 (batch 100) within 1.5× of the stall-free floor', (preset) => {
    const hw = loadHardware(preset);
    const model = makeModel(784, [[128, relu], [64, relu], [10, { kind: 'identity' }]], true);
    const { report } = runCompiled(model, makeWeights(model, 1), hw, makeInputs(100, 784, 3), { dtype: 'int8', batch: 100 });
    if (hw.mfu.kind !== 'systolic') throw new Error('expected a systolic preset');
    // The floor: every layer as one untiled GEMM on the array, SCALE-Sim's folds·perFold.
    const floor = [[784, 128], [128, 64], [64, 10]].reduce((a, [k, n]) => {
      const f = systolicFolds(hw.mfu as { rows: number; cols: number; dataflow: 'os' | 'ws' | 'is' }, 100, k!, n!);
      return a + f.folds * f.perFold;
    }, 0);
    expect(report.cycles).toBeGreaterThanOrEqual(floor);
    expect(report.cycles).toBeLessThanOrEqual(1.5 * floor);
  });
});
