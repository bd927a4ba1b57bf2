// The line-by-line parser (asm-parse.ts: shape templates, hand-split data lists) against the
// reference, one ohm match over the whole text (parseAsmWhole): same statements, same offsets,
// same failure position and expected-set (hand-split data lists written out as nodes), on tricky lines, random and mutated programs; and a
// large generated program assembles back to itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAsm } from '../../isa/asm-parse.js';
import { parseAsmWhole, type ExprAst, type ParseResult } from '../../isa/asm-semantics.js';
import { assemble, createRng, drawInt, printProgram, type Instr, type Program } from '../../isa/index.js';
import { arbInstr, arbProgram, stripLocs } from './arbitrary.js';

const L = 'LOAD dst=nram[0x10], src=dram[4], rows=2, cols=8, stride=8, dtype=int8';

// Each source is parsed both ways; pairs of similar lines exercise a template's reuse.
const SOURCES: string[] = [
  `${L}\n    ${L.replace('0x10', '0x2000').replace('rows=2', 'rows=13')}\n  HALT`,
  'SYNC ; 5 items\nSYNC ; 6 items\nHALT # 7',
  'X a=1e5, b=1e-5, c=1E+5, d=1.5, e=0x1F, f=0X1f\nX a=2e5, b=3e-50, c=4E+5, d=22.25, e=0xff, f=0X0',
  'X a=0x\nX a=0y', 'X a=0x1\nX a=0x', 'X a=1e\nX a=2e', 'X a=1.\nX a=2.', 'X a=1.5\nX a=1.', 'X a=007\nX a=08.50',
  'X a=é5\nX a=é6', 'X a=_5\nX a=_6', 'X a=b5, c=5b\nX a=b6, c=7b',
  'X a=1-2*3, b=-(4+5)\nX a=6-7*8, b=-(9+10)\nX a=6 - 7 * 8, b = - ( 9 + 10 )',
  'X a=nram[1+2]\nX a=nram[3 + 4]\nX a=nram[3 + 4',
  'LOAD 5\nLOAD 6', 'HALT layer=1\nHALT layer=2 ;c\nHALT layer=3', '5 HALT', 'X a=1 2', 'X a=1\nX a=1 2', 'x=1', 'X a=1,',
  'SYNC\u0000\nSYNC\u0000', 'X a=5\nX a=\u0000', 'X a=\u0000\nX a=5', 'X a=\u00001', '  ; only a comment\n\t\n# x\n\v\f', '', '\n', '\r', '\r\n', '\n\r',
  'SYNC\r\nSYNC\rSYNC\n\nHALT', 'LOAD dst=nram[0],\r\nHALT', 'LOAD dst=nram[0],\rHALT', 'SYNC\u2028HALT', 'X a=1\u2028',
  '.region a int8 [4] = data(1, -2, +3, 0x4)', '.region a fp32 [3] = data(1.5e-7, -3.4028234663852886e+38, -0)',
  '.region a int8 [4] = data(1, K, 3, 4)', '.region a int8 [4] = data( 1 ,2 , 3,4 ) ; trailing 9', '.region a int8 [4] = data(1\t,\v2 ,\f3,4)',
  '.region a int8 [2] = data(1, 2', '.region a int8 [2] = data(1, 2) x', '.region a int8 [2] = data(1, 2) (3)', '.region a int8 [2] = data(1, - 2)',
  '.region a int8 [2] = data(1,, 2)', '.region a int8 [2] = data()', '.region a int8 [2] = data(,)', '.region a int8 [2] = data(1, 2,)',
  '.region data int8 [2] @ 0 scale=2 = data(1, 2)', '.region a int8 [2] scale=data (1,2)', '.region a int8 [2] = data(1e, 2)',
  '.region a int8 [2] = data(1, 2) = data(3, 4)', '.region a int8 [2] = mydata(1, 2)', '.region a int8 [2] = data (1, 2)\n.region b int8 [1] = data(0x)',
  '.region a int8 [2] = data(--1, 2)', '.region a int8 [2] = data(+-1, 2)', '.region a int8 [2] = data(1, 2 ; 3)', '.region a int8 [2] = data(1, (2))',
  '.region a int8 [2] = random(seed=1, min=-2, max=3)', '.regionx a int8 [2] = data(1, 2)', '.region a int8 [2] = data(1,\n2)',
  '.layer 1 fc-1.2\n.layer 2 "a 3"\n.layer 3 "b', '.const K = 1\n.const J = 2 * K', '.foo 1 2 3', '.layer1 x',
];

