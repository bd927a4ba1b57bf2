// The initial DRAM image of a program: every region's init (zero, literal data, or a seeded
// random fill) written little-endian at its address. The simulator starts from this image.
import { DlpError } from './errors.js';
import { formatHex } from './format.js';
import type { Program, Region } from './program.js';
import { createRng, drawInt } from './rng.js';
import { DTYPE_BYTES, type DType } from './spec.js';
import { regionElements, regionSize } from './validate.js';

/** The element values a region starts with, in row-major order.
 * random: one draw per element from createRng(seed); integers min + floor(u·(max−min+1)),
 * fp32 fround(min + u·(max−min)). */
export function regionValues(r: Region): Float64Array {
  const n = regionElements(r);
  const out = new Float64Array(n);
  const init = r.init;
  if (init.kind === 'data') out.set(init.values);
  if (init.kind === 'random') {
    const rng = createRng(init.seed);
    if (r.dtype === 'fp32') for (let k = 0; k < n; k++) out[k] = Math.fround(init.min + rng() * (init.max - init.min));
    else for (let k = 0; k < n; k++) out[k] = drawInt(rng, init.min, init.max);
  }
  return out;
}

/** Writes element values of `dtype` little-endian into `view` from byte `offset`. */
export function writeElements(view: DataView, offset: number, dtype: DType, values: ArrayLike<number>): void {
  const size = DTYPE_BYTES[dtype];
  for (let k = 0; k < values.length; k++) {
    const at = offset + k * size;
    const v = values[k]!;
    if (dtype === 'int8') view.setInt8(at, v);
    else if (dtype === 'int16') view.setInt16(at, v, true);
    else if (dtype === 'int32') view.setInt32(at, v, true);
    else view.setFloat32(at, v, true);
  }
}

/** Bytes of DRAM the program's regions need (the end of the highest region). */
export function dramBytesNeeded(p: Program): number {
  return Math.max(0, ...p.regions.map((r) => r.addr + regionSize(r)));
}

/** Builds the initial DRAM image, `bytes` long (default: just enough for every region). */
export function materializeDram(p: Program, bytes?: number): Uint8Array {
  const need = dramBytesNeeded(p);
  const size = bytes ?? need;
  if (!Number.isSafeInteger(size) || size < 0) throw new DlpError(`invalid DRAM size ${size}`);
  if (size < need) {
    const r = p.regions.find((x) => x.addr + regionSize(x) > size)!;
    throw new DlpError(`DRAM of ${size} bytes is too small: region '${r.name}' ends at ${formatHex(r.addr + regionSize(r))}`);
  }
  const image = new Uint8Array(size);
  const view = new DataView(image.buffer);
  for (const r of p.regions) if (r.init.kind !== 'zero') writeElements(view, r.addr, r.dtype, regionValues(r));
  return image;
}
