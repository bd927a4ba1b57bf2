// Lab 05: the questions, and how the checker computes each answer from the simulator and
// the hardware config. Shared by the checker and the README's table (keep them in step).
import { peakMacsPerCycle, withParam, type HardwareConfig } from '../../isa/hardware.js';
import type { SimReport } from '../../simulator/index.js';
import { baseHardware, measureLayer } from './measure.js';

type Measure = (hw: HardwareConfig, batch: number) => SimReport;

export interface Question {
  id: string;
  text: string;
  /** Relative tolerance (0.01 = ±1 %). */
  tolerance: number;
  answer(measure: Measure): number;
}

export const BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
export const BANDWIDTHS = [2, 4, 8, 16, 32, 64, 128];
export const PE_COUNTS = [4, 8, 16, 32, 64, 128, 256];

/** First value of a sweep whose report says compute-bound (NaN if none). */
function firstComputeBound(values: number[], run: (v: number) => 'compute' | 'memory'): number {
  return values.find((v) => run(v) === 'compute') ?? NaN;
}

export const QUESTIONS: Question[] = [
  { id: 'q1', text: 'MACs of the layer at batch 1', tolerance: 0.001, answer: (measureLayer) => measureLayer(baseHardware(), 1).macs },
  { id: 'q2', text: 'compulsory DRAM bytes at batch 1 (report.compulsoryDramBytes)', tolerance: 0.01, answer: (measureLayer) => measureLayer(baseHardware(), 1).compulsoryDramBytes },
  {
    id: 'q3', text: 'arithmetic intensity at batch 1, MACs per compulsory DRAM byte', tolerance: 0.02,
    answer: (measureLayer) => { const r = measureLayer(baseHardware(), 1); return r.macs / r.compulsoryDramBytes; },
  },
  {
    id: 'q4', text: 'ridge point of dlp-s for int8: peak MACs per cycle / DRAM bytes per cycle', tolerance: 0.001,
    answer: (measureLayer) => { const hw = baseHardware(); return peakMacsPerCycle(hw, 'int8') / hw.dram.bytesPerCycle; },
  },
  {
    id: 'q5', text: `smallest batch in ${BATCHES.join(', ')} at which the layer is compute-bound on dlp-s (report.boundBy)`, tolerance: 0,
    answer: (measureLayer) => firstComputeBound(BATCHES, (b) => measureLayer(baseHardware(), b).boundBy),
  },
  {
    id: 'q6', text: `batch 16: smallest dram.bytesPerCycle in ${BANDWIDTHS.join(', ')} at which the layer is compute-bound`, tolerance: 0,
    answer: (measureLayer) => firstComputeBound(BANDWIDTHS, (bw) => measureLayer(withParam(baseHardware(), 'dram.bytesPerCycle', bw), 16).boundBy),
  },
  {
    id: 'q7', text: `batch 16: largest mfu.pes in ${PE_COUNTS.join(', ')} at which the layer is still compute-bound`, tolerance: 0,
    answer: (measureLayer) => {
      const bound = PE_COUNTS.filter((p) => measureLayer(withParam(baseHardware(), 'mfu.pes', p), 16).boundBy === 'compute');
      return bound.length ? Math.max(...bound) : NaN;
    },
  },
  { id: 'q8', text: 'simulated cycles at batch 256 on dlp-s', tolerance: 0.03, answer: (measureLayer) => measureLayer(baseHardware(), 256).cycles },
  { id: 'q9', text: 'cycles / roofline cycles at batch 256 on dlp-s (report.rooflineRatio)', tolerance: 0.03, answer: (measureLayer) => measureLayer(baseHardware(), 256).rooflineRatio },
];

/** Reports already measured in this process: a report is a pure function of (hw, batch), and
 * the questions (and repeated checks, as in the tests) share their points. */
const seen = new Map<string, SimReport>();

/** measureLayer with the process-wide memo. */
export function memoMeasure(): Measure {
  return (hw, batch) => {
    const key = `${JSON.stringify(hw)}|${batch}`;
    let r = seen.get(key);
    if (!r) seen.set(key, (r = measureLayer(hw, batch)));
    return r;
  };
}
