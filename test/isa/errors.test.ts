// Error messages pinned exactly, with positions: syntax (ohm), semantic checks of the
// assembler, and the decoder's complaints about damaged files.
import { describe, expect, it } from 'vitest';
import { assemble, decodeInstr, decodeProgram, DlpError, encodeInstr, encodeProgram, materializeDram, validateInstr, type Instr } from '../../isa/index.js';

const L = '    LOAD dst=nram[0], src=dram[0]';

// [source (HALT appended unless the case is about HALT), message]
const ASM_ERRORS: [string, string][] = [
  // syntax, from ohm
  ['LOAD dst=nram[0],', 't.dlps:1:18: expected an operand'],
  ['LOAD 5', 't.dlps:1:6: expected end of input, end of line, or an operand'],
  [`${L}, rows=4 cols=4`, 't.dlps:1:43: expected end of input, end of line, ",", "-", "+", or "*"'],
  ['.region x int8 4', 't.dlps:1:16: expected "["'],
  ['.const = 4', 't.dlps:1:8: expected a name'],
  [`${L}, rows=(4`, 't.dlps:1:43: expected ")"'],
  // directives
  ['.foo 1', "t.dlps:1:1: unknown directive '.foo' (expected .layer, .const or .region)"],
  ['.region b int32 [128] = data(1, 2, 3)', "t.dlps:1:25: region 'b': data has 3 values but shape [128] holds 128"],
  ['.region b int8 [2] = data(1, 300)', "t.dlps:1:30: region 'b': data value 300 at index 1 is out of range -128..127 for int8"],
  ['.region b int8 [2] = data(1, 2.5)', "t.dlps:1:30: region 'b': data value 2.5 at index 1 is not an integer (int8)"],
  ['.region a int8 [100] @ 0\n.region b int8 [10] @ 0x20', "t.dlps:2:1: region 'b' [0x20, 0x2a) overlaps region 'a' [0x0, 0x64)"],
  ['.region a int32 [4] @ 2', "t.dlps:1:23: region 'a': address 0x2 is not aligned to 4 bytes (int32)"],
  ['.region a int9 [4]', "t.dlps:1:11: unknown dtype 'int9' (expected int8, int16, int32 or fp32)"],
  ['.region a int8 [0]', "t.dlps:1:17: region 'a': dimension 0 is out of range 1..4294967295"],
  ['.region a int8 [4] = random(seed=1, min=5, max=1)', "t.dlps:1:22: region 'a': random min=5 is greater than max=1"],
  ['.region a int8 [4] = random(min=1)', "t.dlps:1:22: region 'a': random() needs seed=..."],
  ['.region a int8 [4] = random(seed=1, foo=1)', "t.dlps:1:37: region 'a': random() has no argument 'foo' (expected seed, min or max)"],
  ['.region nram int8 [4]', "t.dlps:1:9: region 'nram': 'nram' is a memory space and cannot name a region"],
  ['.const K = 1\n.const K = 2', "t.dlps:2:8: symbol 'K' is already defined on line 1"],
  ['.const K = J\n.const J = 2', "t.dlps:1:12: symbol 'J' is used before its definition on line 2"],
  ['.layer 300 x', 't.dlps:1:8: layer tag 300 is out of range 0..255'],
  ['.layer 1 a\n.layer 1 b', "t.dlps:2:8: layer 1 is already named 'a'"],
  // instructions
  ['    LAOD dst=nram[0]', "t.dlps:1:5: unknown mnemonic 'LAOD' (did you mean LOAD?)"],
  ['    FROB', "t.dlps:1:5: unknown mnemonic 'FROB'"],
  [`${L}, rows=4, colz=4, stride=4, dtype=int8`, "t.dlps:1:44: LOAD has no operand 'colz' (did you mean 'cols'?)"],
  [`${L}, rows=4, rows=4, cols=4, stride=4, dtype=int8`, "t.dlps:1:44: duplicate operand 'rows'"],
  [`${L}, rows=4, cols=4, stride=4`, "t.dlps:1:5: LOAD is missing operand 'dtype'"],
  [`${L}, rows=70000, cols=4, stride=4, dtype=int8`, 't.dlps:1:41: LOAD rows=70000 is out of range 1..65535'],
  [`${L}, rows=1.5, cols=4, stride=16, dtype=int32`, 't.dlps:1:41: LOAD rows=1.5 is not an integer'],
  [`${L}, rows=4, cols=4, stride=4, dtype=int8, layer=256`, 't.dlps:1:80: LOAD layer=256 is out of range 0..255'],
  ['    LOAD dst=nram[0x3], src=dram[0], rows=1, cols=4, stride=16, dtype=int32', 't.dlps:1:14: LOAD dst=nram[0x3] is not aligned to 4 bytes (dtype=int32)'],
  ['    LOAD dst=dram[0], src=dram[0], rows=1, cols=4, stride=16, dtype=int32', 't.dlps:1:14: LOAD dst must be in nram or wram, not dram'],
  ['    STORE dst=dram[0], src=wram[0], rows=1, cols=4, stride=16, dtype=int32', 't.dlps:1:28: STORE src must be in nram, not wram'],
  ['    LOAD dst=xram[0], src=dram[0], rows=1, cols=4, stride=16, dtype=int32', "t.dlps:1:14: unknown memory space 'xram' (expected dram, nram or wram)"],
  ['    LOAD dst=0, src=dram[0], rows=1, cols=4, stride=16, dtype=int32', 't.dlps:1:14: LOAD dst must be an address like nram[...]'],
  [`${L}, rows=nram[1], cols=4, stride=16, dtype=int32`, 't.dlps:1:41: LOAD rows is not an address; write rows=value'],
  [`${L}, rows=1, cols=4, stride=16, dtype=int9`, 't.dlps:1:69: LOAD dtype=int9 is not one of int8, int16, int32 or fp32'],
  [`${L}, rows=1, cols=4, stride=16, dtype=4`, 't.dlps:1:69: LOAD dtype must be one of int8, int16, int32 or fp32'],
  ['    LOAD dst=nram[0], src=dram[inpt], rows=1, cols=4, stride=16, dtype=int32', "t.dlps:1:32: unknown symbol 'inpt'"],
  ['.region input int8 [4]\n    LOAD dst=nram[0], src=dram[inpt], rows=1, cols=4, stride=4, dtype=int8', "t.dlps:2:32: unknown symbol 'inpt' (did you mean 'input'?)"],
  [`${L}, space=nram, rows=1, cols=4, stride=16, dtype=int32`, "t.dlps:1:36: LOAD operand 'space' is implicit: it is set by the memory space of dst"],
  [`${L}, rows=2, cols=4, stride=8, dtype=int32`, 't.dlps:1:59: LOAD stride=8 is less than one row (16 bytes) with rows=2'],
  [`${L}, rows=2, cols=4, pitch=3, stride=16, dtype=int32`, 't.dlps:1:58: LOAD pitch=3 is less than cols=4'],
  ['    MATMUL out=nram[2], in=nram[0], w=wram[0], m=1, k=1, n=1, dtype=int8', 't.dlps:1:16: MATMUL out=nram[0x2] is not aligned to 4 bytes'],
  ['    MATMUL out=nram[0], in=nram[0], w=wram[0], m=1, k=1, n=1, dtype=int32', 't.dlps:1:69: MATMUL dtype=int32 is not supported (use int8, int16 or fp32)'],
  ['    ACT dst=nram[0], src=nram[0], rows=1, cols=4, func=softmax, inType=fp32, outType=int8', 't.dlps:1:86: ACT func=softmax needs outType=fp32, not int8'],
  ['    ACT dst=nram[0], src=nram[0], rows=1, cols=4, func=leaky, alpha=100, inType=fp32, outType=fp32', 't.dlps:1:69: ACT alpha=100 is out of range -64..64 for func=leaky'],
  ['    ACT dst=nram[0], src=nram[0], rows=1, cols=4, inType=fp32, outType=fp32, scale=1e39', 't.dlps:1:84: ACT scale=1e+39 is out of the fp32 range'],
  ['    ACT dst=nram[1], src=nram[0], rows=1, cols=4, inType=int32, outType=int16', 't.dlps:1:13: ACT dst=nram[0x1] is not aligned to 2 bytes (outType=int16)'],
  ['    ACT dst=nram[0], src=nram[0], aux=nram[2], rows=1, cols=4, inType=int32, outType=int16', 't.dlps:1:39: ACT aux=nram[0x2] is not aligned to 4 bytes'],
  ['    ACT dst=nram[0], src=nram[0], rows=1, cols=4, inType=int32, outType=int16, shift=48', 't.dlps:1:86: ACT shift=48 is out of range 0..47'],
  // HALT placement
  ['    HALT\n    SYNC', 't.dlps:1:5: HALT must be the last instruction'],
  ['    SYNC', 't.dlps:1:5: the program must end with HALT'],
  ['', 't.dlps:1:1: the program must end with HALT'],
];

