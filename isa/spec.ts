// The dlpkit ISA as data. This is the single source of truth: the assembler, printer,
// encoder, decoder, docs generator, simulator dispatch and compiler all read this table.
// Nothing here is retyped elsewhere; TypeScript types for instructions are derived below.

/** Memory spaces. DRAM is global and byte addressed; NRAM holds neurons and partial sums,
 * WRAM holds weights. Capacities come from the hardware config, never from the ISA. */
export const SPACES = ['dram', 'nram', 'wram'] as const;
export type Space = (typeof SPACES)[number];

/** Element types. int32 is the accumulator type of the integer paths. */
export const DTYPES = ['int8', 'int16', 'int32', 'fp32'] as const;
export type DType = (typeof DTYPES)[number];
export const DTYPE_BYTES: Record<DType, number> = { int8: 1, int16: 2, int32: 4, fp32: 4 };

/** Vector-unit functions of ACT. `softmax` is row-wise; the rest are element-wise. */
export const ACT_FUNCS = ['identity', 'relu', 'leaky', 'prelu', 'elu', 'sigmoid', 'tanh', 'softmax'] as const;
export type ActFunc = (typeof ACT_FUNCS)[number];

/** Execution units. Instructions are dispatched in order to one queue per unit group. */
export const UNITS = ['dma-in', 'mfu', 'vfu', 'dma-out', 'control'] as const;
export type Unit = (typeof UNITS)[number];

/** Queues of the decoupled machine: LOAD → load queue, MATMUL/ACT → compute, STORE → store. */
export const QUEUES = ['load', 'compute', 'store', 'control'] as const;
export type Queue = (typeof QUEUES)[number];

/** Timing classes; the simulator's cost formulas are keyed by these names (see docs/isa.md). */
export const TIMING_CLASSES = ['dma', 'matmul', 'vector', 'sync', 'halt'] as const;
export type TimingClass = (typeof TIMING_CLASSES)[number];

/** Field kinds:
 * - `addr`: a byte address in one memory space (`space`), or in one of several (`spaces`),
 *   in which case the chosen space is stored in the enum field named by `spaceField`.
 *   Written in assembly as `space[expr]`, e.g. `nram[0x400]` or `dram[input + 64]`.
 * - `uint`: unsigned integer of `bits` bits (min/max may narrow it).
 * - `enum`: index into `values`, written by name.
 * - `flag`: 0 or 1.
 * - `f32`: an IEEE-754 binary32 stored as its bit pattern, written as a decimal number. */
export type FieldKind = 'addr' | 'uint' | 'enum' | 'flag' | 'f32';

export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  readonly bits: number;
  readonly doc: string;
  readonly space?: Space;
  readonly spaces?: readonly Space[];
  readonly spaceField?: string;
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** Value used when the operand is omitted in assembly; fields without one are required. */
  readonly default?: number | string;
  /** Value taken from another field when omitted (e.g. a row pitch defaults to the row length). */
  readonly defaultFrom?: string;
  /** Fields derived from another operand (e.g. the space of a LOAD) are not written as operands. */
  readonly implicit?: boolean;
  /** Address alignment in bytes: a number, or the name of the enum field holding the dtype
   * whose element size the address must be a multiple of. */
  readonly align?: number | string;
  /** The value must be >= this other field's value (row pitches are at least the row length). */
  readonly minFrom?: string;
}

export interface InstrSpec {
  readonly opcode: number;
  readonly unit: Unit;
  readonly queue: Queue;
  readonly timing: TimingClass;
  readonly summary: string;
  readonly semantics: string;
  readonly fields: readonly FieldSpec[];
}

/** Instruction width: 256 bits (32 bytes), little-endian, fields packed LSB-first after an
 * 8-bit opcode in bits 0..7. Wider than VTA's 128 bits so every MATMUL/ACT carries its row
 * pitches and requantisation constants in one word (no mode registers, no hidden state). */
