// Messages between the page and the simulation worker. Everything is plain data (structured
// clone), so the worker owns the compiler and simulator and the page only draws.
import type { SimReport } from '../../simulator/index.js';

export type SourceKind = 'mlp' | 'dlps';

/** What the URL holds and the worker runs: the source, the machine and the run options. */
export interface PlaygroundState {
  kind: SourceKind;
  text: string;
  preset: string;
  /** Hardware overrides by dotted path (e.g. `dram.bytesPerCycle`), applied to the preset. */
  params: Record<string, number>;
  batch: number;
  dtype: 'int8' | 'int16' | 'fp32';
  seed: number;
}

export interface SourceError { message: string; line?: number; column?: number }

/** One instruction's timing and on-chip footprint, for the timeline and the step-through. */
/** NRAM/WRAM bytes in use after each instruction, and coarse maps of where (step-through). */
export interface Occupancy {
  nram: Int32Array;
  wram: Int32Array;
  /** instrs × MAP_CELLS bytes per space, row i = the map after instruction i. */
  nramMap: Uint8Array;
  wramMap: Uint8Array;
}

export interface InstrInfo {
  text: string;
  unit: string;
  layer: string;
  dispatch: number;
  start: number;
  end: number;
  /** On-chip bytes written by this instruction: [space, start, rows, rowBytes, pitch]. */
  writes: [space: 'nram' | 'wram', start: number, rows: number, rowBytes: number, pitch: number][];
}

export interface RunResult {
  report: SimReport;
  /** Chrome/Perfetto trace JSON text, ready to download. */
  traceJson: string;
  instrs: InstrInfo[];
  units: string[];
  nramBytes: number;
  wramBytes: number;
  /** NRAM/WRAM bytes holding data after each instruction (step-through). */
  occupancy: Occupancy;
  peakMacsPerCycle: number;
  dramBytesPerCycle: number;
  /** Compiler's own estimate (models only). */
  estimatedCycles?: number;
  compileMs: number;
  simulateMs: number;
}

export interface DigitResult { probabilities: number[]; digit: number; cycles: number; report: SimReport }

export type Request =
  | { type: 'run'; id: number; state: PlaygroundState }
  | { type: 'digit'; id: number; pixels: Float32Array };

export type Response =
  | { type: 'run'; id: number; ok: true; result: RunResult }
  | { type: 'run'; id: number; ok: false; error: SourceError }
  | { type: 'digit'; id: number; ok: true; result: DigitResult }
  | { type: 'digit'; id: number; ok: false; error: SourceError };
