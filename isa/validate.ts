// Static checks of instructions, regions and whole programs, shared by the assembler, the
// encoder and the decoder so all three accept exactly the same programs and word their
// complaints the same way ("LOAD rows=0 is out of range 1..65535").
import { DlpError, type ErrorLoc } from './errors.js';
import { formatChoices, formatF32, formatHex, formatNumber, IDENT_RE } from './format.js';
import { SLOPE_LIMIT } from './act.js';
import type { Program, Region, RegionInit } from './program.js';
import {
  DTYPE_BYTES, DTYPES, ISA, SPACES, fieldRange,
  type DType, type FieldSpec, type Instr, type Mnemonic,
} from './spec.js';

/** One problem found in an instruction; `field` lets the assembler point at the operand. */
export interface InstrIssue {
  field?: string;
  reason: string;
}

type Fields = Record<string, number | string>;

/** Cross-field rules beyond each field's own range. Listed in docs/isa.md. */
export const INSTR_RULES: readonly { op: Mnemonic; field: string; doc: string; check(i: Fields): string | undefined }[] = [
  ...(['LOAD', 'STORE'] as const).map((op) => ({
    op, field: 'stride',
    doc: 'stride is a multiple of size(dtype), so every DRAM row is aligned like its first.',
    check: (i: Fields) => ((i.stride as number) % DTYPE_BYTES[i.dtype as DType] !== 0
      ? `${op} stride=${i.stride} is not a multiple of the ${i.dtype} size (${DTYPE_BYTES[i.dtype as DType]} bytes)` : undefined),
  })),
  ...(['LOAD', 'STORE'] as const).map((op) => ({
    op, field: 'stride',
    doc: 'With rows > 1, stride must cover a whole row: stride >= cols × size(dtype).',
    check: (i: Fields) => {
      const row = (i.cols as number) * DTYPE_BYTES[i.dtype as DType];
      return (i.rows as number) > 1 && (i.stride as number) < row
        ? `${op} stride=${i.stride} is less than one row (${row} bytes) with rows=${i.rows}` : undefined;
    },
  })),
  {
    op: 'MATMUL', field: 'dtype', doc: 'dtype is int8, int16 or fp32 (int32 operands are not supported).',
    check: (i) => (i.dtype === 'int32' ? 'MATMUL dtype=int32 is not supported (use int8, int16 or fp32)' : undefined),
  },
  {
    op: 'ACT', field: 'outType', doc: 'func=softmax needs outType=fp32.',
    check: (i) => (i.func === 'softmax' && i.outType !== 'fp32' ? `ACT func=softmax needs outType=fp32, not ${i.outType}` : undefined),
  },
  {
    op: 'ACT', field: 'alpha', doc: `func=leaky needs |alpha| <= ${SLOPE_LIMIT} (A = round(alpha·65536) fits the integer path).`,
    check: (i) => (i.func === 'leaky' && Math.abs(i.alpha as number) > SLOPE_LIMIT
      ? `ACT alpha=${formatF32(i.alpha as number)} is out of range -${SLOPE_LIMIT}..${SLOPE_LIMIT} for func=leaky` : undefined),
  },
];

/** Alignment in bytes of an address field for this instruction (1 when unconstrained). */
export function alignmentOf(f: FieldSpec, i: Fields): { bytes: number; why: string } {
  return { bytes: alignBytes(f, i), why: typeof f.align === 'string' ? ` (${f.align}=${i[f.align] as DType})` : '' };
}

/** alignmentOf's bytes alone (no message), for the check every address field passes. */
function alignBytes(f: FieldSpec, i: Fields): number {
  if (typeof f.align === 'number') return f.align;
  if (typeof f.align === 'string') return DTYPE_BYTES[i[f.align] as DType] ?? 1;
  return 1;
}

function spaceOf(f: FieldSpec, i: Fields): string {
  return f.space ?? (f.spaceField ? String(i[f.spaceField]) : '?');
}

/** `OP field=value`, the start of a field's message. */
function showField(op: Mnemonic, f: FieldSpec, v: unknown): string {
  return `${op} ${f.name}=${String(v)}`;
}

