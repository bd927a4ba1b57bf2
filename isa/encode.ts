// Binary encoding: 256-bit instruction words (fields packed LSB-first after the 8-bit opcode,
// layout from spec.fieldLayout) and the .dlpb program file (header, instructions, regions
// with their initial data, layer names, constants). Decoding checks every byte it reads and
// reports problems as DlpError with the byte offset and instruction index.
import { DlpError } from './errors.js';
import { formatHex } from './format.js';
import type { Program, Region, RegionInit } from './program.js';
import {
  DTYPE_BYTES, DTYPES, INSTR_BYTES, ISA, MNEMONIC_BY_OPCODE, OPCODE_BITS, fieldLayout,
  type DType, type FieldSpec, type Instr, type Mnemonic,
} from './spec.js';
import { checkInstr, regionElements, validateProgram } from './validate.js';

export const FILE_MAGIC = 'DLPB';
export const FILE_VERSION = 1;
export const HEADER_BYTES = 32;

// Per-mnemonic layouts, derived once from the spec.
const LAYOUTS = new Map(Object.keys(ISA).map((m) => [m as Mnemonic, fieldLayout(m as Mnemonic)]));
const USED_BITS = new Map([...LAYOUTS].map(([m, l]) => [m, OPCODE_BITS + l.reduce((s, x) => s + x.field.bits, 0)]));

function writeBits(out: Uint8Array, base: number, bitPos: number, bits: number, value: number): void {
  for (let done = 0; done < bits;) {
    const pos = bitPos + done;
    const shift = pos & 7;
    const n = Math.min(8 - shift, bits - done);
    const chunk = Math.floor(value / 2 ** done) % 2 ** n;
    out[base + (pos >> 3)]! |= chunk << shift;
    done += n;
  }
}

function readBits(bytes: Uint8Array, base: number, bitPos: number, bits: number): number {
  let value = 0;
  for (let done = 0; done < bits;) {
    const pos = bitPos + done;
    const shift = pos & 7;
    const n = Math.min(8 - shift, bits - done);
    value += ((bytes[base + (pos >> 3)]! >> shift) & ((1 << n) - 1)) * 2 ** done;
    done += n;
  }
  return value;
}

function f32ToBits(v: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, v, true);
  return view.getUint32(0, true);
}

function bitsToF32(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits, true);
  return view.getFloat32(0, true);
}

function fieldToBits(f: FieldSpec, v: number | string): number {
  if (f.kind === 'enum') return f.values!.indexOf(v as string);
  if (f.kind === 'f32') return f32ToBits(v as number);
  return v as number;
}

/** Encodes one instruction into 32 bytes of `out` at `offset` (a new array by default). */
export function encodeInstr(i: Instr, out: Uint8Array = new Uint8Array(INSTR_BYTES), offset = 0): Uint8Array {
  const issue = checkInstr(i);
  if (issue) throw new DlpError(`cannot encode: ${issue.reason}`);
  if (offset < 0 || offset + INSTR_BYTES > out.length) {
    throw new DlpError(`cannot encode at byte offset ${offset}: the buffer holds ${out.length} bytes`);
  }
  out.fill(0, offset, offset + INSTR_BYTES);
  out[offset] = ISA[i.op].opcode;
  const fields = i as unknown as Record<string, number | string>;
  for (const { field, offset: bit } of LAYOUTS.get(i.op)!) {
    writeBits(out, offset, bit, field.bits, fieldToBits(field, fields[field.name]!));
  }
  return out;
}

