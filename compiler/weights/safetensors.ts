// Reader and writer for the safetensors format (huggingface/safetensors), so PyTorch users can
// bring weights: an 8-byte little-endian header length N, N bytes of JSON (padded with spaces
// to a multiple of 8) mapping each tensor name to {dtype, shape, data_offsets} plus an optional
// "__metadata__" string map, then the tensor bytes, little-endian, row-major, packed back to
// back. Like the reference implementation the reader rejects holes, overlaps and trailing bytes.
import { DlpError } from '../../isa/errors.js';

export type SafetensorsDType = 'F32' | 'F16' | 'BF16' | 'I8' | 'I16' | 'I32' | 'F64' | 'I64' | 'U8';
/** I64 is read into a Float64Array (exact up to 2^53; state_dicts carry counters such as
 * BatchNorm's num_batches_tracked), U8 into a Uint8Array (image rows). */
export type TensorData = Float32Array | Int8Array | Int16Array | Int32Array | Float64Array | Uint8Array;

/** A tensor as dlpkit holds it: F16/BF16/F64 are widened/narrowed to a Float32Array. */
export interface SafeTensor {
  dtype: SafetensorsDType;
  shape: number[];
  data: TensorData;
}

const DTYPE_BYTES: Record<SafetensorsDType, number> = { F32: 4, F16: 2, BF16: 2, I8: 1, I16: 2, I32: 4, F64: 8, I64: 8, U8: 1 };
const DTYPES = Object.keys(DTYPE_BYTES) as SafetensorsDType[];
/** The reference implementation's limit; anything larger is a corrupt length field. */
const MAX_HEADER_BYTES = 100_000_000;

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Parses a safetensors file; every malformation is a DlpError naming the file. */
export function readSafetensors(bytes: Uint8Array, file?: string): Map<string, SafeTensor> {
  return readSafetensorsWithMetadata(bytes, file).tensors;
}

