// Generates docs/isa.md from the spec: every instruction with its fields, bit layout, rules,
// semantics and timing class, plus the ACT numerics, the assembly syntax and the file format.
// A test fails when docs/isa.md differs from generateIsaDoc(), so the two never drift.
import { MAX_EXPR_DEPTH, MAX_EXPR_OPERATORS } from './asm-parse.js';
import { FILE_MAGIC, FILE_VERSION, HEADER_BYTES } from './encode.js';
import { formatChoices, formatHex } from './format.js';
import { REGION_ALIGN } from './assemble.js';
import { SLOPE_LIMIT } from './act.js';
import {
  ACT_FUNCS, DTYPES, DTYPE_BYTES, INSTR_BYTES, ISA, MNEMONICS, OPCODE_BITS, SPACES, TIMING_CLASSES,
  fieldLayout, fieldRange, type FieldSpec, type Mnemonic,
} from './spec.js';
import { INSTR_RULES, MAX_RANK } from './validate.js';

const table = (head: string[], rows: string[][]): string =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`)].join('\n');

const code = (s: string) => `\`${s}\``;
const opcodeHex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

function describeRange(f: FieldSpec): string {
  const { min, max } = fieldRange(f);
  switch (f.kind) {
    case 'addr': {
      const spaces = f.spaces ?? [f.space!];
      const align = typeof f.align === 'number' ? `, multiple of ${f.align}` : f.align ? `, multiple of size(${f.align})` : '';
      return `${spaces.map((s) => code(`${s}[…]`)).join(' or ')}, ${formatHex(min)}..${formatHex(max)}${align}`;
    }
    case 'enum': return f.values!.map(code).join(', ');
    case 'flag': return '0 or 1';
    case 'f32': return 'binary32 (finite)';
    default: return `${min}..${max}${f.minFrom ? `, >= ${code(f.minFrom)}` : ''}`;
  }
}

function describeDefault(f: FieldSpec, fields: readonly FieldSpec[]): string {
  if (f.implicit) return `space of ${code(fields.find((x) => x.spaceField === f.name)?.name ?? '?')}`;
  if (f.default !== undefined) return code(String(f.default));
  if (f.defaultFrom !== undefined) return `= ${code(f.defaultFrom)}`;
  return 'required';
}

function describeInstr(op: Mnemonic): string {
  const spec = ISA[op];
  const fields = spec.fields as readonly FieldSpec[];
  const layout = fieldLayout(op);
  const used = layout.reduce((s, l) => s + l.field.bits, OPCODE_BITS);
  const bitRange = (lo: number, bits: number) => (bits === 1 ? `${lo}` : `${lo}–${lo + bits - 1}`);
  const rules = [
    ...fields.filter((f) => f.kind === 'addr' && f.align !== undefined).map((f) =>
      `${code(f.name)} is a multiple of ${typeof f.align === 'number' ? `${f.align} bytes` : `the element size of ${code(String(f.align))}`}.`),
    ...fields.filter((f) => f.minFrom).map((f) => `${code(f.name)} >= ${code(f.minFrom!)}.`),
    ...INSTR_RULES.filter((r) => r.op === op).map((r) => r.doc),
  ];
  const example = fields.filter((f) => !f.implicit).map((f) => {
    if (f.kind === 'addr') return `${f.name}=${(f.spaces ?? [f.space!])[0]}[…]`;
    return `${f.name}=${f.kind === 'enum' ? (f.default ?? f.values![0]) : f.default ?? '…'}`;
  });
  return [
    `### ${op} (opcode ${opcodeHex(spec.opcode)})`,
    '',
    spec.summary,
    '',
    `Unit ${code(spec.unit)}, queue ${code(spec.queue)}, timing class ${code(spec.timing)}.`,
    '',
    `Syntax: ${code(`${op} ${example.join(', ')}`)}`,
    '',
    `Semantics: ${spec.semantics}`,
    '',
    table(['field', 'kind', 'bits', 'range / values', 'default', 'meaning'],
      fields.map((f) => [code(f.name), f.kind, String(f.bits), describeRange(f), describeDefault(f, fields), f.doc])),
    '',
    'Bit layout (bit 0 is the least significant bit of byte 0):',
    '',
    table(['bits', 'field'], [
      [bitRange(0, OPCODE_BITS), `opcode = ${opcodeHex(spec.opcode)}`],
      ...layout.map((l) => [bitRange(l.offset, l.field.bits), code(l.field.name)]),
      ...(used < INSTR_BYTES * 8 ? [[bitRange(used, INSTR_BYTES * 8 - used), 'reserved, must be 0']] : []),
    ]),
    ...(rules.length ? ['', 'Rules checked by the assembler, encoder and decoder:', '', ...rules.map((r) => `- ${r}`)] : []),
  ].join('\n');
}