/** parseAsm with every hand-split data list ('numbers') written out as the ExprAst nodes the
 * semantics build: a literal is a num node, a negative one a neg node at its sign. */
function parseExpanded(source: string): ParseResult {
  const r = parseAsm(source);
  if (!r.ok) return r;
  return {
    ok: true,
    statements: r.statements.map((s) => {
      if (s.kind !== 'region' || s.init?.kind !== 'numbers') return s;
      const { values, valueAt, at } = s.init;
      return {
        ...s,
        init: {
          kind: 'data', at,
          values: values.map((v, k): ExprAst => (v < 0 || Object.is(v, -0)
            ? { kind: 'neg', arg: { kind: 'num', value: -v, at: valueAt[k]! + 1 }, at: valueAt[k]! }
            : { kind: 'num', value: v, at: valueAt[k]! })),
        },
      };
    }),
  };
}

describe('line-by-line parsing agrees with one whole-text match', () => {
  it.each(SOURCES.map((s) => [JSON.stringify(s), s]))('%s', (_name, s) => {
    expect(parseExpanded(s)).toEqual(parseAsmWhole(s));
  });

  const mutate = (text: string, edits: [number, number, string][]) => edits.reduce((t, [at, del, ins]) => {
    const k = at % (t.length + 1);
    return t.slice(0, k) + ins + t.slice(k + del);
  }, text);
  // Edits drawn mostly from characters the grammar cares about; the text is doubled so that
  // edited lines meet templates learnt from their unedited twins (and the reverse).
  const arbEdit = fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.stringMatching(/^[-+0-9xXeE.,()[\]=;# \t\r\na-z]{0,3}$/));

  it('on random and mutated programs', () => {
    fc.assert(fc.property(arbProgram, fc.array(arbEdit, { maxLength: 4 }), (p, edits) => {
      const text = printProgram(p);
      const s = mutate(`${text}${text}`, edits);
      expect(parseExpanded(s)).toEqual(parseAsmWhole(s));
    }), { numRuns: 300 });
  });

  it('on random text', () => {
    fc.assert(fc.property(fc.stringMatching(/^[-+0-9xXeE.,()[\]=;#@ \t\r\na-z]{0,60}$/), fc.string({ maxLength: 20 }), (a, b) => {
      const s = `${a}\n${a}${b}\n${b}`;
      expect(parseExpanded(s)).toEqual(parseAsmWhole(s));
    }), { numRuns: 300 });
  });
});

/** A program of 5,000 instructions and a 50,000-value int8 region (plus an fp32 one). */
function buildLargeProgram(): Program {
  const rng = createRng(7);
  const instrs = fc.sample(arbInstr, { seed: 7, numRuns: 5000 });
  return {
    instrs: [...instrs, { op: 'HALT', layer: 0 } as Instr],
    regions: [
      { name: 'w', dtype: 'int8', shape: [50, 1000], addr: 0, scale: 0.0125, init: { kind: 'data', values: Array.from({ length: 50_000 }, () => drawInt(rng, -128, 127)) } },
      { name: 'b', dtype: 'fp32', shape: [1000], addr: 50_048, init: { kind: 'data', values: Array.from({ length: 1000 }, () => Math.fround((rng() - 0.5) * 10 ** drawInt(rng, -40, 38))) } },
      { name: 'x', dtype: 'int8', shape: [64, 784], addr: 54_080, init: { kind: 'random', seed: 3, min: -128, max: 127 } },
    ],
    layerNames: { 0: 'all' },
    consts: { K: 784 },
  };
}

describe('a large program', () => {
  const p = buildLargeProgram();
  const text = printProgram(p);

  it('assembles to the program it was printed from', () => {
    const q = assemble(text, 'big.dlps');
    expect(q.locs).toHaveLength(p.instrs.length);
    expect(q.locs![4321]).toEqual({ file: 'big.dlps', line: 8 + 4321 + 1, column: 5 });
    expect(stripLocs(q)).toEqual(p);
  });

  it('parses like the whole-text match (first 400 instructions, 2,000 values)', () => {
    const lines = text.split('\n');
    const data = lines.findIndex((l) => l.startsWith('.region w'));
    const small = [...lines.slice(0, data), `${lines[data]!.slice(0, lines[data]!.indexOf('data(') + 5)}${(p.regions[0]!.init as { values: number[] }).values.slice(0, 2000).join(', ')})`,
      ...lines.slice(data + 1, data + 400)].join('\n');
    expect(parseExpanded(small)).toEqual(parseAsmWhole(small));
  });
});