export const INSTR_BYTES = 32;
export const OPCODE_BITS = 8;

const layer = {
  name: 'layer', kind: 'uint', bits: 8, default: 0,
  doc: 'Layer tag for per-layer reports (0 = untagged). Has no effect on results.',
} as const;

export const ISA = {
  LOAD: {
    opcode: 0x01, unit: 'dma-in', queue: 'load', timing: 'dma',
    summary: '2-D strided DMA from DRAM into NRAM or WRAM.',
    semantics:
      'for r < rows: copy cols elements of dtype from DRAM[src + r*stride] to ' +
      'space[dst + r*pitch*size(dtype)]. Rows are packed on chip with row pitch `pitch` elements.',
    fields: [
      { name: 'dst', kind: 'addr', bits: 24, spaces: ['nram', 'wram'], spaceField: 'space', align: 'dtype', doc: 'On-chip destination byte address.' },
      { name: 'space', kind: 'enum', bits: 2, values: ['nram', 'wram'], implicit: true, doc: 'Destination space (from the dst operand).' },
      { name: 'src', kind: 'addr', bits: 32, space: 'dram', align: 'dtype', doc: 'DRAM source byte address of row 0.' },
      { name: 'rows', kind: 'uint', bits: 16, min: 1, doc: 'Number of rows.' },
      { name: 'cols', kind: 'uint', bits: 16, min: 1, doc: 'Elements per row.' },
      { name: 'stride', kind: 'uint', bits: 32, doc: 'DRAM distance between rows in bytes (may be less than a row only when rows = 1).' },
      { name: 'pitch', kind: 'uint', bits: 16, min: 1, defaultFrom: 'cols', minFrom: 'cols', doc: 'On-chip row pitch in elements (>= cols); defaults to cols.' },
      { name: 'dtype', kind: 'enum', bits: 2, values: DTYPES, doc: 'Element type (sets the element size).' },
      layer,
    ],
  },
  STORE: {
    opcode: 0x02, unit: 'dma-out', queue: 'store', timing: 'dma',
    summary: '2-D strided DMA from NRAM to DRAM.',
    semantics:
      'for r < rows: copy cols elements of dtype from NRAM[src + r*pitch*size(dtype)] to DRAM[dst + r*stride].',
    fields: [
      { name: 'dst', kind: 'addr', bits: 32, space: 'dram', align: 'dtype', doc: 'DRAM destination byte address of row 0.' },
      { name: 'src', kind: 'addr', bits: 24, space: 'nram', align: 'dtype', doc: 'NRAM source byte address.' },
      { name: 'rows', kind: 'uint', bits: 16, min: 1, doc: 'Number of rows.' },
      { name: 'cols', kind: 'uint', bits: 16, min: 1, doc: 'Elements per row.' },
      { name: 'stride', kind: 'uint', bits: 32, doc: 'DRAM distance between rows in bytes.' },
      { name: 'pitch', kind: 'uint', bits: 16, min: 1, defaultFrom: 'cols', minFrom: 'cols', doc: 'NRAM row pitch in elements (>= cols); defaults to cols.' },
      { name: 'dtype', kind: 'enum', bits: 2, values: DTYPES, doc: 'Element type.' },
      layer,
    ],
  },
  MATMUL: {
    opcode: 0x03, unit: 'mfu', queue: 'compute', timing: 'matmul',
    summary: 'Matrix tile on the MFU: out (=|+=) in (m×k) · w (k×n).',
    semantics:
      'out[i][j] = (acc ? out[i][j] : 0) + Σ_p in[i][p]·w[p][j]. int8/int16 operands multiply exactly and ' +
      'accumulate in int32 with two\'s-complement wrap-around; out is int32. fp32 operands: the sum is ' +
      'formed in double precision and rounded to fp32 once when stored (after adding the old out when acc=1); ' +
      'out is fp32. Row pitches are in elements. `out` must not overlap `in` or `w`.',
    fields: [
      { name: 'out', kind: 'addr', bits: 24, space: 'nram', align: 4, doc: 'NRAM address of the m×n int32/fp32 result.' },
      { name: 'in', kind: 'addr', bits: 24, space: 'nram', align: 'dtype', doc: 'NRAM address of the m×k input tile.' },
      { name: 'w', kind: 'addr', bits: 24, space: 'wram', align: 'dtype', doc: 'WRAM address of the k×n weight tile.' },
      { name: 'm', kind: 'uint', bits: 16, min: 1, doc: 'Rows of the input tile (batch rows).' },
      { name: 'k', kind: 'uint', bits: 16, min: 1, doc: 'Reduction length.' },
      { name: 'n', kind: 'uint', bits: 16, min: 1, doc: 'Columns of the weight tile (output features).' },
      { name: 'outPitch', kind: 'uint', bits: 16, min: 1, defaultFrom: 'n', minFrom: 'n', doc: 'Row pitch of out in elements; defaults to n.' },
      { name: 'inPitch', kind: 'uint', bits: 16, min: 1, defaultFrom: 'k', minFrom: 'k', doc: 'Row pitch of in in elements; defaults to k.' },
      { name: 'wPitch', kind: 'uint', bits: 16, min: 1, defaultFrom: 'n', minFrom: 'n', doc: 'Row pitch of w in elements; defaults to n.' },
      { name: 'acc', kind: 'flag', bits: 1, default: 0, doc: '1: add to the existing out; 0: overwrite.' },
      { name: 'dtype', kind: 'enum', bits: 2, values: DTYPES, doc: 'Operand type: int8, int16 (int32 out) or fp32 (fp32 out).' },
      layer,
      { name: 'swap', kind: 'flag', bits: 1, default: 0, doc: 'Mapping only, never the result: 1 maps the transposed product outᵀ = wᵀ·inᵀ onto the MFU (the array holds the in tile and streams w), so the tile costs what an n×k·k×m tile costs.' },
    ],
  },
  ACT: {
    opcode: 0x04, unit: 'vfu', queue: 'compute', timing: 'vector',
    summary: 'Vector-unit pass over a rows×cols region: bias, activation, requantisation or softmax.',
    semantics: 'See "ACT semantics" in docs/isa.md: bias add, activation, then requantisation; exact integer rules.',
    fields: [
      { name: 'dst', kind: 'addr', bits: 24, space: 'nram', align: 'outType', doc: 'NRAM destination address.' },
      { name: 'src', kind: 'addr', bits: 24, space: 'nram', align: 'inType', doc: 'NRAM source address (may equal dst when element sizes match).' },
      { name: 'rows', kind: 'uint', bits: 16, min: 1, doc: 'Rows of the region.' },
      { name: 'cols', kind: 'uint', bits: 16, min: 1, doc: 'Columns of the region.' },
      { name: 'dstPitch', kind: 'uint', bits: 16, min: 1, defaultFrom: 'cols', minFrom: 'cols', doc: 'Row pitch of dst in elements; defaults to cols.' },
      { name: 'srcPitch', kind: 'uint', bits: 16, min: 1, defaultFrom: 'cols', minFrom: 'cols', doc: 'Row pitch of src in elements; defaults to cols.' },
      { name: 'aux', kind: 'addr', bits: 24, space: 'nram', default: 0, align: 4, doc: 'NRAM address of per-column parameters: the bias vector (cols int32 values for an integer inType, cols fp32 otherwise; if bias=1), followed by the PReLU slopes (cols fp32, if func=prelu).' },
      { name: 'bias', kind: 'flag', bits: 1, default: 0, doc: '1: add the per-column bias at aux before the activation.' },
      { name: 'func', kind: 'enum', bits: 4, values: ACT_FUNCS, default: 'identity', doc: 'Activation function.' },
      { name: 'inType', kind: 'enum', bits: 2, values: DTYPES, doc: 'Element type of src (int32 accumulators or fp32, or int8/int16).' },
      { name: 'outType', kind: 'enum', bits: 2, values: DTYPES, doc: 'Element type of dst (int8/int16 requantised, int32, or fp32).' },
      { name: 'mult', kind: 'uint', bits: 16, max: 32767, default: 1, doc: 'Requantisation multiplier M (0..32767).' },
      { name: 'shift', kind: 'uint', bits: 6, max: 47, default: 0, doc: 'Requantisation right shift S (0..47).' },
      { name: 'scale', kind: 'f32', bits: 32, default: 1, doc: 'Dequantisation scale from integer inputs into the fp32 path (sigmoid, tanh, elu, softmax, fp32 output).' },
      { name: 'alpha', kind: 'f32', bits: 32, default: 0, doc: 'Slope for leaky (|alpha| <= 64) and alpha for elu.' },
      layer,
    ],
  },
  SYNC: {
    opcode: 0x05, unit: 'control', queue: 'control', timing: 'sync',
    summary: 'Barrier: dispatch stops until every queue is empty and every unit idle.',
    semantics: 'Waits until all earlier instructions have completed.',
    fields: [layer],
  },
  HALT: {
    opcode: 0x06, unit: 'control', queue: 'control', timing: 'halt',
    summary: 'End of program; completes when all earlier instructions have completed.',
    semantics: 'Waits for all units to drain, then stops the machine. Every program must end with HALT.',
    fields: [layer],
  },
} as const satisfies Record<string, InstrSpec>;