function checkFieldValue(op: Mnemonic, f: FieldSpec, v: unknown): string | undefined {
  // Messages are built only on failure, and nothing is allocated on success: every field of
  // every instruction of every simulated program passes here, mostly before V8 optimises it.
  if (f.kind === 'enum') {
    if (typeof v !== 'string' || !f.values!.includes(v)) return `${showField(op, f, v)} is not one of ${formatChoices(f.values!)}`;
    return undefined;
  }
  if (typeof v !== 'number') return `${op} ${f.name} must be a number`;
  if (f.kind === 'f32') {
    if (!Number.isFinite(v)) return `${showField(op, f, v)} is not a finite fp32 value`;
    if (Math.fround(v) !== v) return `${showField(op, f, v)} is not exactly representable as fp32`;
    return undefined;
  }
  if (!Number.isInteger(v)) return `${showField(op, f, v)} is not an integer`;
  const { min, max } = FIELD_RANGES.get(f)!;
  if (v < min || v > max) {
    const fmt = f.kind === 'addr' ? formatHex : formatNumber;
    return `${op} ${f.name}=${fmt(v)} is out of range ${fmt(min)}..${fmt(max)}`;
  }
  return undefined;
}

/** Per opcode, what checkInstr consults for every instruction, derived once from ISA and
 * INSTR_RULES (the simulator validates every instruction of every program it runs). */
interface OpChecks {
  readonly fields: readonly FieldSpec[];
  readonly names: ReadonlySet<string>;
  readonly rules: readonly (typeof INSTR_RULES)[number][];
}
const OP_CHECKS = new Map<string, OpChecks>(Object.keys(ISA).map((op) => {
  const fields = ISA[op as Mnemonic].fields as readonly FieldSpec[];
  return [op, { fields, names: new Set(fields.map((f) => f.name)), rules: INSTR_RULES.filter((r) => r.op === op) }];
}));
/** fieldRange of every field of the ISA, computed once. */
const FIELD_RANGES = new Map<FieldSpec, { min: number; max: number }>(
  Object.values(ISA).flatMap((spec) => (spec.fields as readonly FieldSpec[]).map((f) => [f, fieldRange(f)] as const)),
);

/** Finds the first problem of an instruction, or undefined when it is valid. */
export function checkInstr(instr: Instr): InstrIssue | undefined {
  const i = instr as unknown as Fields;
  const op = i.op as Mnemonic;
  if (typeof op !== 'string' || !Object.hasOwn(ISA, op)) return { reason: `unknown instruction '${String(op)}'` };
  const { fields, names, rules } = OP_CHECKS.get(op)!;
  // No for-of (and no Object.keys array): this runs for every instruction of every simulated
  // program, mostly cold, where for-of allocates an iterator and a result object per step.
  for (const key in i) {
    if (key !== 'op' && Object.hasOwn(i, key) && !names.has(key)) return { field: key, reason: `${op} has no field '${key}'` };
  }
  for (let k = 0; k < fields.length; k++) {
    const f = fields[k]!;
    if (i[f.name] === undefined) return { field: f.name, reason: `${op} is missing field '${f.name}'` };
    const reason = checkFieldValue(op, f, i[f.name]);
    if (reason) return { field: f.name, reason };
  }
  for (let k = 0; k < fields.length; k++) {
    const f = fields[k]!;
    const v = i[f.name] as number;
    if (f.kind === 'addr' && f.align !== undefined && v % alignBytes(f, i) !== 0) {
      const { bytes, why } = alignmentOf(f, i);
      return { field: f.name, reason: `${op} ${f.name}=${spaceOf(f, i)}[${formatHex(v)}] is not aligned to ${bytes} bytes${why}` };
    }
    if (f.minFrom !== undefined && v < (i[f.minFrom] as number)) {
      return { field: f.name, reason: `${op} ${f.name}=${v} is less than ${f.minFrom}=${i[f.minFrom]}` };
    }
  }
  for (let k = 0; k < rules.length; k++) {
    const reason = rules[k]!.check(i);
    if (reason) return { field: rules[k]!.field, reason };
  }
  return undefined;
}

/** Throws a DlpError for the first problem of an instruction. */
export function validateInstr(i: Instr, loc: ErrorLoc = {}): void {
  const issue = checkInstr(i);
  if (issue) throw new DlpError(issue.reason, loc);
}

// ---- Regions --------------------------------------------------------------------------------

export const MAX_RANK = 8;
const ADDR_LIMIT = 2 ** 32;

/** Inclusive value ranges of the dtypes as integers, computed once: checkElement runs per
 * data value (up to 2^20 per region). */