/** readSafetensors plus the `__metadata__` string map ({} when the file has none). */
export function readSafetensorsWithMetadata(bytes: Uint8Array, file?: string): { tensors: Map<string, SafeTensor>; metadata: Record<string, string> } {
  const fail = (message: string): never => {
    throw new DlpError(message, { file });
  };
  let metadata: Record<string, string> = {};
  if (bytes.length < 8) fail(`truncated safetensors file: ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLen > MAX_HEADER_BYTES) fail(`safetensors header length ${headerLen} is implausible (corrupt file?)`);
  if (8 + headerLen > bytes.length) {
    fail(`truncated safetensors file: header says ${headerLen} bytes but only ${bytes.length - 8} follow`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    fail(`invalid safetensors header JSON: ${(e as Error).message}`);
  }
  if (!isRecord(header)) fail('invalid safetensors header: expected a JSON object');
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const entries: { name: string; dtype: SafetensorsDType; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string')) {
        fail('invalid safetensors header: __metadata__ must map strings to strings');
      }
      metadata = value as Record<string, string>;
      continue;
    }
    if (!isRecord(value)) fail(`tensor ${name}: header entry must be an object`);
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(DTYPES as string[]).includes(dtype)) {
      fail(`tensor ${name}: unsupported dtype ${JSON.stringify(dtype)} (supported: ${DTYPES.join(', ')})`);
    }
    if (!Array.isArray(shape) || !shape.every(isCount)) fail(`tensor ${name}: shape must be an array of non-negative integers`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
      fail(`tensor ${name}: data_offsets must be [begin, end] with 0 <= begin <= end`);
    }
    const [begin, end] = offsets as [number, number];
    const dt = dtype as SafetensorsDType;
    const need = elementCount(shape as number[]) * DTYPE_BYTES[dt];
    if (end - begin !== need) {
      fail(`tensor ${name}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but ${dt} ${fmtShape(shape as number[])} needs ${need}`);
    }
    entries.push({ name, dtype: dt, shape: shape as number[], begin, end });
  }
  checkLayout(entries, dataLen, fail);
  const tensors = new Map<string, SafeTensor>();
  for (const e of entries) {
    const data = decodeData(view, dataStart + e.begin, e.dtype, elementCount(e.shape));
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

/** The tensors must tile the data buffer exactly: no overlap, no hole, nothing past the end. */
function checkLayout(entries: { name: string; begin: number; end: number }[], dataLen: number, fail: (m: string) => never): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: { name: string; begin: number; end: number } | undefined;
  for (const e of sorted) {
    if (e.begin < pos && prev) {
      fail(`tensors ${prev.name} [${prev.begin}, ${prev.end}] and ${e.name} [${e.begin}, ${e.end}] overlap`);
    }
    if (e.begin > pos) fail(`data bytes [${pos}, ${e.begin}) belong to no tensor (before ${e.name})`);
    if (e.end > dataLen) {
      fail(`truncated safetensors file: tensor ${e.name} ends at data byte ${e.end} but the data is only ${dataLen} bytes`);
    }
    pos = e.end;
    prev = e;
  }
  if (pos !== dataLen) fail(`${dataLen - pos} trailing data bytes after the last tensor`);
}

function decodeData(view: DataView, offset: number, dtype: SafetensorsDType, n: number): TensorData {
  switch (dtype) {
    case 'F32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(offset + 4 * i, true);
      return out;
    }
    case 'F64': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(offset + 8 * i, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(offset + 2 * i, true));
      return out;
    }
    case 'BF16': {
      const out = new Float32Array(n);
      const word = new Uint32Array(1);
      const asFloat = new Float32Array(word.buffer);
      for (let i = 0; i < n; i++) {
        word[0] = view.getUint16(offset + 2 * i, true) << 16;
        out[i] = asFloat[0] as number;
      }
      return out;
    }
    case 'I8': {
      const out = new Int8Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt8(offset + i);
      return out;
    }
    case 'I16': {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(offset + 2 * i, true);
      return out;
    }
    case 'I32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(offset + 4 * i, true);
      return out;
    }
    case 'I64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(offset + 8 * i, true));
      return out;
    }
    case 'U8':
      return new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + n));
  }
}

/** Serialises tensors (sorted by name, so output is deterministic) with optional metadata. */
export function writeSafetensors(tensors: Record<string, SafeTensor>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors[name] as SafeTensor;
    checkTensorForWrite(name, t);
    const size = elementCount(t.shape) * DTYPE_BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  const headerBytes0 = new TextEncoder().encode(json);
  const padded = Math.ceil(headerBytes0.length / 8) * 8;
  json += ' '.repeat(padded - headerBytes0.length);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerBytes.length, true);
  view.setUint32(4, 0, true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors[name] as SafeTensor;
    pos = encodeData(view, pos, t);
  }
  return out;
}

function checkTensorForWrite(name: string, t: SafeTensor): void {
  if (!(DTYPES as string[]).includes(t.dtype)) throw new DlpError(`tensor ${name}: unsupported dtype ${t.dtype}`);
  if (!t.shape.every(isCount)) throw new DlpError(`tensor ${name}: shape ${fmtShape(t.shape)} must hold non-negative integers`);
  const expected: Record<SafetensorsDType, string> = {
    F32: 'Float32Array', F16: 'Float32Array', BF16: 'Float32Array', F64: 'Float32Array',
    I8: 'Int8Array', I16: 'Int16Array', I32: 'Int32Array', I64: 'Float64Array', U8: 'Uint8Array',
  };
  if (t.data.constructor.name !== expected[t.dtype]) {
    const want = expected[t.dtype];
    throw new DlpError(`tensor ${name}: ${t.dtype} data must be ${/^[AEIOU]/.test(want) ? 'an' : 'a'} ${want}, got ${t.data.constructor.name}`);
  }
  if (t.data.length !== elementCount(t.shape)) {
    throw new DlpError(`tensor ${name}: shape ${fmtShape(t.shape)} needs ${elementCount(t.shape)} values, got ${t.data.length}`);
  }
}

function encodeData(view: DataView, pos: number, t: SafeTensor): number {
  const d = t.data;
  const n = d.length;
  switch (t.dtype) {
    case 'F32': for (let i = 0; i < n; i++) view.setFloat32(pos + 4 * i, d[i] as number, true); return pos + 4 * n;
    case 'F64': for (let i = 0; i < n; i++) view.setFloat64(pos + 8 * i, d[i] as number, true); return pos + 8 * n;
    case 'F16': for (let i = 0; i < n; i++) view.setUint16(pos + 2 * i, floatToHalf(d[i] as number), true); return pos + 2 * n;
    case 'BF16': for (let i = 0; i < n; i++) view.setUint16(pos + 2 * i, floatToBfloat(d[i] as number), true); return pos + 2 * n;
    case 'I8': for (let i = 0; i < n; i++) view.setInt8(pos + i, d[i] as number); return pos + n;
    case 'I16': for (let i = 0; i < n; i++) view.setInt16(pos + 2 * i, d[i] as number, true); return pos + 2 * n;
    case 'I32': for (let i = 0; i < n; i++) view.setInt32(pos + 4 * i, d[i] as number, true); return pos + 4 * n;
    case 'I64': for (let i = 0; i < n; i++) view.setBigInt64(pos + 8 * i, BigInt(d[i] as number), true); return pos + 8 * n;
    case 'U8': for (let i = 0; i < n; i++) view.setUint8(pos + i, d[i] as number); return pos + n;
  }
}

// Scratch for reading a float's bits: used synchronously inside one call, never escapes.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE binary16 bits → number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** number → IEEE binary16 bits, round to nearest even, overflow to infinity. */
export function floatToHalf(x: number): number {
  f32[0] = x;
  const bits = u32[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && (m & 1))) m++;
    return sign | m;
  }
  let m = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (m & 1))) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

/** number → bfloat16 bits (upper half of the float32), round to nearest even. */
export function floatToBfloat(x: number): number {
  f32[0] = x;
  const bits = u32[0] as number;
  if ((bits & 0x7f800000) === 0x7f800000 && bits & 0x7fffff) return (bits >>> 16) | 0x40;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}