export type Mnemonic = keyof typeof ISA;
export const MNEMONICS = Object.keys(ISA) as Mnemonic[];

// ---- Derived instruction types -------------------------------------------------------------

type FieldsOf<M extends Mnemonic> = (typeof ISA)[M]['fields'][number];
type ValueOf<F> = F extends { kind: 'enum'; values: readonly (infer V)[] } ? V : number;

/** One decoded instruction: `op` plus one property per spec field (enums by name, addresses
 * and numbers as numbers, f32 fields as JS numbers exactly representable in binary32). */
export type InstrOf<M extends Mnemonic> = { op: M } & { -readonly [F in FieldsOf<M> as F['name']]: ValueOf<F> };
export type Instr = { [M in Mnemonic]: InstrOf<M> }[Mnemonic];
export type LoadInstr = InstrOf<'LOAD'>;
export type StoreInstr = InstrOf<'STORE'>;
export type MatmulInstr = InstrOf<'MATMUL'>;
export type ActInstr = InstrOf<'ACT'>;

/** Lookup of a field spec by instruction and name. */
export function fieldSpec(op: Mnemonic, name: string): FieldSpec | undefined {
  return (ISA[op].fields as readonly FieldSpec[]).find((f) => f.name === name);
}

/** Opcode → mnemonic, derived. */
export const MNEMONIC_BY_OPCODE: ReadonlyMap<number, Mnemonic> = new Map(
  MNEMONICS.map((m) => [ISA[m].opcode, m] as const),
);

/** Inclusive numeric range a field accepts (after spec min/max narrowing). */
export function fieldRange(f: FieldSpec): { min: number; max: number } {
  if (f.kind === 'enum') return { min: 0, max: (f.values?.length ?? 1) - 1 };
  if (f.kind === 'flag') return { min: 0, max: 1 };
  if (f.kind === 'f32') return { min: -Infinity, max: Infinity };
  const max = Math.min(f.max ?? Infinity, 2 ** f.bits - 1);
  return { min: f.min ?? 0, max };
}

/** Bit offset of every field within the 256-bit word (opcode occupies bits 0..7). */
export function fieldLayout(op: Mnemonic): { field: FieldSpec; offset: number }[] {
  let offset = OPCODE_BITS;
  return (ISA[op].fields as readonly FieldSpec[]).map((field) => {
    const at = { field, offset };
    offset += field.bits;
    return at;
  });
}