const DTYPE_RANGES = new Map<DType, { readonly min: number; readonly max: number }>(
  DTYPES.map((dt) => {
    const bits = DTYPE_BYTES[dt] * 8;
    return [dt, Object.freeze({ min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 })];
  }),
);

/** Inclusive value range of an integer dtype. */
export function dtypeRange(dt: DType): { readonly min: number; readonly max: number } {
  return DTYPE_RANGES.get(dt)!;
}

/** A reason the number cannot be stored as one element of `dt`, if any. */
export function checkElement(dt: DType, v: number): string | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'is not a finite number';
  if (dt === 'fp32') {
    if (!Number.isFinite(Math.fround(v))) return 'is out of the fp32 range';
    return undefined;
  }
  if (!Number.isInteger(v)) return `is not an integer (${dt})`;
  const { min, max } = dtypeRange(dt);
  return v < min || v > max ? `is out of range ${min}..${max} for ${dt}` : undefined;
}

export function regionElements(r: Pick<Region, 'shape'>): number {
  return r.shape.reduce((a, b) => a * b, 1);
}

/** Size of a region in bytes. */
export function regionSize(r: Pick<Region, 'shape' | 'dtype'>): number {
  return regionElements(r) * DTYPE_BYTES[r.dtype];
}

/** Which part of a region directive a problem concerns (so the assembler can point at it). */
export type RegionPart = 'name' | 'dtype' | 'shape' | 'addr' | 'scale' | 'init';

function checkInit(r: Region, init: RegionInit): string | undefined {
  const n = regionElements(r);
  if (init.kind === 'zero') return undefined;
  if (init.kind === 'data') {
    if (!Array.isArray(init.values)) return 'data values must be an array';
    if (init.values.length !== n) {
      return `data has ${init.values.length} values but shape [${r.shape.join(', ')}] holds ${n}`;
    }
    for (let k = 0; k < n; k++) {
      const v = init.values[k]!;
      const bad = checkElement(r.dtype, v);
      if (bad) return `data value ${formatNumber(v)} at index ${k} ${bad}`;
      if (r.dtype === 'fp32' && Math.fround(v) !== v) return `data value ${formatNumber(v)} at index ${k} is not exactly representable as fp32`;
    }
    return undefined;
  }
  if (init.kind === 'random') {
    if (!Number.isInteger(init.seed) || init.seed < 0 || init.seed >= ADDR_LIMIT) {
      return `random seed=${formatNumber(init.seed)} is out of range 0..4294967295`;
    }
    for (const [k, v] of [['min', init.min], ['max', init.max]] as const) {
      const bad = checkElement(r.dtype, v);
      if (bad) return `random ${k}=${formatNumber(v)} ${bad}`;
    }
    if (init.min > init.max) return `random min=${formatNumber(init.min)} is greater than max=${formatNumber(init.max)}`;
    return undefined;
  }
  return `unknown init kind '${String((init as { kind: unknown }).kind)}'`;
}

/** The first problem of one region (its name is in the message), or undefined. */
export function checkRegion(r: Region): { part: RegionPart; reason: string } | undefined {
  const fail = (part: RegionPart, why: string) => ({ part, reason: `region '${r.name}': ${why}` });
  if (typeof r.name !== 'string' || !IDENT_RE.test(r.name)) return fail('name', 'the name is not an identifier');
  if ((SPACES as readonly string[]).includes(r.name)) return fail('name', `'${r.name}' is a memory space and cannot name a region`);
  if (!(DTYPES as readonly string[]).includes(r.dtype)) return fail('dtype', `unknown dtype '${String(r.dtype)}' (expected ${formatChoices(DTYPES)})`);
  if (!Array.isArray(r.shape) || r.shape.length < 1 || r.shape.length > MAX_RANK) {
    return fail('shape', `the shape must have 1..${MAX_RANK} dimensions`);
  }
  for (const d of r.shape) {
    if (!Number.isInteger(d) || d < 1 || d >= ADDR_LIMIT) return fail('shape', `dimension ${formatNumber(d)} is out of range 1..4294967295`);
  }
  const size = regionSize(r);
  if (!Number.isInteger(r.addr) || r.addr < 0 || r.addr >= ADDR_LIMIT) {
    return fail('addr', `address ${formatHex(r.addr)} is out of range 0x0..0xffffffff`);
  }
  const el = DTYPE_BYTES[r.dtype];
  if (r.addr % el !== 0) return fail('addr', `address ${formatHex(r.addr)} is not aligned to ${el} bytes (${r.dtype})`);
  if (r.addr + size > ADDR_LIMIT) return fail('shape', `${size} bytes at ${formatHex(r.addr)} run past the 4 GiB DRAM address space`);
  if (r.scale !== undefined && !(Number.isFinite(r.scale) && r.scale > 0)) {
    return fail('scale', `scale=${formatNumber(r.scale)} must be a positive finite number`);
  }
  const bad = checkInit(r, r.init);
  return bad ? fail('init', bad) : undefined;
}

