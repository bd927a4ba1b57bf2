// The quantised model the passes after quantisation read: per-layer integer (or fp32)
// tensors, scales and the constants every ACT carries. quantize.ts builds it.
import type { ActFunc, DType } from '../../isa/spec.js';
import type { ZeroMap } from './tile-pattern.js';

export type ComputeDType = 'int8' | 'int16' | 'fp32';

/** Requantisation constants: q = roundShift(x · mult, shift). */
export interface Requant {
  mult: number;
  shift: number;
}

/** How ACT computes a layer's output (see docs/quantization.md). */
export type ActPath = 'int' | 'float' | 'fp32';

export interface QuantLayer {
  name: string;
  /** Reduction length (inputs) and output features. */
  K: number;
  N: number;
  func: Exclude<ActFunc, 'softmax'>;
  /** Leaky slope or ELU alpha (0 otherwise). */
  alpha: number;
  /** Type of the stored weights and of the MATMUL operands. */
  dtype: ComputeDType;
  /** Quantised (or fp32) weights, K×N row-major. */
  w: Int8Array | Int16Array | Float32Array;
  /** Bias: int32 at the accumulator scale, or fp32. */
  bias: Int32Array | Float32Array;
  slopes?: Float32Array;
  /** Scale of this layer's input values. */
  inScale: number;
  /** Weight scales: length 1 (per tensor) or N (per channel). */
  wScale: number[];
  /** Weight qmax per weight scale (s_w = maxabs/wQmax; |w_q| ≤ wQmax): the type's qmax unless
   * int32 headroom needed a smaller one. Empty for fp32. */
  wQmax: number[];
  /** Largest |partial sum| (bias included) any accumulator of this layer can reach; ≤ 2^31 − 1
   * by construction. 0 for fp32. */
  accBound: number;
  /** ACT `scale` field per weight scale: fround(inScale · wScale[c]). */
  accScale: number[];
  /** Scale of this layer's output (1 for fp32 outputs). */
  outScale: number;
  /** Element type ACT writes: int8/int16 for hidden layers, fp32 for the last one. */
  outType: DType;
  path: ActPath;
  /** Requantisation per weight scale (mult 1, shift 0 when unused). */
  requant: Requant[];
  /** Where the stored weights are zero (pass 2b, sparsity.ts); absent = nothing to skip. */
  zeros?: ZeroMap;
}

export interface QuantModel {
  dtype: ComputeDType;
  inputScale: number;
  /** Element type of the input region. */
  inputType: DType;
  layers: QuantLayer[];
  softmax: boolean;
  perChannel: boolean;
}
