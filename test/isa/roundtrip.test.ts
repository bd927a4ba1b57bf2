// Every instruction round-trips text → program → bytes → program → text; defaults, symbols and
// expressions resolve as documented; the example program assembles.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  assemble, decodeProgram, encodeInstr, encodeProgram, INSTR_BYTES, ISA, MNEMONICS, printInstr, printProgram,
} from '../../isa/index.js';

const HEAD = '.const K = 784\n.region x int8 [4, 784] @ 0x40\n';

// [source line, canonical line]: one or more per mnemonic, exercising defaults and expressions.
const CASES: [string, string][] = [
  ['LOAD dst=nram[0], src=dram[x], rows=4, cols=K, stride=K, dtype=int8',
    'LOAD   dst=nram[0x0], src=dram[0x40], rows=4, cols=784, stride=784, pitch=784, dtype=int8, layer=0'],
  ['load dtype=int32, src=dram[x + 4*4], dst=wram[0x100], rows=2, cols=3, stride=(3 + 1) * 4, pitch=8, layer=7',
    'LOAD   dst=wram[0x100], src=dram[0x50], rows=2, cols=3, stride=16, pitch=8, dtype=int32, layer=7'],
  ['STORE dst=dram[x], src=nram[0x3000], rows=4, cols=128, stride=128, dtype=int8',
    'STORE  dst=dram[0x40], src=nram[0x3000], rows=4, cols=128, stride=128, pitch=128, dtype=int8, layer=0'],
  ['MATMUL out=nram[0x1000], in=nram[0], w=wram[0], m=4, k=K, n=128, acc=0, dtype=int8, layer=1',
    'MATMUL out=nram[0x1000], in=nram[0x0], w=wram[0x0], m=4, k=784, n=128, outPitch=128, inPitch=784, wPitch=128, acc=0, dtype=int8, layer=1, swap=0'],
  ['MATMUL out=nram[0x40], in=nram[0x80], w=wram[0x10], m=2, k=3, n=4, inPitch=5, acc=1, dtype=fp32',
    'MATMUL out=nram[0x40], in=nram[0x80], w=wram[0x10], m=2, k=3, n=4, outPitch=4, inPitch=5, wPitch=4, acc=1, dtype=fp32, layer=0, swap=0'],
  ['ACT dst=nram[0x3000], src=nram[0x1000], rows=4, cols=128, aux=nram[0x800], bias=1, func=relu, inType=int32, outType=int8, mult=16384, shift=20',
    'ACT    dst=nram[0x3000], src=nram[0x1000], rows=4, cols=128, dstPitch=128, srcPitch=128, aux=nram[0x800], bias=1, func=relu, inType=int32, outType=int8, mult=16384, shift=20, scale=1, alpha=0, layer=0'],
  ['ACT dst=nram[0], src=nram[0], rows=1, cols=10, func=softmax, inType=fp32, outType=fp32, scale=0.1, alpha=-0.01',
    'ACT    dst=nram[0x0], src=nram[0x0], rows=1, cols=10, dstPitch=10, srcPitch=10, aux=nram[0x0], bias=0, func=softmax, inType=fp32, outType=fp32, mult=1, shift=0, scale=0.1, alpha=-0.01, layer=0'],
  ['ACT dst=nram[0x10], src=nram[0x20], rows=2, cols=3, func=leaky, alpha=-(0.25 * 2), inType=int8, outType=int16',
    'ACT    dst=nram[0x10], src=nram[0x20], rows=2, cols=3, dstPitch=3, srcPitch=3, aux=nram[0x0], bias=0, func=leaky, inType=int8, outType=int16, mult=1, shift=0, scale=1, alpha=-0.5, layer=0'],
  ['SYNC', 'SYNC   layer=0'],
  ['SYNC layer=3', 'SYNC   layer=3'],
  ['HALT', 'HALT   layer=0'],
];
const TABLE = CASES;

describe('instruction round trips', () => {
  it('covers every mnemonic', () => {
    expect(new Set(TABLE.map(([, out]) => out.split(' ')[0]))).toEqual(new Set(MNEMONICS));
  });

  it.each(TABLE)('%s', (src, canonical) => {
    const text = `${HEAD}    ${src}\n${src.startsWith('HALT') ? '' : '    HALT\n'}`;
    const p = assemble(text, 't.dlps');
    expect(printInstr(p.instrs[0]!)).toBe(canonical);
    const printed = printProgram(p);
    const q = decodeProgram(encodeProgram(p));
    expect(printProgram(q)).toBe(printed);
    expect(printProgram(assemble(printed))).toBe(printed);
    expect(q.instrs).toEqual(p.instrs);
  });
});