const ACT_SEMANTICS = `## ACT semantics

The simulator and the compiler implement exactly these rules. Definitions:
\`roundShift(p, s) = sign(p)·floor((|p| + 2^(s-1)) / 2^s)\` for s > 0 and \`p\` for s = 0 (round half
away from zero); \`roundHalfAway(v)\` rounds to the nearest integer, halves away from zero;
\`sat_T\` clamps to the range of int8 or int16; \`fround\` rounds to the nearest binary32;
\`clamp_int32\` clamps to the int32 range. Integer intermediates are exact (no overflow) unless
stated.

For every row r < rows and column c < cols (src at \`src + (r·srcPitch + c)·size(inType)\`, dst at
\`dst + (r·dstPitch + c)·size(outType)\`):

1. x = src[r][c] (inType int8/int16/int32 read as an integer, or fp32); if bias: x += aux[c]
   (int32 wrap-around add for an integer inType — bias elements are int32 when inType is
   integer, fp32 add with fp32 rounding otherwise).
2. Integer path (inType integer, outType int8/int16/int32, func ∈ identity/relu/leaky/prelu):
   relu: x = max(x, 0); leaky/prelu with x < 0: x = roundShift(x·A, 16) with
   A = round(alpha·65536) (prelu: alpha = fp32 slope at aux + 4·cols·bias + 4·c; |alpha| ≤ ${SLOPE_LIMIT}
   keeps |x·A| within 2^53, so a larger PReLU slope is an execution error and a larger leaky
   alpha a validation error); then
   q = sat_out(roundShift(x·mult, shift)) (int32 out: wrap to int32).
3. Float path (everything else): v = inType integer ? fround(x·scale) : x; y = fround(f(v)) with
   f = identity, relu, leaky (v<0: alpha·v), prelu, elu (v<0: alpha·(exp(v)−1)),
   sigmoid 1/(1+exp(−v)), tanh; outType fp32 → y; outType integer →
   Y = clamp_int32(roundHalfAway(y·65536)), q = sat_out(roundShift(Y·mult, shift)).
4. softmax (row-wise, outType must be fp32, whole row in one instruction): v_c as in 3 (after
   bias), m = max_c v_c, e_c = fround(exp(v_c − m)), s = fp32 sequential sum of e_c in column
   order, y_c = fround(e_c / s).`;

const SYNTAX = `## Assembly syntax (.dlps)

One statement per line; \`;\` or \`#\` starts a comment that runs to the end of the line.
Mnemonics are case-insensitive (printed in upper case); names are case-sensitive.

\`\`\`
.layer 1 fc1                                  ; layer tag → name (bare, or a JSON-quoted string)
.const K = 784                                ; a named number
.region x   int8  [4, 784]  @ 0x0     = random(seed=1, min=-128, max=127)
.region w   int8  [784, 128]           = random(seed=2, min=-128, max=127)
.region b   int32 [3]       scale=0.5  = data(1, 2, 3)
.region y   int8  [4, 128]                    ; no initialiser: zero-filled
    LOAD   dst=nram[0], src=dram[x], rows=4, cols=K, stride=K, dtype=int8
    MATMUL out=nram[0x1000], in=nram[0], w=wram[0], m=4, k=K, n=128, acc=0, dtype=int8, layer=1
    HALT
\`\`\`

- **Operands** are \`name=value\`, separated by commas, in any order. Omitted operands take the
  field's default, or the value of another field (\`defaultFrom\`, e.g. a pitch defaults to the
  row length); fields with neither are required. Implicit fields (LOAD's \`space\`) are never
  written: they come from the space of the address operand.
- **Values** are expressions: decimal (\`12\`, \`0.5\`, \`1e-3\`), hex (\`0x40\`), names of \`.const\`s and
  \`.region\`s (a region name means its DRAM base address), \`+ - *\`, unary minus and parentheses.
  Integer fields need an integer result; f32 fields round the result to binary32. Enum fields
  (${code('dtype')}, ${code('func')}, …) take the value's name.
- **Addresses** are written \`space[expr]\` with space one of ${SPACES.map(code).join(', ')}; the space must
  be one the field allows, and the address a multiple of the operand's element size.
- **Regions**: \`.region NAME DTYPE [d0, d1, …] [@ ADDR] [scale=S] [= INIT]\` declares a DRAM
  tensor (1..${MAX_RANK} dimensions, row-major). Without \`@\`, the region is placed after the
  previous ones at the next multiple of ${REGION_ALIGN} bytes. Regions must not overlap. INIT is
  \`data(v0, v1, …)\` (exactly one value per element, each fitting the dtype; fp32 values are
  rounded to binary32), \`random(seed=S, min=A, max=B)\` (min/max default to the dtype's full
  range, or -1..1 for fp32) or \`zero\` (the default). \`scale\` records the quantisation scale.
- **Symbols** used by directives must be defined above them; instructions may use any symbol.
- **The program ends with HALT**, and HALT appears nowhere else.
- **Canonical form** (\`dlp disasm\`, \`printProgram\`): layer names, constants, regions with explicit
  addresses, then every instruction with every non-implicit field in spec order (addresses in
  hex, f32 values as the shortest decimal that rounds back exactly). Assembling the canonical
  text gives back the same program.

### Limits of the assembler

Parsing and evaluating an expression recurse once per parenthesis level and per operator, so
the assembler caps both before parsing a line, with the line and column of the offending
character: at most **${MAX_EXPR_DEPTH}** nested parentheses and at most **${MAX_EXPR_OPERATORS}** operators (\`+\`, \`-\`, \`*\`,
unary or binary) between two commas of a line (the sign of an exponent such as \`1e-5\` does
not count; strings and comments are skipped).

\`\`\`
long.dlps:1:526: expression has more than ${MAX_EXPR_OPERATORS} operators (the assembler's limit)
deep.dlps:1:44: expression nested more than ${MAX_EXPR_DEPTH} parentheses deep (the assembler's limit)
\`\`\``;