/** Decodes the 32-byte word at `offset`; `index` names the instruction in error messages. */
export function decodeInstr(bytes: Uint8Array, offset: number, index?: number): Instr {
  const fail = (why: string) => new DlpError(`${why} (byte offset ${offset})`, { instr: index });
  if (!Number.isInteger(offset) || offset < 0 || offset + INSTR_BYTES > bytes.length) {
    throw fail(`truncated instruction: needs ${INSTR_BYTES} bytes, ${Math.max(0, bytes.length - offset)} left`);
  }
  const op = MNEMONIC_BY_OPCODE.get(bytes[offset]!);
  if (!op) throw fail(`unknown opcode ${formatHex(bytes[offset]!)}`);
  const instr: Record<string, number | string> = { op };
  for (const { field, offset: bit } of LAYOUTS.get(op)!) {
    const raw = readBits(bytes, offset, bit, field.bits);
    if (field.kind === 'enum') {
      if (raw >= field.values!.length) throw fail(`${op} ${field.name} has code ${raw}, out of range 0..${field.values!.length - 1}`);
      instr[field.name] = field.values![raw]!;
    } else {
      instr[field.name] = field.kind === 'f32' ? bitsToF32(raw) : raw;
    }
  }
  // Unused high bits must be zero, so every accepted word re-encodes to the same bytes.
  const used = USED_BITS.get(op)!;
  for (let bit = used; bit < INSTR_BYTES * 8; bit += 8) {
    if (readBits(bytes, offset, bit, Math.min(8, INSTR_BYTES * 8 - bit)) !== 0) throw fail(`${op} has nonzero reserved bits`);
  }
  const issue = checkInstr(instr as unknown as Instr);
  if (issue) throw fail(issue.reason);
  return instr as unknown as Instr;
}

// ---- Program files --------------------------------------------------------------------------

const INIT_KINDS = ['zero', 'data', 'random'] as const;
const utf8 = new TextEncoder();

