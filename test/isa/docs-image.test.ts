// docs/isa.md matches the generator (drift test); the seeded RNG and the DRAM image are exact.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  assemble, createRng, generateIsaDoc, materializeDram, MNEMONICS, regionValues, readProgramFile,
} from '../../isa/node.js';

describe('docs/isa.md', () => {
  it('equals generateIsaDoc() (run `npm run build && npm run docs` after changing the spec)', () => {
    expect(readFileSync(new URL('../../docs/isa.md', import.meta.url), 'utf8')).toBe(generateIsaDoc());
  });

  it('documents every instruction and the ACT rules', () => {
    const doc = generateIsaDoc();
    for (const m of MNEMONICS) expect(doc).toContain(`### ${m} (opcode`);
    expect(doc).toContain('roundShift(p, s) = sign(p)·floor((|p| + 2^(s-1)) / 2^s)');
    expect(doc).toContain('## Assembly syntax');
  });

  it('has a syntax example that assembles', () => {
    const block = /## Assembly syntax[\s\S]*?```\n([\s\S]*?)```/.exec(generateIsaDoc())![1]!;
    expect(assemble(block).instrs.map((i) => i.op)).toEqual(['LOAD', 'MATMUL', 'HALT']);
  });
});

describe('createRng (mulberry32)', () => {
  it('gives the reference sequence for seed 1', () => {
    const rng = createRng(1);
    // mulberry32(1) starts 0.6270739405881613 (= 2693262067 / 2^32), the widely published value.
    expect([rng(), rng(), rng()].map((u) => u * 2 ** 32)).toEqual([2693262067, 11749833, 2265367787]);
  });

  it('is independent per generator and in [0, 1)', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('materializeDram', () => {
  it('writes data, random fills and zeros little-endian at region addresses', () => {
    const p = assemble([
      '.region a int16 [3] @ 0x0 = data(1, -2, 300)',
      '.region b fp32 [1] @ 0x8 = data(0.5)',
      '.region c int8 [4] @ 0x10 = random(seed=1, min=0, max=9)',
      '.region d int32 [1] @ 0x18',
      '    HALT',
    ].join('\n'));
    const img = materializeDram(p);
    expect(img.length).toBe(0x1c);
    const view = new DataView(img.buffer);
    expect([view.getInt16(0, true), view.getInt16(2, true), view.getInt16(4, true)]).toEqual([1, -2, 300]);
    expect(view.getFloat32(8, true)).toBe(0.5);
    const rng = createRng(1);
    const expected = Array.from({ length: 4 }, () => Math.floor(rng() * 10));
    expect([...img.subarray(0x10, 0x14)]).toEqual(expected);
    expect([...regionValues(p.regions[2]!)]).toEqual(expected);
    expect(view.getInt32(0x18, true)).toBe(0);
    expect(materializeDram(p, 64).length).toBe(64);
  });

  it('builds the example image deterministically', () => {
    const p = readProgramFile(new URL('../../examples/dense-relu.dlps', import.meta.url).pathname);
    const a = materializeDram(p);
    expect(a.length).toBe(0x19640 + 4 * 128);
    expect(materializeDram(p)).toEqual(a);
    const x = new Int8Array(a.buffer, 0, 4 * 784);
    expect(Math.min(...x)).toBe(-128);
    expect(Math.max(...x)).toBe(127);
  });

  it('readProgramFile rejects unknown extensions and missing files', () => {
    expect(() => readProgramFile('model.txt')).toThrow("cannot tell the format of 'model.txt': expected a .dlps (assembly) or .dlpb (binary) file");
    expect(() => readProgramFile('/nonexistent/x.dlpb')).toThrow("no such file '/nonexistent/x.dlpb'");
  });
});
