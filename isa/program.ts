// The typed program: what the assembler produces, the encoder writes, the decoder reads,
// the compiler emits and the simulator executes.
import type { DType, Instr } from './spec.js';

/** Initial contents of a DRAM region, so a program file is self-contained. */
export type RegionInit =
  | { kind: 'zero' }
  /** Literal element values in row-major order (length = product of shape). */
  | { kind: 'data'; values: number[] }
  /** Uniform integers in [min, max] (or uniform reals for fp32) from a seeded generator
   * (mulberry32 over `seed`, one draw per element in row-major order; see docs/isa.md). */
  | { kind: 'random'; seed: number; min: number; max: number };

/** A named DRAM region: a symbolic constant for its base address plus a type and a shape. */
export interface Region {
  name: string;
  dtype: DType;
  shape: number[];
  /** DRAM byte address of element 0. */
  addr: number;
  init: RegionInit;
  /** Quantisation scale of the stored values, if the region holds quantised data. */
  scale?: number;
}

/** Where an instruction came from in assembly source (1-based line). */
export interface SourceLoc {
  file?: string;
  line: number;
  column?: number;
}

export interface Program {
  instrs: Instr[];
  regions: Region[];
  /** Layer tag → human name, for per-layer reports. */
  layerNames: Record<number, string>;
  /** Symbolic constants (`.const`), kept so the printer can reproduce them. */
  consts?: Record<string, number>;
  /** Per-instruction source location, parallel to `instrs` (absent for compiled programs). */
  locs?: (SourceLoc | undefined)[];
}

export function regionBytes(r: Pick<Region, 'dtype' | 'shape'>, bytesPer: number): number {
  return r.shape.reduce((a, b) => a * b, 1) * bytesPer;
}
