// Properties over random valid programs (print∘parse = id, decode∘encode = id) and over
// random text and bytes (assemble/decode succeed or throw DlpError, nothing else).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble, decodeInstr, decodeProgram, DlpError, encodeInstr, encodeProgram, printProgram } from '../../isa/index.js';
import { arbInstr, arbProgram, stripLocs } from './arbitrary.js';

function onlyDlpErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DlpError)) throw e;
  }
}

describe('random valid programs', () => {
  it('assemble(printProgram(p)) = p', () => {
    fc.assert(fc.property(arbProgram, (p) => {
      expect(stripLocs(assemble(printProgram(p)))).toEqual(p);
    }), { numRuns: 300 });
  });

  it('printing is a fixed point on canonical text', () => {
    fc.assert(fc.property(arbProgram, (p) => {
      const text = printProgram(p);
      expect(printProgram(assemble(text))).toBe(text);
    }), { numRuns: 100 });
  });

  it('decodeProgram(encodeProgram(p)) = p, and re-encoding gives the same bytes', () => {
    fc.assert(fc.property(arbProgram, (p) => {
      const bytes = encodeProgram(p);
      const q = decodeProgram(bytes);
      expect(q).toEqual(p);
      expect(encodeProgram(q)).toEqual(bytes);
    }), { numRuns: 300 });
  });

  it('decodeInstr(encodeInstr(i)) = i for single words', () => {
    fc.assert(fc.property(arbInstr, (i) => {
      expect(decodeInstr(encodeInstr(i), 0)).toEqual(i);
    }), { numRuns: 500 });
  });
});

describe('garbage in', () => {
  it('assemble on random strings succeeds or throws DlpError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => onlyDlpErrors(() => assemble(s, 'r.dlps'))), { numRuns: 300 });
  });

  it('assemble on mutated valid text succeeds or throws DlpError', () => {
    const arbMutated = fc.tuple(arbProgram, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 4 }))
      .map(([p, edits]) => edits.reduce((text, [at, del, ins]) => {
        const k = at % (text.length + 1);
        return text.slice(0, k) + ins + text.slice(k + del);
      }, printProgram(p)));
    fc.assert(fc.property(arbMutated, (s) => onlyDlpErrors(() => assemble(s, 'm.dlps'))), { numRuns: 300 });
  });

  it('decodeProgram on random bytes succeeds or throws DlpError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => onlyDlpErrors(() => decodeProgram(b, 'r.dlpb'))), { numRuns: 300 });
  });

  it('decodeProgram on corrupted valid files succeeds or throws DlpError', () => {
    const arbCorrupt = fc.tuple(arbProgram, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat())
      .map(([p, flips, cut]) => {
        const b = encodeProgram(p);
        for (const [at, v] of flips) b[at % b.length] = v;
        return cut % 3 === 0 ? b.subarray(0, cut % (b.length + 1)) : b;
      });
    fc.assert(fc.property(arbCorrupt, (b) => onlyDlpErrors(() => decodeProgram(b, 'c.dlpb'))), { numRuns: 300 });
  });

  it('decodeInstr on random words succeeds or throws DlpError', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat({ max: 6 }), (b, op) => {
      b[0] = op;
      onlyDlpErrors(() => decodeInstr(b, 0, 0));
    }), { numRuns: 500 });
  });
});
