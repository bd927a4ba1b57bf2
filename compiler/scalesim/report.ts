// SCALE-Sim's per-layer figures, computed with its definitions and in its order of floating
// point operations (so the printed percentages match its COMPUTE_REPORT.csv digit for digit),
// and the COMPUTE_REPORT.csv writer that puts dlpkit's own simulated figures beside them.
import { systolicFolds, type SystolicFolds } from '../../isa/timing.js';
import type { ScaleSimAccess } from './access.js';
import type { Dataflow } from './config.js';
import type { ScaleSimMemoryFigures } from './memory.js';

export interface ScaleSimFigures extends SystolicFolds {
  /** M·N·K. */
  macs: number;
  /** SCALE-Sim's "Total Cycles": folds·perFold − 1 without stalls (scaleSimFigures); with its
   * memory model (user-mode.ts) the cycle the last demand row's writes were served. */
  totalCycles: number;
  /** 0 in CALC mode (SCALE-Sim's stall-free compute timing); in USER mode the cycles its
   * memory model stalled the array (user-mode.ts). */
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
  /** USER mode only: SCALE-Sim's DRAM figures and v3's Total Cycles (incl. prefetch). */
  memory?: ScaleSimMemoryFigures;
  dlp: DlpFigures;
}

/** Python's str(float): the shortest round-trip digits (as JavaScript's), whole numbers keep
 * a trailing '.0', and exponents (below 1e-4 or from 1e16 on, where Python switches) are
 * written with a sign and at least two digits. */
export function formatPyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mant, exp] = x.toExponential().split('e') as [string, string];
    const e = Number(exp);
    return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(x);
  return Number.isInteger(x) ? `${Object.is(x, -0) ? '-' : ''}${s}.0` : s;
}

export const COMPUTE_REPORT_COLUMNS = [
  'LayerID', 'Total Cycles', 'Stall Cycles', 'Overall Util %', 'Mapping Efficiency %', 'Compute Util %',
  'Layer', 'M', 'N', 'K', 'DLP Cycles', 'DLP MFU Util %', 'DLP DRAM Bytes', 'DLP Energy uJ', 'DLP Roofline Ratio', 'DLP Bound',
] as const;

/** COMPUTE_REPORT.csv in SCALE-Sim's layout (', ' separators, a trailing comma on every row):
 * its six columns first (seven for a v3 config: "Total Cycles (incl. prefetch)" after LayerID),
 * then the layer's name and shape and dlpkit's simulated figures. */
export function formatComputeReport(rows: readonly ComputeReportRow[], version: 'v2' | 'v3' = 'v2'): string {
  const v3 = version === 'v3';
  const columns = v3 ? [COMPUTE_REPORT_COLUMNS[0], 'Total Cycles (incl. prefetch)', ...COMPUTE_REPORT_COLUMNS.slice(1)] : COMPUTE_REPORT_COLUMNS;
  const lines = [`${columns.join(', ')},`];
  rows.forEach((r, id) => {
    const s = r.scaleSim;
    if (v3 && !r.memory) throw new Error('internal: a v3 report needs the USER-mode memory figures');
    const cells = [
      String(id), ...(v3 ? [String(r.memory!.totalCyclesInclPrefetch)] : []), String(s.totalCycles), String(s.stallCycles), formatPyFloat(s.overallUtil),
      formatPyFloat(s.mappingEfficiencyPct), formatPyFloat(s.computeUtil),
      r.name, String(r.m), String(r.n), String(r.k),
      String(r.dlp.cycles), (r.dlp.mfuUtilization * 100).toFixed(2), String(r.dlp.dramBytes),
      (r.dlp.energyJoules * 1e6).toFixed(3), r.dlp.rooflineRatio.toFixed(3), r.dlp.boundBy,
    ];
    lines.push(`${cells.join(', ')},`);
  });
  return `${lines.join('\n')}\n`;
}