/** Growable little-endian byte sink. */
class Writer {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  length = 0;
  private reserve(n: number): number {
    if (this.length + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
      next.set(this.buf);
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }
  // reserve() may replace this.buf and this.view, so it must run before either is read
  // (`this.view.setX(this.reserve(n))` would write through the old, too-small view).
  u8(v: number) { const at = this.reserve(1); this.view.setUint8(at, v); }
  u16(v: number) { const at = this.reserve(2); this.view.setUint16(at, v, true); }
  u32(v: number) { const at = this.reserve(4); this.view.setUint32(at, v, true); }
  f64(v: number) { const at = this.reserve(8); this.view.setFloat64(at, v, true); }
  bytes(b: Uint8Array) { const at = this.reserve(b.length); this.buf.set(b, at); }
  str(s: string) { const b = utf8.encode(s); this.u16(b.length); this.bytes(b); }
  element(dt: DType, v: number) {
    const at = this.reserve(DTYPE_BYTES[dt]);
    if (dt === 'int8') this.view.setInt8(at, v);
    else if (dt === 'int16') this.view.setInt16(at, v, true);
    else if (dt === 'int32') this.view.setInt32(at, v, true);
    else this.view.setFloat32(at, v, true);
  }
  setU32(at: number, v: number) { this.view.setUint32(at, v, true); }
  finish(): Uint8Array { return this.buf.slice(0, this.length); }
}

/** Encodes a program as a .dlpb file (validating it first). Source locations are not kept. */
export function encodeProgram(p: Program): Uint8Array {
  validateProgram(p);
  const w = new Writer();
  for (const c of FILE_MAGIC) w.u8(c.charCodeAt(0));
  const layers = Object.entries(p.layerNames);
  const consts = Object.entries(p.consts ?? {});
  w.u16(FILE_VERSION);
  w.u16(HEADER_BYTES);
  for (const n of [p.instrs.length, p.regions.length, layers.length, consts.length, 0, 0]) w.u32(n);
  const word = new Uint8Array(INSTR_BYTES);
  for (const i of p.instrs) w.bytes(encodeInstr(i, word));
  for (const r of p.regions) writeRegion(w, r);
  for (const [tag, name] of layers) { w.u8(Number(tag)); w.str(name); }
  for (const [name, value] of consts) { w.str(name); w.f64(value); }
  w.setU32(24, w.length);
  return w.finish();
}

function writeRegion(w: Writer, r: Region): void {
  w.str(r.name);
  w.u8(DTYPES.indexOf(r.dtype));
  w.u8(r.shape.length);
  for (const d of r.shape) w.u32(d);
  w.u32(r.addr);
  w.u8(r.scale === undefined ? 0 : 1);
  if (r.scale !== undefined) w.f64(r.scale);
  w.u8(INIT_KINDS.indexOf(r.init.kind));
  if (r.init.kind === 'data') for (const v of r.init.values) w.element(r.dtype, v);
  if (r.init.kind === 'random') { w.u32(r.init.seed); w.f64(r.init.min); w.f64(r.init.max); }
}

/** Bounds-checked little-endian reader; every failure names what it was reading and where. */
class Reader {
  offset = 0;
  private readonly view: DataView;
  private readonly text = new TextDecoder('utf-8', { fatal: true });
  constructor(private readonly bytes: Uint8Array, private readonly file?: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  fail(why: string, instr?: number): DlpError {
    return new DlpError(why, { file: this.file, instr });
  }
  need(n: number, what: string): number {
    if (this.offset + n > this.bytes.length) {
      throw this.fail(`truncated file: ${what} needs ${n} bytes at byte offset ${this.offset}, but the file has ${this.bytes.length}`);
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }
  remaining(): number { return this.bytes.length - this.offset; }
  size(): number { return this.bytes.length; }
  u8(what: string) { return this.view.getUint8(this.need(1, what)); }
  u16(what: string) { return this.view.getUint16(this.need(2, what), true); }
  u32(what: string) { return this.view.getUint32(this.need(4, what), true); }
  f64(what: string) { return this.view.getFloat64(this.need(8, what), true); }
  str(what: string): string {
    const n = this.u16(what);
    const at = this.need(n, what);
    try {
      return this.text.decode(this.bytes.subarray(at, at + n));
    } catch {
      throw this.fail(`${what} at byte offset ${at} is not valid UTF-8`);
    }
  }
  element(dt: DType, what: string): number {
    const at = this.need(DTYPE_BYTES[dt], what);
    if (dt === 'int8') return this.view.getInt8(at);
    if (dt === 'int16') return this.view.getInt16(at, true);
    if (dt === 'int32') return this.view.getInt32(at, true);
    return this.view.getFloat32(at, true);
  }
}

/** Decodes a .dlpb file; any malformed input gives a DlpError naming the byte offset. */
export function decodeProgram(bytes: Uint8Array, file?: string): Program {
  const rd = new Reader(bytes, file);
  if (bytes.length < 4 || String.fromCharCode(...bytes.subarray(0, 4)) !== FILE_MAGIC) {
    throw rd.fail(`not a dlpkit program: bad magic (expected "${FILE_MAGIC}" at byte offset 0)`);
  }
  rd.offset = 4;
  const version = rd.u16('the header');
  if (version !== FILE_VERSION) throw rd.fail(`unsupported program file version ${version} (this dlpkit reads version ${FILE_VERSION})`);
  const headerBytes = rd.u16('the header');
  if (headerBytes !== HEADER_BYTES) throw rd.fail(`bad header size ${headerBytes} at byte offset 6 (expected ${HEADER_BYTES})`);
  const [nInstrs, nRegions, nLayers, nConsts, total] = [0, 1, 2, 3, 4].map(() => rd.u32('the header')) as [number, number, number, number, number];
  if (rd.u32('the header') !== 0) throw rd.fail('nonzero reserved header field at byte offset 28');
  if (total !== bytes.length) {
    throw rd.fail(total > bytes.length
      ? `truncated file: the header says ${total} bytes, but the file has ${bytes.length}`
      : `the file is ${bytes.length} bytes, but the header says ${total}`);
  }
  if (nInstrs * INSTR_BYTES > bytes.length - HEADER_BYTES) {
    throw rd.fail(`truncated file: ${nInstrs} instructions need ${nInstrs * INSTR_BYTES} bytes at byte offset ${HEADER_BYTES}, but the file has ${bytes.length}`);
  }
  const instrs: Instr[] = [];
  for (let k = 0; k < nInstrs; k++) instrs.push(decodeInstrIn(bytes, rd.need(INSTR_BYTES, `instruction #${k}`), k, file));
  const regions: Region[] = [];
  for (let k = 0; k < nRegions; k++) regions.push(readRegion(rd, k));
  const layerNames: Record<number, string> = {};
  for (let k = 0; k < nLayers; k++) {
    const at = rd.offset;
    const tag = rd.u8(`layer name #${k}`);
    // The assembler refuses both duplicates; a file must not collapse them silently.
    if (Object.hasOwn(layerNames, tag)) throw rd.fail(`layer name #${k} at byte offset ${at} repeats layer tag ${tag}`);
    layerNames[tag] = rd.str(`layer name #${k}`);
  }
  const consts: Record<string, number> = {};
  for (let k = 0; k < nConsts; k++) {
    const at = rd.offset;
    const name = rd.str(`constant #${k}`);
    if (Object.hasOwn(consts, name)) throw rd.fail(`constant #${k} at byte offset ${at} repeats the name '${name}'`);
    // defineProperty: a constant named __proto__ must be an own entry, not a prototype write.
    Object.defineProperty(consts, name, { value: rd.f64(`constant #${k}`), enumerable: true, writable: true, configurable: true });
  }
  if (rd.offset !== bytes.length) throw rd.fail(`${bytes.length - rd.offset} unexpected bytes at byte offset ${rd.offset}`);
  const program: Program = { instrs, regions, layerNames, consts };
  validateProgram(program, file);
  return program;
}

function decodeInstrIn(bytes: Uint8Array, offset: number, index: number, file?: string): Instr {
  try {
    return decodeInstr(bytes, offset, index);
  } catch (e) {
    if (e instanceof DlpError) throw new DlpError(e.reason, { ...e.loc, file });
    throw e;
  }
}

function readRegion(rd: Reader, k: number): Region {
  const what = `region #${k}`;
  const name = rd.str(what);
  const dtCode = rd.u8(what);
  const dtype = DTYPES[dtCode];
  if (!dtype) throw rd.fail(`${what} has dtype code ${dtCode} at byte offset ${rd.offset - 1}, out of range 0..${DTYPES.length - 1}`);
  const rank = rd.u8(what);
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(rd.u32(what));
  const addr = rd.u32(what);
  const flags = rd.u8(what);
  if (flags > 1) throw rd.fail(`${what} has unknown flags ${flags} at byte offset ${rd.offset - 1}`);
  const scale = flags & 1 ? rd.f64(what) : undefined;
  const kindCode = rd.u8(what);
  const kind = INIT_KINDS[kindCode];
  if (!kind) throw rd.fail(`${what} has init kind ${kindCode} at byte offset ${rd.offset - 1}, out of range 0..${INIT_KINDS.length - 1}`);
  let init: RegionInit = { kind: 'zero' };
  if (kind === 'data') {
    const n = regionElements({ shape });
    if (n * DTYPE_BYTES[dtype] > rd.remaining()) {
      throw rd.fail(`truncated file: ${what} data needs ${n * DTYPE_BYTES[dtype]} bytes at byte offset ${rd.offset}, but the file has ${rd.size()}`);
    }
    const values = new Array<number>(n);
    for (let e = 0; e < n; e++) values[e] = rd.element(dtype, what);
    init = { kind, values };
  } else if (kind === 'random') {
    init = { kind, seed: rd.u32(what), min: rd.f64(what), max: rd.f64(what) };
  }
  const region: Region = { name, dtype, shape, addr, init };
  if (scale !== undefined) region.scale = scale;
  return region;
}
