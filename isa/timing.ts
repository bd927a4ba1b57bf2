// Cost formulas of the DLP, shared by the simulator's event model and the compiler's cost
// model: one definition, so a tile the compiler believes takes N cycles takes N cycles in the
// simulator when nothing else interferes. Every formula is derived from the hardware structure
// in docs/simulator.md; all results are whole cycles >= 1.
import type { HardwareConfig } from './hardware.js';
import type { ActFunc } from './spec.js';

/** ⌈log2 x⌉ for x >= 1 (0 for x = 1): depth of a binary tree over x leaves. */
export function ceilLog2(x: number): number {
  return x <= 1 ? 0 : Math.ceil(Math.log2(x));
}

const cdiv = (a: number, b: number): number => Math.ceil(a / b);

// ---- DRAM -----------------------------------------------------------------------------------

/** Bytes a strided transfer occupies on the DRAM channel: every row is rounded up to whole
 * bursts (a row shorter than a burst still costs one). Rows that sit back to back in DRAM
 * (stride equal to the row length, or a single row) form one contiguous run. */
export function dmaBurstBytes(hw: HardwareConfig, rows: number, rowBytes: number, stride?: number): number {
  const burst = hw.dram.burstBytes;
  if (rows === 1 || stride === rowBytes) return cdiv(rows * rowBytes, burst) * burst;
  return rows * cdiv(rowBytes, burst) * burst;
}

/** Cycles the shared DRAM channel is occupied by a transfer: burst bytes / bandwidth. */
export function dmaTransferCycles(hw: HardwareConfig, rows: number, rowBytes: number, stride?: number): number {
  return Math.max(1, cdiv(dmaBurstBytes(hw, rows, rowBytes, stride), hw.dram.bytesPerCycle));
}

/** Cycles of one LOAD or STORE on an idle machine: the access latency (paid once per
 * instruction, not holding the channel) plus the channel transfer. */
export function dmaCycles(hw: HardwareConfig, rows: number, rowBytes: number, stride?: number): number {
  return hw.dram.latencyCycles + dmaTransferCycles(hw, rows, rowBytes, stride);
}

// ---- MFU ------------------------------------------------------------------------------------

export type MatmulDType = 'int8' | 'int16' | 'fp32';

/** SCALE-Sim v2 stall-free mapping of one GEMM onto an R×C systolic array. */
export interface SystolicFolds {
  /** Spatial rows / columns and temporal length: (m, n, k) for OS, (k, n, m) for WS, (k, m, n) for IS. */
  sr: number;
  sc: number;
  t: number;
  /** ⌈Sr/R⌉·⌈Sc/C⌉. */
  folds: number;
  /** R + C + T − 2 (OS) or 2R + C + T − 2 (WS, IS): fill, stream T operands, drain. */
  perFold: number;
  /** Fraction of PEs mapped, averaged over folds: Sr·Sc / (folds·R·C) (SCALE-Sim's definition). */
  mappingEfficiency: number;
  /** SCALE-Sim's "Total Cycles" for the GEMM: folds·perFold − 1. */
  scaleSimCycles: number;
}

/** Folds and cycles per fold of an m×k·k×n GEMM on a systolic MFU (SCALE-Sim v2 formulas);
 * `swap` maps the transposed product (see matmulCycles). */
export function systolicFolds(
  mfu: { rows: number; cols: number; dataflow: 'os' | 'ws' | 'is' },
  m: number, k: number, n: number, swap = false,
): SystolicFolds {
  if (swap) {
    const x = m;
    m = n;
    n = x;
  }
  const { rows: R, cols: C, dataflow } = mfu;
  const sr = spatialRows(dataflow, m, k);
  const sc = spatialCols(dataflow, m, n);
  const t = temporalLength(dataflow, m, k, n);
  const folds = cdiv(sr, R) * cdiv(sc, C);
  const perFold = foldCycles(R, C, dataflow, t);
  return { sr, sc, t, folds, perFold, mappingEfficiency: (sr * sc) / (folds * R * C), scaleSimCycles: folds * perFold - 1 };
}

// SystolicFolds' Sr, Sc, T and perFold, one function each, so that matmulCycles (which runs
// for every tile a search costs, mostly before V8 optimises it) builds no SystolicFolds.
type Dataflow = 'os' | 'ws' | 'is';
const spatialRows = (df: Dataflow, m: number, k: number): number => (df === 'os' ? m : k);
const spatialCols = (df: Dataflow, m: number, n: number): number => (df === 'is' ? m : n);
const temporalLength = (df: Dataflow, m: number, k: number, n: number): number => (df === 'os' ? k : df === 'ws' ? m : n);
const foldCycles = (R: number, C: number, df: Dataflow, t: number): number => (df === 'os' ? R + C + t - 2 : 2 * R + C + t - 2);

