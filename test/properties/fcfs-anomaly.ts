// The shrunk counterexample of the flaky property 3 (issue #15), kept in one place: the
// regression list replays it and timing.test.ts pins the anomaly it shows.
import type { PropCase } from './case.js';

/** The shrunk counterexample of DLP_SEED=-140776377 (issue #15): 1→63→1 int16, every weight
 * of layer 1 zero, on a 16×8 adder tree with queue depth 1 and 1 B/cycle DRAM. */
export const FCFS_ANOMALY: PropCase = {
  inputSize: 1,
  layers: [
    { units: 63, activation: { kind: 'leaky', alpha: 0 }, weights: { seed: 0, dist: 'signs', scale: 1, biasScale: 1, zeroTiles: { rows: 1, cols: 1, keep: 0 } } },
    { units: 1, activation: { kind: 'sigmoid' }, weights: { seed: 0, dist: 'uniform', scale: 1, biasScale: 0 } },
  ],
  softmax: false,
  dtype: 'int16',
  batch: 1,
  rows: 1,
  perChannel: true,
  schedule: 'tuned',
  calibration: 'inputs',
  inputs: { seed: 0, dist: 'uniform', scale: 1 },
  hw: {
    base: 'dlp-s',
    mfu: { kind: 'adder-tree', pes: 16, lanes: 8 },
    mfuRate: { int8: 1, int16: 4, fp32: 1 },
    nramBytes: 640,
    wramBytes: 4096,
    dram: { bytesPerCycle: 1, latencyCycles: 40, burstBytes: 1 },
    vfu: { lanes: 1, cheapCycles: 2, dearCycles: 1, startupCycles: 15 },
    queues: { load: 1, compute: 1, store: 1 },
  },
};