function assembleError(src: string): DlpError {
  const text = /HALT|^ {4}SYNC$|^$/.test(src) ? src : `${src}\n    HALT\n`;
  try {
    assemble(text, 't.dlps');
  } catch (e) {
    if (e instanceof DlpError) return e;
    throw e;
  }
  throw new Error(`assembled without error: ${src}`);
}

describe('assembler errors', () => {
  it.each(ASM_ERRORS)('%s', (src, message) => {
    expect(assembleError(src).message).toBe(message);
  });

  it('shows a caret excerpt under the failing column', () => {
    const e = assembleError('.const K = 4\n    LOAD dst=nram[0], src=dram[0], rows=4, cols=K, stride=K, dtype=int9');
    expect(e.loc).toEqual({ file: 't.dlps', line: 2, column: 68 });
    expect(e.excerpt).toBe(`2 |     LOAD dst=nram[0], src=dram[0], rows=4, cols=K, stride=K, dtype=int9\n${' '.repeat(71)}^`);
  });
});

describe('decoder errors', () => {
  const good = encodeProgram(assemble('.region a int8 [2] = data(1, 2)\n    SYNC\n    HALT\n'));
  const patched = (at: number, v: number) => { const b = good.slice(); b[at] = v; return b; };
  const CASES: [string, Uint8Array, string][] = [
    ['empty file', new Uint8Array(0), 'x.dlpb: not a dlpkit program: bad magic (expected "DLPB" at byte offset 0)'],
    ['bad magic', new Uint8Array([1, 2, 3, 4, 5, 6]), 'x.dlpb: not a dlpkit program: bad magic (expected "DLPB" at byte offset 0)'],
    ['wrong version', patched(4, 9), 'x.dlpb: unsupported program file version 9 (this dlpkit reads version 1)'],
    ['header cut short', good.slice(0, 10), 'x.dlpb: truncated file: the header needs 4 bytes at byte offset 8, but the file has 10'],
    ['truncated', good.slice(0, good.length - 3), 'x.dlpb: truncated file: the header says 113 bytes, but the file has 110'],
    ['trailing byte', new Uint8Array([...good, 0]), 'x.dlpb: the file is 114 bytes, but the header says 113'],
    ['unknown opcode', patched(32, 0x7f), 'x.dlpb: instruction #0: unknown opcode 0x7f (byte offset 32)'],
    ['field out of range', patched(64, 0x01), 'x.dlpb: instruction #1: LOAD rows=0 is out of range 1..65535 (byte offset 64)'],
    ['reserved bits', patched(63, 1), 'x.dlpb: instruction #0: SYNC has nonzero reserved bits (byte offset 32)'],
    ['no HALT', patched(64, 0x05), 'x.dlpb: the program must end with HALT'],
    ['region dtype', patched(99, 7), 'x.dlpb: region #0 has dtype code 7 at byte offset 99, out of range 0..3'],
    ['region data cut', (() => { const b = good.slice(0, good.length - 1); new DataView(b.buffer).setUint32(24, b.length, true); return b; })(),
      'x.dlpb: truncated file: region #0 data needs 2 bytes at byte offset 111, but the file has 112'],
  ];
  it.each(CASES)('%s', (_name, bytes, message) => {
    let error: unknown;
    try {
      decodeProgram(bytes, 'x.dlpb');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DlpError);
    expect((error as DlpError).message).toBe(message);
  });

  it('decodeInstr names the word when it runs off the end', () => {
    expect(() => decodeInstr(new Uint8Array(40), 16, 3)).toThrow('instruction #3: truncated instruction: needs 32 bytes, 24 left (byte offset 16)');
  });
});

describe('API errors', () => {
  it('validateInstr and encodeInstr reject bad instructions with DlpError', () => {
    const bad = { op: 'SYNC', layer: 300 } as Instr;
    expect(() => validateInstr(bad, { instr: 2 })).toThrow('instruction #2: SYNC layer=300 is out of range 0..255');
    expect(() => encodeInstr(bad)).toThrow('cannot encode: SYNC layer=300 is out of range 0..255');
    expect(() => encodeInstr({ op: 'HALT' } as Instr)).toThrow("cannot encode: HALT is missing field 'layer'");
  });

  it('materializeDram refuses a DRAM that is too small', () => {
    const p = assemble('.region a int32 [4] @ 0x40\n    HALT');
    expect(() => materializeDram(p, 64)).toThrow("DRAM of 64 bytes is too small: region 'a' ends at 0x50");
  });
});
