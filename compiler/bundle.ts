// The compiled bundle: program, DRAM layout (named regions with offsets, shapes, dtypes and
// scales), the DRAM image with the weights, the cost model's estimate and the chosen plans.
// On disk it is a directory (docs/bundle.md): program.dlps, program.dlpb, image.bin and
// bundle.json; this file only turns a bundle into those files and back (no file system:
// compiler/bundle-files.ts reads and writes them).
import { DlpError } from '../isa/errors.js';
import type { HardwareConfig } from '../isa/hardware.js';
import type { Program } from '../isa/program.js';
import { DTYPE_BYTES, type DType } from '../isa/spec.js';
import { encodeProgram, decodeProgram } from '../isa/encode.js';
import { printProgram } from '../isa/print.js';
import type { Generated } from './passes/codegen.js';
import type { Estimate } from './passes/cost.js';
import { quantizeInput, type ComputeDType, type QuantLayer, type QuantModel } from './passes/quantize.js';
import type { Schedule } from './passes/plan.js';

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
const BUNDLE_FORMAT = 'dlpkit-bundle';
const BUNDLE_VERSION = 1;

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

/** The bundle's files by name (BUNDLE_FILES), ready to write anywhere; pure, no file system. */
export function bundleFiles(b: Bundle): Record<string, string | Uint8Array> {
  const meta = {
    format: BUNDLE_FORMAT, version: BUNDLE_VERSION, hwName: b.hwName, dtype: b.dtype, batch: b.batch,
    layout: b.layout, estimate: b.estimate, plans: b.plans,
  };
  return {
    [BUNDLE_FILES.text]: printProgram(b.program),
    [BUNDLE_FILES.binary]: encodeProgram(b.program),
    [BUNDLE_FILES.image]: b.image,
    [BUNDLE_FILES.meta]: `${JSON.stringify(meta, null, 2)}\n`,
  };
}

/** Rebuilds a bundle from its files; `read(name)` returns a file's bytes (or throws a DlpError). */
export function parseBundle(read: (file: string) => Uint8Array, where: string): Bundle {
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(new TextDecoder().decode(read(BUNDLE_FILES.meta))) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof DlpError) throw e;
    throw new DlpError(`${BUNDLE_FILES.meta} is not valid JSON`, { file: where });
  }
  if (meta.format !== BUNDLE_FORMAT) throw new DlpError(`not a dlpkit bundle: ${BUNDLE_FILES.meta} has format '${String(meta.format)}'`, { file: where });
  if (meta.version !== BUNDLE_VERSION) throw new DlpError(`unsupported bundle version ${String(meta.version)} (this dlpkit reads ${BUNDLE_VERSION})`, { file: where });
  const program = decodeProgram(read(BUNDLE_FILES.binary), `${where}/${BUNDLE_FILES.binary}`);
  const image = read(BUNDLE_FILES.image);
  const layout = meta.layout as BundleLayout;
  if (image.length !== layout.dramBytes) {
    throw new DlpError(`${BUNDLE_FILES.image} has ${image.length} bytes but the layout expects ${layout.dramBytes}`, { file: where });
  }
  return {
    program, layout, image, estimate: meta.estimate as Estimate, plans: meta.plans as Schedule,
    hwName: String(meta.hwName), dtype: meta.dtype as ComputeDType, batch: Number(meta.batch),
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