const FILE_FORMAT = `## Program files (.dlpb), version ${FILE_VERSION}

All integers little-endian. Strings are a u16 byte length followed by UTF-8 bytes.

${table(['offset', 'size', 'content'], [
  ['0', '4', `magic ${code(FILE_MAGIC)}`],
  ['4', '2', `version (${FILE_VERSION})`],
  ['6', '2', `header size (${HEADER_BYTES})`],
  ['8', '4', 'instruction count'],
  ['12', '4', 'region count'],
  ['16', '4', 'layer-name count'],
  ['20', '4', 'constant count'],
  ['24', '4', 'total file size in bytes'],
  ['28', '4', 'reserved, 0'],
  [String(HEADER_BYTES), `${INSTR_BYTES}·n`, 'instruction words'],
])}

Then the regions, each: name (string), dtype (u8 index into ${DTYPES.map(code).join(', ')}), rank (u8),
rank × u32 dimensions, address (u32), flags (u8; bit 0: a f64 scale follows), the scale (f64,
if flagged), init kind (u8: 0 zero, 1 data, 2 random), then for data the elements in the
region's dtype (row-major), for random seed (u32), min (f64), max (f64). Then the layer names
(u8 tag, string) and the constants (string, f64). Decoding checks every count, offset and field
and reports the byte offset of the first problem; a repeated layer tag or constant name is
refused (the assembler refuses both too), never collapsed.

Random fills draw one number u per element, in row-major order, from mulberry32 seeded with
\`seed\` (\`createRng\` in isa/rng.ts): integers are \`min + floor(u·(max − min + 1))\`, fp32 values
\`fround(min + u·(max − min))\`.`;

/** The full text of docs/isa.md. */
export function generateIsaDoc(): string {
  const summary = table(['mnemonic', 'opcode', 'unit', 'queue', 'timing', 'summary'],
    MNEMONICS.map((m) => [code(m), opcodeHex(ISA[m].opcode), ISA[m].unit, ISA[m].queue, ISA[m].timing, ISA[m].summary]));
  const timing = table(['class', 'instructions'],
    TIMING_CLASSES.map((t) => [code(t), MNEMONICS.filter((m) => ISA[m].timing === t).join(', ')]));
  return [
    '# The dlpkit instruction set',
    '',
    '<!-- Generated from isa/spec.ts by `npm run docs` (isa/docs.ts). Do not edit by hand. -->',
    '',
    `Every instruction is one ${INSTR_BYTES * 8}-bit word (${INSTR_BYTES} bytes, little-endian): an ${OPCODE_BITS}-bit opcode in`,
    'bits 0..7, then the fields in the order listed, packed from the least significant bit up.',
    'Enum fields hold the index of the value; f32 fields hold the binary32 bit pattern; unused high',
    'bits are zero.',
    '',
    `Memory spaces: ${SPACES.map(code).join(', ')} (byte addressed; DRAM is global, NRAM holds neurons and partial`,
    'sums, WRAM holds weights; capacities come from the hardware config).',
    `Element types: ${DTYPES.map((d) => `${code(d)} (${DTYPE_BYTES[d]} B)`).join(', ')}.`,
    `ACT functions: ${formatChoices(ACT_FUNCS.map(code))}.`,
    '',
    summary,
    '',
    '## Timing classes',
    '',
    'The simulator and the compiler cost instructions by class (formulas in isa/timing.ts).',
    '',
    timing,
    '',
    '## Instructions',
    '',
    MNEMONICS.map(describeInstr).join('\n\n'),
    '',
    ACT_SEMANTICS,
    '',
    SYNTAX,
    '',
    FILE_FORMAT,
    '',
  ].join('\n');
}
