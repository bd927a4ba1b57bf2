// The compiled bundle: program, DRAM layout (named regions with offsets, shapes, dtypes and
// scales), the DRAM image with the weights, the cost model's estimate and the chosen plans.
// On disk it is a directory (docs/bundle.md; written and read by bundle-files.ts, Node-only): program.dlps, program.dlpb, image.bin and
// bundle.json, written into a temporary sibling and renamed into place as a whole.
import { DlpError } from '../isa/errors.js';
import type { HardwareConfig } from '../isa/hardware.js';
import type { Program } from '../isa/program.js';
import { DTYPE_BYTES, type DType } from '../isa/spec.js';
import type { Generated } from './passes/codegen.js';
import type { Estimate } from './passes/cost.js';
import { quantizeInput, type ComputeDType, type QuantLayer, type QuantModel } from './passes/quantize.js';
import type { Schedule } from './passes/tile.js';

export type RegionRole = 'input' | 'output' | 'weights' | 'aux' | 'activation';

export interface RegionInfo {
  name: string;
  role: RegionRole;
  /** DRAM byte address and size. */
  addr: number;
  bytes: number;
  dtype: DType;
  shape: number[];
  scale?: number;
}

/** Per-layer quantisation record (everything the integer scheme needs to be re-derived): the
 * serialisable part of QuantLayer, with `func` read back from JSON as a plain string. */
export type LayerQuantInfo = Omit<
  Pick<QuantLayer, 'name' | 'K' | 'N' | 'func' | 'alpha' | 'path' | 'inScale' | 'wScale' | 'wQmax' | 'accBound' | 'accScale' | 'outScale' | 'outType' | 'requant'>,
  'func'
> & { func: string };

export interface BundleLayout {
  input: RegionInfo;
  output: RegionInfo;
  regions: RegionInfo[];
  dramBytes: number;
  quant: { dtype: ComputeDType; inputScale: number; perChannel: boolean; softmax: boolean; layers: LayerQuantInfo[] };
}

export interface Bundle {
  program: Program;
  layout: BundleLayout;
  /** Initial DRAM contents: weights and bias vectors in place, input/output zero. */
  image: Uint8Array;
  estimate: Estimate;
  plans: Schedule;
  hwName: string;
  dtype: ComputeDType;
  batch: number;
}

export const BUNDLE_FILES = { meta: 'bundle.json', text: 'program.dlps', binary: 'program.dlpb', image: 'image.bin' } as const;
export const BUNDLE_FORMAT = 'dlpkit-bundle';
export const BUNDLE_VERSION = 1;

/** Gathers the passes' results into a bundle. */
export function assembleBundle(q: QuantModel, plans: Schedule, g: Generated, estimate: Estimate, hw: HardwareConfig): Bundle {
  const role = new Map<string, RegionRole>([[g.roles.input, 'input'], [g.roles.output, 'output']]);
  for (const n of g.roles.weights) role.set(n, 'weights');
  for (const n of g.roles.aux) role.set(n, 'aux');
  for (const n of g.roles.intermediates) role.set(n, 'activation');
  const regions = g.program.regions.map((r): RegionInfo => ({
    name: r.name, role: role.get(r.name)!, addr: r.addr, bytes: r.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[r.dtype],
    dtype: r.dtype, shape: [...r.shape], ...(r.scale !== undefined ? { scale: r.scale } : {}),
  }));
  const layers = q.layers.map((L): LayerQuantInfo => ({
    name: L.name, K: L.K, N: L.N, func: L.func, alpha: L.alpha, path: L.path, inScale: L.inScale, wScale: L.wScale,
    wQmax: L.wQmax, accBound: L.accBound, accScale: L.accScale, outScale: L.outScale, outType: L.outType, requant: L.requant,
  }));
  const find = (n: string) => regions.find((r) => r.name === n)!;
  return {
    program: g.program,
    layout: {
      input: find(g.roles.input), output: find(g.roles.output), regions, dramBytes: g.image.length,
      quant: { dtype: q.dtype, inputScale: q.inputScale, perChannel: q.perChannel, softmax: q.softmax, layers },
    },
    image: g.image, estimate, plans, hwName: hw.name, dtype: q.dtype, batch: plans.batch,
  };
}

/** Quantises an fp32 batch (rows × inputSize, rows <= batch) into the input region of `dram`. */
export function writeInputs(b: Bundle, dram: Uint8Array, x: Float32Array): void {
  const r = b.layout.input;
  const [rows, cols] = r.shape as [number, number];
  if (x.length % cols !== 0 || x.length / cols > rows) {
    throw new DlpError(`input has ${x.length} values; expected up to ${rows} rows of ${cols}`);
  }
  const q = quantizeInput(x, { inputType: r.dtype, inputScale: r.scale ?? 1 });
  const bytes = new Uint8Array(q.buffer, q.byteOffset, q.byteLength);
  dram.fill(0, r.addr, r.addr + r.bytes);
  dram.set(bytes, r.addr);
}

/** Reads the fp32 output region (batch × outputs) from `dram`. */
export function readOutputs(b: Bundle, dram: Uint8Array): Float32Array {
  const r = b.layout.output;
  const out = new Float32Array(r.bytes / 4);
  new Uint8Array(out.buffer).set(dram.subarray(r.addr, r.addr + r.bytes));
  return out;
}