describe('encoding', () => {
  it('packs fields LSB-first after the opcode', () => {
    const p = assemble('    LOAD dst=wram[0x10], src=dram[0x20], rows=3, cols=2, stride=8, dtype=int32, layer=9\n    HALT');
    const w = encodeInstr(p.instrs[0]!);
    expect(w.length).toBe(INSTR_BYTES);
    expect(w[0]).toBe(ISA.LOAD.opcode);
    // dst (24 bits) at bit 8: bytes 1..3 hold 0x000010.
    expect([...w.subarray(1, 4)]).toEqual([0x10, 0, 0]);
    // space (2 bits) at bit 32 = wram (index 1); src (32 bits) from bit 34: 0x20 << 2 = 0x80.
    expect(w[4]).toBe(0x01 | 0x80);
    // layer (8 bits) at bit 148: low nibble in byte 18's top half, high nibble in byte 19.
    expect(((w[18]! >> 4) | (w[19]! << 4)) & 0xff).toBe(9);
    expect(w.subarray(20).every((b) => b === 0)).toBe(true);
  });

  it('writes the DLPB header', () => {
    const bytes = encodeProgram(assemble('.layer 1 fc\n.region a int8 [2] = data(1, -1)\n    HALT'));
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('DLPB');
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect([view.getUint16(4, true), view.getUint32(8, true), view.getUint32(12, true), view.getUint32(16, true), view.getUint32(24, true)])
      .toEqual([1, 1, 1, 1, bytes.length]);
  });
});

describe('assembly details', () => {
  it('resolves regions, auto-allocation, constants, scales and layer names', () => {
    const p = assemble([
      '.layer 2 "conv 1/a"',
      '.const N = 3 * (2 + 1)',
      '.region a int8 [N] = data(1, 2, 3, 4, 5, 6, 7, 8, -9)',
      '.region b fp32 [2] scale=0.25 = data(0.1, -2.5)',
      '.region c int16 [2, 2] = random(seed=5)',
      '.region d int32 [1] @ 0x1000',
      '    HALT layer=2',
    ].join('\n'));
    expect(p.regions.map((r) => [r.name, r.addr])).toEqual([['a', 0], ['b', 64], ['c', 128], ['d', 0x1000]]);
    expect(p.regions[1]!.init).toEqual({ kind: 'data', values: [Math.fround(0.1), -2.5] });
    expect(p.regions[1]!.scale).toBe(0.25);
    expect(p.regions[2]!.init).toEqual({ kind: 'random', seed: 5, min: -32768, max: 32767 });
    expect(p.consts).toEqual({ N: 9 });
    expect(p.layerNames).toEqual({ 2: 'conv 1/a' });
    expect(p.locs).toEqual([{ line: 7, column: 5 }]);
    expect(printProgram(p)).toBe([
      '.layer 2 "conv 1/a"',
      '',
      '.const N = 9',
      '',
      '.region a int8 [9] @ 0x0 = data(1, 2, 3, 4, 5, 6, 7, 8, -9)',
      '.region b fp32 [2] @ 0x40 scale=0.25 = data(0.1, -2.5)',
      '.region c int16 [2, 2] @ 0x80 = random(seed=5, min=-32768, max=32767)',
      '.region d int32 [1] @ 0x1000',
      '',
      '    HALT   layer=2',
      '',
    ].join('\n'));
  });

  it('accepts comments, blank lines, CRLF and # comments', () => {
    const p = assemble('; header\r\n\r\n# other\r\n  SYNC ; barrier\r\n  HALT # end\r\n');
    expect(p.instrs.map((i) => i.op)).toEqual(['SYNC', 'HALT']);
    expect(p.locs!.map((l) => l?.line)).toEqual([4, 5]);
  });

  it('assembles the example and keeps it stable through the binary form', () => {
    const src = readFileSync(new URL('../../examples/dense-relu.dlps', import.meta.url), 'utf8');
    const p = assemble(src, 'examples/dense-relu.dlps');
    expect(p.instrs.map((i) => i.op)).toEqual(['LOAD', 'LOAD', 'LOAD', 'MATMUL', 'ACT', 'STORE', 'HALT']);
    expect(p.regions.map((r) => r.name)).toEqual(['x', 'w', 'b', 'y']);
    // Every line of the example carries a comment.
    for (const line of src.split('\n').filter((l) => l.trim())) expect(line).toMatch(/[;#]/);
    const text = printProgram(p);
    expect(printProgram(decodeProgram(encodeProgram(p)))).toBe(text);
  });
});
