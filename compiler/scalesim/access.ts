// SCALE-Sim v2's SRAM access figures (BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv),
// in closed form. SCALE-Sim builds, per fold, a stall-free demand matrix for each operand (one
// row per cycle, one column per array edge port, -1 where nothing is requested): an operand
// block, padded to the array, sometimes flipped, with null prefix/suffix rows for preload and
// drain, and skewed (column j delayed j cycles) where the systolic pipeline staggers it. Its
// reads/writes are counted from the block shapes and its start/stop cycles are the first and
// last rows holding a request. Materialising those matrices costs O(cycles·R) per operand;
// the counts and row ranges below follow from the construction in O(1).
import type { Dataflow } from './config.js';

export type Operand = 'ifmap' | 'filter' | 'ofmap';

/** The cycles an array edge touches one SRAM and how many words it moves. */
export interface SramAccess {
  /** Cycle of the first and last demand row holding a request, as SCALE-Sim's memory system
   * services them stall-free: reads one cycle after the demand (SRAM hit latency 1), OFMAP
   * writes in the demand cycle. */
  startCycle: number;
  stopCycle: number;
  /** Reads (IFMAP, FILTER) or writes (OFMAP) SCALE-Sim counts. */
  count: number;
}

export interface ScaleSimAccess {
  ifmap: SramAccess;
  filter: SramAccess;
  ofmap: SramAccess;
  /** SCALE-Sim's "Avg … SRAM BW": count / Total Cycles, words per cycle. */
  avgIfmapSramBw: number;
  avgFilterSramBw: number;
  avgOfmapSramBw: number;
}

/** First and last row (0-based, inside one fold of R + C + T − 2 (OS) or 2R + C + T − 2 (WS,
 * IS) rows) that holds a request of `op`, for a fold using r array rows and c array columns.
 * Skewing a block of h rows over w ports spreads column j over rows [j, j + h − 1]; flipping a
 * padded block of R rows with r valid ones leaves them in rows [R − r, R − 1]. */
export function demandRowSpan(df: Dataflow, op: Operand, R: number, C: number, T: number, r: number, c: number): [number, number] {
  if (df === 'os') {
    // IFMAP: Kᵀ block T × r skewed over R ports; FILTER: T × c skewed over C ports;
    // OFMAP: T − 1 null rows, the flipped R × C result block, skewed over C ports.
    if (op === 'ifmap') return [0, T + r - 2];
    if (op === 'filter') return [0, T + c - 2];
    return [T - 1 + R - r, T + R + c - 3];
  }
  // WS holds the filter (IS the ifmap) as an unskewed flipped R × C block, preloaded first;
  // the other operand streams T rows after an R-cycle gap, skewed over R ports; the outputs
  // follow after 2R − 1 null rows, skewed over C ports.
  const held: Operand = df === 'ws' ? 'filter' : 'ifmap';
  if (op === held) return [R - r, R - 1];
  if (op === 'ofmap') return [2 * R - 1, 2 * R + T + c - 3];
  return [R, R + T + r - 2];
}

/** SCALE-Sim's read/write counts for an (m×k)·(k×n) GEMM: for every fold the demand block's
 * size, summed. The held operand is read once; a streamed one once per fold of the other
 * array dimension. OS adds R + C to the OFMAP writes of every fold: SCALE-Sim v2 counts the
 * flipped block's height plus width again after counting its elements. */
export function sramCounts(df: Dataflow, R: number, C: number, g: { m: number; n: number; k: number }): Record<Operand, number> {
  const { m, n, k } = g;
  if (df === 'os') {
    const rowFolds = Math.ceil(m / R), colFolds = Math.ceil(n / C);
    return { ifmap: colFolds * m * k, filter: rowFolds * k * n, ofmap: m * n + rowFolds * colFolds * (R + C) };
  }
  if (df === 'ws') {
    const rowFolds = Math.ceil(k / R), colFolds = Math.ceil(n / C);
    return { ifmap: colFolds * m * k, filter: k * n, ofmap: rowFolds * m * n };
  }
  const rowFolds = Math.ceil(k / R), colFolds = Math.ceil(m / C);
  return { ifmap: m * k, filter: colFolds * k * n, ofmap: rowFolds * m * n };
}

/** SCALE-Sim v2's SRAM figures for a GEMM on an R×C array with its stall-free schedule:
 * folds visited column folds outer, row folds inner, each `perFold` cycles long, so the
 * first request lies in fold 0 (r = min(R, Sr), c = min(C, Sc)) and the last in the final
 * fold (the remainders). `totalCycles` is SCALE-Sim's Total Cycles (folds·perFold − 1). */
export function scaleSimAccess(
  mfu: { rows: number; cols: number; dataflow: Dataflow },
  g: { m: number; n: number; k: number },
  totalCycles: number,
): ScaleSimAccess {
  const { rows: R, cols: C, dataflow: df } = mfu;
  const [sr, sc, t] = df === 'os' ? [g.m, g.n, g.k] : df === 'ws' ? [g.k, g.n, g.m] : [g.k, g.m, g.n];
  const rowFolds = Math.ceil(sr / R), colFolds = Math.ceil(sc / C);
  const perFold = df === 'os' ? R + C + t - 2 : 2 * R + C + t - 2;
  const lastOffset = (rowFolds * colFolds - 1) * perFold;
  const r0 = Math.min(R, sr), c0 = Math.min(C, sc);
  const rl = sr - (rowFolds - 1) * R, cl = sc - (colFolds - 1) * C;
  const counts = sramCounts(df, R, C, g);
  const access = (op: Operand): SramAccess => {
    const latency = op === 'ofmap' ? 0 : 1;
    return {
      startCycle: demandRowSpan(df, op, R, C, t, r0, c0)[0] + latency,
      stopCycle: lastOffset + demandRowSpan(df, op, R, C, t, rl, cl)[1] + latency,
      count: counts[op],
    };
  };
  return {
    ifmap: access('ifmap'),
    filter: access('filter'),
    ofmap: access('ofmap'),
    avgIfmapSramBw: counts.ifmap / totalCycles,
    avgFilterSramBw: counts.filter / totalCycles,
    avgOfmapSramBw: counts.ofmap / totalCycles,
  };
}
