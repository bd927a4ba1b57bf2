// SCALE-Sim's per-layer figures, computed with its definitions and in its order of floating
// point operations (so the printed percentages match its COMPUTE_REPORT.csv digit for digit),
// and the COMPUTE_REPORT.csv writer that puts dlpkit's own simulated figures beside them.
import { systolicFolds, type SystolicFolds } from '../../isa/timing.js';
import type { ScaleSimAccess } from './access.js';
import type { Dataflow } from './config.js';

export interface ScaleSimFigures extends SystolicFolds {
  /** M·N·K. */
  macs: number;
  /** SCALE-Sim's "Total Cycles": folds·perFold − 1 (its stall-free compute model). */
  totalCycles: number;
  /** Always 0: dlpkit reproduces SCALE-Sim's stall-free compute timing, not its SRAM model. */
  stallCycles: number;
  /** Percentages, 0–100, as SCALE-Sim prints them. */
  overallUtil: number;
  mappingEfficiencyPct: number;
  computeUtil: number;
}

/** Cycles SCALE-Sim divides by in one fold's compute utilisation: the length of the operand
 * demand matrix it measures (+ its width − 1). For OS this is the fold itself, R + C + T − 2;
 * for WS and IS the measured matrix also holds the R-cycle preload, giving 2R + 2C + T − 3. */
export function computeUtilFoldCycles(rows: number, cols: number, t: number, dataflow: Dataflow): number {
  return dataflow === 'os' ? rows + cols + t - 2 : 2 * rows + 2 * cols + t - 3;
}

/** SCALE-Sim v2's figures for an (m×k)·(k×n) GEMM on an R×C array. Mapping efficiency and
 * compute utilisation are averages over folds (column folds outer, row folds inner), each
 * fold using min(R, rows left)·min(C, cols left) PEs for T cycles. */
export function scaleSimFigures(mfu: { rows: number; cols: number; dataflow: Dataflow }, g: { m: number; n: number; k: number }): ScaleSimFigures {
  const f = systolicFolds(mfu, g.m, g.k, g.n);
  const { rows: R, cols: C } = mfu;
  const rowFolds = Math.ceil(f.sr / R);
  const colFolds = Math.ceil(f.sc / C);
  const cyc = computeUtilFoldCycles(R, C, f.t, mfu.dataflow);
  let mapSum = 0;
  let utilSum = 0;
  for (let fc = 0; fc < colFolds; fc++) {
    const colUsed = Math.min(C, f.sc - fc * C);
    for (let fr = 0; fr < rowFolds; fr++) {
      const used = Math.min(R, f.sr - fr * R) * colUsed;
      mapSum += used / (R * C);
      utilSum += (used * f.t) / (R * C * cyc);
    }
  }
  const macs = g.m * g.n * g.k;
  return {
    ...f,
    macs,
    totalCycles: f.scaleSimCycles,
    stallCycles: 0,
    overallUtil: (macs * 100) / (f.scaleSimCycles * R * C),
    mappingEfficiencyPct: (mapSum / f.folds) * 100,
    computeUtil: (utilSum / f.folds) * 100,
  };
}

/** dlpkit's simulated figures for one GEMM. */
export interface DlpFigures {
  cycles: number;
  mfuUtilization: number;
  /** dramReadBytes + dramWriteBytes. */
  dramBytes: number;
  dramReadBytes: number;
  dramWriteBytes: number;
  energyJoules: number;
  rooflineRatio: number;
  boundBy: 'compute' | 'memory';
}

export interface ComputeReportRow {
  name: string;
  m: number;
  n: number;
  k: number;
  scaleSim: ScaleSimFigures;
  /** SCALE-Sim's SRAM access figures (BANDWIDTH_REPORT.csv, DETAILED_ACCESS_REPORT.csv). */
  access: ScaleSimAccess;
  dlp: DlpFigures;
}

/** Python's str(float): the shortest round-trip digits (as JavaScript's), but whole numbers
 * keep a trailing '.0'. */
export function formatPyFloat(x: number): string {
  const s = String(x);
  return Number.isInteger(x) && !s.includes('e') ? `${s}.0` : s;
}

export const COMPUTE_REPORT_COLUMNS = [
  'LayerID', 'Total Cycles', 'Stall Cycles', 'Overall Util %', 'Mapping Efficiency %', 'Compute Util %',
  'Layer', 'M', 'N', 'K', 'DLP Cycles', 'DLP MFU Util %', 'DLP DRAM Bytes', 'DLP Energy uJ', 'DLP Roofline Ratio', 'DLP Bound',
] as const;

/** COMPUTE_REPORT.csv in SCALE-Sim's layout (', ' separators, a trailing comma on every row):
 * its six columns first, then the layer's name and shape and dlpkit's simulated figures. */
export function formatComputeReport(rows: readonly ComputeReportRow[]): string {
  const lines = [`${COMPUTE_REPORT_COLUMNS.join(', ')},`];
  rows.forEach((r, id) => {
    const s = r.scaleSim;
    const cells = [
      String(id), String(s.totalCycles), String(s.stallCycles), formatPyFloat(s.overallUtil),
      formatPyFloat(s.mappingEfficiencyPct), formatPyFloat(s.computeUtil),
      r.name, String(r.m), String(r.n), String(r.k),
      String(r.dlp.cycles), (r.dlp.mfuUtilization * 100).toFixed(2), String(r.dlp.dramBytes),
      (r.dlp.energyJoules * 1e6).toFixed(3), r.dlp.rooflineRatio.toFixed(3), r.dlp.boundBy,
    ];
    lines.push(`${cells.join(', ')},`);
  });
  return `${lines.join('\n')}\n`;
}
