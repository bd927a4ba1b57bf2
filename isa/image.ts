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
  let end = 0;
  for (const r of p.regions) end = Math.max(end, r.addr + regionSize(r));
  return end;
}

/** Default cap on the DRAM image the simulator builds (256 MiB), whatever the hardware's
 * capacity: a 56-byte program can declare a 1 GiB random region. Raise it with the
 * environment variable DLP_MAX_DRAM_BYTES (docs/simulator.md, "Limits"). */
export const DEFAULT_MAX_DRAM_BYTES = 256 * 2 ** 20;

/** The DRAM image cap in force: DLP_MAX_DRAM_BYTES when set, else DEFAULT_MAX_DRAM_BYTES.
 * (Read through globalThis so the isa layer still loads in a browser.) */
export function maxDramBytes(): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const raw = env?.DLP_MAX_DRAM_BYTES;
  if (raw === undefined || raw === '') return DEFAULT_MAX_DRAM_BYTES;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < 1) throw new DlpError(`DLP_MAX_DRAM_BYTES must be a positive integer number of bytes, not '${raw}'`);
  return v;
}

/** Refuses a DRAM image of `bytes` over the cap, before anything is allocated. */
export function checkDramImageSize(bytes: number, what: string): void {
  const cap = maxDramBytes();
  if (bytes > cap) {
    throw new DlpError(`${what} needs ${bytes} bytes of DRAM, more than the simulator's limit of ${cap} bytes (set DLP_MAX_DRAM_BYTES to raise it)`);
  }
}

/** Writes a region's initial values straight into the image: no per-element array, so a
 * region costs its own bytes and nothing more. */
function writeRegionInit(view: DataView, r: Region): void {
  const init = r.init;
  if (init.kind === 'data') writeElements(view, r.addr, r.dtype, init.values);
  if (init.kind !== 'random') return;
  const n = regionElements(r);
  const size = DTYPE_BYTES[r.dtype];
  const rng = createRng(init.seed);
  for (let k = 0, at = r.addr; k < n; k++, at += size) {
    if (r.dtype === 'fp32') view.setFloat32(at, Math.fround(init.min + rng() * (init.max - init.min)), true);
    else {
      const v = drawInt(rng, init.min, init.max);
      if (r.dtype === 'int8') view.setInt8(at, v);
      else if (r.dtype === 'int16') view.setInt16(at, v, true);
      else view.setInt32(at, v, true);
    }
  }
}

/** Builds the initial DRAM image, `bytes` long (default: just enough for every region). The
 * buffer is rounded up to 4 bytes so the simulator can view it as 32-bit words in place. */
export function materializeDram(p: Program, bytes?: number): Uint8Array {
  const need = dramBytesNeeded(p);
  const size = bytes ?? need;
  if (!Number.isSafeInteger(size) || size < 0) throw new DlpError(`invalid DRAM size ${size}`);
  if (size < need) {
    const r = p.regions.find((x) => x.addr + regionSize(x) > size)!;
    throw new DlpError(`DRAM of ${size} bytes is too small: region '${r.name}' ends at ${formatHex(r.addr + regionSize(r))}`);
  }
  checkDramImageSize(size, 'the program');
  const image = new Uint8Array(new ArrayBuffer(Math.ceil(size / 4) * 4), 0, size);
  const view = new DataView(image.buffer);
  for (const r of p.regions) writeRegionInit(view, r);
  return image;
}
