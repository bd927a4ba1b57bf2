// Shared plumbing for the hardware labs: build a one-layer model, compile it with the real
// compiler, simulate it on the real simulator, and move typed data in and out of a DRAM image.
import {
  checkShapesPass, codegenPass, compile, estimatePass, findZeroTilesPass, hoistLoadsPass, normalizeOptions, quantizePass, type CompileOptions,
} from '../../compiler/pipeline.js';
import { assembleBundle, readOutputs, writeInputs, type Bundle } from '../../compiler/bundle.js';
import { allocateSegment, type SegmentPlan } from '../../compiler/passes/tile.js';
import { randomWeights } from '../../compiler/weights/random.js';
import type { Activation, ModelGraph, ModelWeights } from '../../compiler/model.js';
import { withParam, type HardwareConfig } from '../../isa/hardware.js';
import type { Region } from '../../isa/program.js';
import { DTYPE_BYTES, type DType } from '../../isa/spec.js';
import { simulate } from '../../simulator/index.js';
import type { SimReport } from '../../simulator/index.js';

/** A chain of dense layers as the compiler's IR (sizes = [in, hidden…, out]). */
export function mlpGraph(name: string, sizes: number[], activation: Activation = { kind: 'relu' }, softmax = false): ModelGraph {
  return {
    name,
    inputSize: sizes[0]!,
    layers: sizes.slice(1).map((units, i) => ({
      kind: 'dense' as const,
      name: `fc${i + 1}`,
      units,
      activation: i === sizes.length - 2 && softmax ? { kind: 'identity' as const } : activation,
    })),
    softmax,
  };
}

export interface DeviceRun {
  bundle: Bundle;
  report: SimReport;
  /** fp32 outputs (batch × outputs) when inputs were given. */
  outputs?: Float32Array;
}

/** Compiles and simulates; with `x` (rows × inputSize) the outputs are read back. */
export function compileAndRun(model: ModelGraph, weights: ModelWeights | number, hw: HardwareConfig, opts: CompileOptions, x?: Float32Array): DeviceRun {
  const w = typeof weights === 'number' ? randomWeights(model, weights) : weights;
  const bundle = compile(model, w, hw, opts);
  const dram = bundle.image.slice();
  if (x) writeInputs(bundle, dram, x);
  const r = simulate(bundle.program, hw, { dram, functional: x !== undefined });
  return { bundle, report: r.report, ...(x ? { outputs: readOutputs(bundle, r.dram) } : {}) };
}

/** Writes integer/fp32 values into a DRAM region (little-endian, the region's dtype). */
export function writeRegion(dram: Uint8Array, r: Region, values: ArrayLike<number>): void {
  const view = new DataView(dram.buffer, dram.byteOffset, dram.byteLength);
  const size = DTYPE_BYTES[r.dtype];
  for (let i = 0; i < values.length; i++) setElement(view, r.addr + i * size, r.dtype, values[i]!);
}

/** Reads a DRAM region as numbers. */
export function readRegion(dram: Uint8Array, r: Region): Float64Array {
  const view = new DataView(dram.buffer, dram.byteOffset, dram.byteLength);
  const n = r.shape.reduce((a, b) => a * b, 1);
  const size = DTYPE_BYTES[r.dtype];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = getElement(view, r.addr + i * size, r.dtype);
  return out;
}

function setElement(v: DataView, at: number, t: DType, x: number): void {
  if (t === 'int8') v.setInt8(at, x);
  else if (t === 'int16') v.setInt16(at, x, true);
  else if (t === 'int32') v.setInt32(at, x, true);
  else v.setFloat32(at, x, true);
}

function getElement(v: DataView, at: number, t: DType): number {
  if (t === 'int8') return v.getInt8(at);
  if (t === 'int16') return v.getInt16(at, true);
  if (t === 'int32') return v.getInt32(at, true);
  return v.getFloat32(at, true);
}

/** Compiles like `compile` but with the tiling passes replaced by a given single-segment plan
 * (labs study one plan at a time); also returns the plan's NRAM/WRAM needs on unlimited buffers.
 * The passes that would re-plan (replay-alternatives, and keep-skipping-if-faster, which swaps
 * in the compiler's own dense schedule when it is faster) are left out: the plan given is the
 * plan run. */
export function compileWithPlan(
  model: ModelGraph, weights: ModelWeights, hw: HardwareConfig, opts: CompileOptions, plan: SegmentPlan,
): { bundle?: Bundle; nramBytes: number; wramBytes: number } {
  const q = findZeroTilesPass.run(quantizePass.run(checkShapesPass.run({ model, weights, hw, opts: normalizeOptions(opts) })));
  const roomy = withParam(withParam(hw, 'nram.bytes', 2 ** 24), 'wram.bytes', 2 ** 24);
  const need = allocateSegment(q.quant, plan, roomy)!;
  if (!allocateSegment(q.quant, plan, hw)) return { nramBytes: need.nramBytes, wramBytes: need.wramBytes };
  const s = estimatePass.run(hoistLoadsPass.run(codegenPass.run({ ...q, schedule: { kind: 'tuned', batch: q.opts.batch, segments: [plan] } })));
  return { bundle: assembleBundle(s.quant, s.schedule, s.generated, s.estimate, hw), nramBytes: need.nramBytes, wramBytes: need.wramBytes };
}
