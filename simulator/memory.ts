// The simulated memories: DRAM, NRAM and WRAM as byte images with typed-array views of every
// element type (all little-endian, like the DLP), plus a written-byte map per on-chip space
// so a read of bytes never written is caught ("read before write").
import type { Space } from '../isa/spec.js';
import type { HardwareConfig } from '../isa/hardware.js';
import type { Span } from '../isa/footprint.js';

/** One memory space with a view per element type (views share one buffer at offset 0, so an
 * aligned byte address a is element a / size of the matching view). */
export interface SpaceImage {
  readonly bytes: Uint8Array;
  readonly i8: Int8Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
  /** 1 where a byte has been written since reset (on-chip spaces only). */
  readonly written?: Uint8Array;
}

export type Memories = Record<Space, SpaceImage>;

/** What the read-before-write check needs of the memories: the written-byte maps (Memories
 * has them, and so does writtenMaps' lighter record for runs that compute no values). */
export type WrittenMaps = { readonly [S in Space]?: { readonly written?: Uint8Array } };

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('dlpkit simulator needs a little-endian host (typed arrays use host byte order)');
}

function makeImage(size: number, trackWrites: boolean, init?: Uint8Array, adopt = false): SpaceImage {
  // Round up to 4 bytes so the 32-bit views cover every byte. An adopted image already has
  // such a buffer of its own (materializeDram), so a large DRAM is not held twice.
  const words = Math.ceil(size / 4) * 4;
  const own = adopt && init && init.byteOffset === 0 && init.length === size && init.buffer.byteLength === words;
  const buffer = own ? init.buffer as ArrayBuffer : new ArrayBuffer(words);
  const bytes = new Uint8Array(buffer, 0, size);
  if (init && !own) bytes.set(init.subarray(0, size));
  return {
    bytes,
    i8: new Int8Array(buffer),
    i16: new Int16Array(buffer),
    i32: new Int32Array(buffer),
    f32: new Float32Array(buffer),
    written: trackWrites ? new Uint8Array(size) : undefined,
  };
}

/** Fresh memories: DRAM of `dramBytes` initialised from `dram` (used in place when `adopt`
 * and it fits, else copied), on-chip spaces sized by `hw`. */
export function createMemories(hw: HardwareConfig, dram: Uint8Array, dramBytes: number, adopt = false): Memories {
  return {
    dram: dramImage(dram, dramBytes, adopt),
    nram: makeImage(hw.nram.bytes, true),
    wram: makeImage(hw.wram.bytes, true),
  };
}

/** createMemories' DRAM alone. */
export function dramImage(dram: Uint8Array, dramBytes: number, adopt = false): SpaceImage {
  return makeImage(Math.max(dramBytes, dram.length), false, dram, adopt);
}

/** Fresh written-byte maps of the on-chip spaces, without their values: what a run that
 * computes nothing (timing only) needs for its read-before-write check. */
export function writtenMaps(hw: HardwareConfig): WrittenMaps {
  return { nram: { written: new Uint8Array(hw.nram.bytes) }, wram: { written: new Uint8Array(hw.wram.bytes) } };
}

/** First byte address of `span` never written, or -1 if every byte has been written. */
export function findUnwritten(mem: WrittenMaps, span: Span): number {
  const written = mem[span.space]?.written;
  if (!written) return -1;
  const { start, rows, rowBytes, pitch } = span;
  if (pitch < rowBytes) {
    for (let r = 0; r < rows; r++) {
      const a = start + r * pitch;
      const hole = written.subarray(a, a + rowBytes).indexOf(0);
      if (hole >= 0) return a + hole;
    }
    return -1;
  }
  // Rows in address order and disjoint: the first hole is the lowest unwritten address in a
  // row, so one search covers the whole extent; a zero between rows resumes at the next row.
  const end = start + (rows - 1) * pitch + rowBytes;
  let from = start;
  while (from < end) {
    const z = written.subarray(from, end).indexOf(0);
    if (z < 0) return -1;
    const at = from + z;
    const rowStart = start + Math.floor((at - start) / pitch) * pitch;
    if (at < rowStart + rowBytes) return at;
    from = rowStart + pitch;
  }
  return -1;
}

/** Records every byte of `span` as written. */
export function markWritten(mem: WrittenMaps, span: Span): void {
  const written = mem[span.space]?.written;
  if (!written) return;
  for (let r = 0; r < span.rows; r++) {
    const a = span.start + r * span.pitch;
    written.fill(1, a, a + span.rowBytes);
  }
}