/** Names the first pair of overlapping regions, if any. */
export function findRegionOverlap(regions: readonly Region[]): { index: number; reason: string } | undefined {
  const order = regions.map((r, index) => ({ r, index, end: r.addr + regionSize(r) })).sort((a, b) => a.r.addr - b.r.addr || a.index - b.index);
  let widest = order[0];
  for (const cur of order.slice(1)) {
    if (widest && cur.r.addr < widest.end) {
      const [a, b] = widest.index < cur.index ? [widest, cur] : [cur, widest];
      return {
        index: b.index,
        reason: `region '${b.r.name}' [${formatHex(b.r.addr)}, ${formatHex(b.end)}) overlaps region '${a.r.name}' [${formatHex(a.r.addr)}, ${formatHex(a.end)})`,
      };
    }
    if (!widest || cur.end > widest.end) widest = cur;
  }
  return undefined;
}

// ---- Programs -------------------------------------------------------------------------------

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A reason a layer name cannot be stored (UTF-8, non-empty, at most 65535 bytes), if any. */
export function checkLayerName(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'must be a non-empty string';
  if (LONE_SURROGATE.test(name)) return 'is not valid Unicode';
  if (new TextEncoder().encode(name).length > 0xffff) return 'is longer than 65535 bytes';
  return undefined;
}

/** Where a program breaks the HALT rule (one HALT, as the last instruction), if it does. */
export function findHaltIssue(instrs: readonly Instr[]): { index: number; reason: string } | undefined {
  const k = instrs.findIndex((i) => i.op === 'HALT');
  if (k >= 0 && k !== instrs.length - 1) return { index: k, reason: 'HALT must be the last instruction' };
  if (k < 0) return { index: Math.max(0, instrs.length - 1), reason: 'the program must end with HALT' };
  return undefined;
}

/** Throws a DlpError for the first problem of a program: each region, overlaps, layer names,
 * constants, each instruction, and HALT as the last (and only the last) instruction. */
export function validateProgram(p: Program, file?: string): void {
  const symbols = new Set<string>();
  for (const r of p.regions) {
    const bad = checkRegion(r);
    if (bad) throw new DlpError(bad.reason, { file });
    if (symbols.has(r.name)) throw new DlpError(`region '${r.name}' is defined twice`, { file });
    symbols.add(r.name);
  }
  const overlap = findRegionOverlap(p.regions);
  if (overlap) throw new DlpError(overlap.reason, { file });
  for (const [tag, name] of Object.entries(p.layerNames)) {
    const t = Number(tag);
    if (!Number.isInteger(t) || t < 0 || t > 255) throw new DlpError(`layer tag ${tag} is out of range 0..255`, { file });
    const bad = checkLayerName(name);
    if (bad) throw new DlpError(`layer ${tag} name ${bad}`, { file });
  }
  for (const [name, value] of Object.entries(p.consts ?? {})) {
    if (!IDENT_RE.test(name) || (SPACES as readonly string[]).includes(name)) throw new DlpError(`constant name '${name}' is not a valid identifier`, { file });
    if (symbols.has(name)) throw new DlpError(`constant '${name}' has the same name as a region`, { file });
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new DlpError(`constant '${name}' is not a finite number`, { file });
  }
  p.instrs.forEach((instr, k) => {
    const loc = { file, ...(p.locs?.[k] ?? {}), instr: k };
    validateInstr(instr, loc);
  });
  const halt = findHaltIssue(p.instrs);
  if (halt) throw new DlpError(halt.reason, halt.reason.startsWith('HALT') ? { file, ...(p.locs?.[halt.index] ?? {}), instr: halt.index } : { file });
}