/** Pipeline fill of the adder-tree MFU: one multiplier stage, ⌈log2 N⌉ adder-tree levels
 * inside each PE and ⌈log2 M⌉ H-tree levels distributing operands to the M PEs. */
export function adderTreeFillCycles(pes: number, lanes: number): number {
  return 1 + ceilLog2(lanes) + ceilLog2(pes);
}

/** Cycles of one MATMUL of m×k·k×n.
 * Adder tree (M PEs × N lanes): each cycle every PE reduces N products of one input row
 * against its own output column, so the tile needs m·⌈k/N⌉·⌈n/M⌉ passes, each taking
 * `mfuRate[dtype]` cycles, plus the pipeline fill.
 * Systolic (R×C): folds·perFold (SCALE-Sim v2 stall-free) times `mfuRate[dtype]`.
 * `swap` (the MATMUL flag) maps the transposed product outᵀ = wᵀ·inᵀ instead: the roles of
 * m and n trade places (on a weight-stationary array the in tile is held and w streams, i.e.
 * the input-stationary mapping), so it costs what an n×k·k×m tile costs. */
export function matmulCycles(hw: HardwareConfig, m: number, k: number, n: number, dtype: MatmulDType, swap = false): number {
  const rate = hw.mfuRate[dtype];
  const mfu = hw.mfu;
  if (mfu.kind === 'adder-tree') {
    const rowsIn = swap ? n : m;
    const colsOut = swap ? m : n;
    return rowsIn * cdiv(k, mfu.lanes) * cdiv(colsOut, mfu.pes) * rate + adderTreeFillCycles(mfu.pes, mfu.lanes);
  }
  // systolicFolds(mfu, m, k, n, swap).folds · perFold · rate, without its object.
  const a = swap ? n : m;
  const b = swap ? m : n;
  const { rows: R, cols: C, dataflow: df } = mfu;
  return cdiv(spatialRows(df, a, k), R) * cdiv(spatialCols(df, a, b), C) * foldCycles(R, C, df, temporalLength(df, a, k, b)) * rate;
}

/** The cheaper mapping of an m×k·k×n tile (direct or swapped; ties keep the direct one). A
 * weight-stationary array fills and drains per fold and then streams T = m rows, so few batch
 * rows waste most of each fold; swapped, T = n output columns stream instead. */
export function bestMatmulMapping(hw: HardwareConfig, m: number, k: number, n: number, dtype: MatmulDType): { swap: boolean; cycles: number } {
  const direct = matmulCycles(hw, m, k, n, dtype);
  if (m === n) return { swap: false, cycles: direct };
  const swapped = matmulCycles(hw, m, k, n, dtype, true);
  return swapped < direct ? { swap: true, cycles: swapped } : { swap: false, cycles: direct };
}

// ---- VFU ------------------------------------------------------------------------------------

/** Latency class of an activation: cheap (add, compare, multiply-shift) or dear
 * (transcendental: exp-based). */
export function actLatencyClass(func: ActFunc): 'cheap' | 'dear' {
  return func === 'elu' || func === 'sigmoid' || func === 'tanh' || func === 'softmax' ? 'dear' : 'cheap';
}

/** VFU operations per element (for energy): one fused bias/activation/requantise pass, or four
 * for softmax (max, exp, sum, divide). */
export function actOpsPerElement(func: ActFunc): number {
  return func === 'softmax' ? 4 : 1;
}

/** Cycles of one ACT over rows×cols elements on a V-lane VFU. Each row is processed as
 * ⌈cols/V⌉ vectors; bias, activation and requantisation are fused into one pipelined pass
 * costing `cheapCycles` or `dearCycles` per vector. Softmax makes four passes per row
 * (max: cheap, exp: dear, sum: cheap, divide: dear) plus two ⌈log2 V⌉ cross-lane
 * reductions (max and sum). A startup latency fills the pipeline once per instruction. */
export function actCycles(hw: HardwareConfig, rows: number, cols: number, func: ActFunc): number {
  const { lanes, cheapCycles, dearCycles, startupCycles } = hw.vfu;
  const vectors = cdiv(cols, lanes);
  if (func === 'softmax') {
    return startupCycles + rows * (vectors * (2 * cheapCycles + 2 * dearCycles) + 2 * ceilLog2(lanes));
  }
  const per = actLatencyClass(func) === 'dear' ? dearCycles : cheapCycles;
  return Math.max(1, startupCycles + rows * vectors * per);
}

