// A replay given `below` (isa/schedule.ts opsCycles, opsCyclesPair) may stop once the stream's
// cycles are sure to reach it, by the work each unit and the DRAM channel still have to do.
// These properties hold the stop to the full replay on random programs and machines: the
// answer is the full replay's cycles whenever they are less than `below`, and Infinity only
// when they are not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { opsCycles, opsCyclesPair, prepareOps, unitTails } from '../../isa/schedule.js';
import { actCycles, dmaCycles, matmulCycles } from '../../isa/timing.js';
import { act, halt, hardware, load, matmul, store } from './build.js';
import { hwArb, instrArb, scheduleDrawn } from './arbitrary-programs.js';

/** A `below` drawn around the full cycles (fraction of them, and the cycles themselves ± 1). */
const belowOf = (full: number, pick: number, frac: number): number =>
  [Math.floor(full * frac), full - 1, full, full + 1, 0][pick]!;

/** A stopping replay's answer against the full one: the full cycles when they are below the
 * bound, else those or Infinity. Returns whether it stopped. */
function checkStop(got: number, full: number, below: number): boolean {
  if (full < below) expect(got).toBe(full);
  else expect(got === full || got === Infinity).toBe(true);
  return got === Infinity;
}

describe('replays that stop at a bound', () => {
  it('opsCycles(ops, hw, below) is the full replay when less than below, else Infinity or that', () => {
    let stopped = 0;
    fc.assert(fc.property(
      fc.array(instrArb, { minLength: 1, maxLength: 90, size: 'max' }), hwArb, fc.nat(4), fc.double({ min: 0, max: 1.2, noNaN: true }),
      (body, h, pick, frac) => {
        const { hw, ops } = scheduleDrawn(body, h);
        const full = opsCycles(ops, hw);
        const below = belowOf(full, pick, frac);
        if (checkStop(opsCycles(ops, hw, below), full, below)) stopped++;
      }), { numRuns: 400, seed: 11 });
    // Not vacuous: many replays did stop short.
    expect(stopped).toBeGreaterThan(50);
  });

  it('opsCyclesPair stops the second stream at the bound it asks for with the first one\'s cycles', () => {
    let stopped = 0;
    fc.assert(fc.property(
      fc.array(instrArb, { minLength: 2, maxLength: 90, size: 'max' }), hwArb, fc.nat(), fc.nat(4), fc.double({ min: 0, max: 1.2, noNaN: true }),
      (body, h, cut, pick, frac) => {
        const { hw, ops } = scheduleDrawn(body, h);
        const k = 1 + (cut % (ops.length - 1));
        const short = [...ops.slice(0, k), ops.at(-1)!];
        const a = opsCycles(short, hw);
        const full = opsCycles(ops, hw);
        let asked = -1;
        const [ga, gb] = opsCyclesPair(short, ops, hw, (x) => {
          asked = x;
          return belowOf(full, pick, frac);
        });
        expect(ga).toBe(a);
        expect(asked).toBe(a);
        if (checkStop(gb, full, belowOf(full, pick, frac))) stopped++;
      }), { numRuns: 400, seed: 12 });
    expect(stopped).toBeGreaterThan(50);
  });
});

describe('the chain after a unit\'s last op (unitTails)', () => {
  // dlp-s: an int8 1×64·64×64 product, a 64-wide relu, a 64-byte store (latency + transfer).
  const hw = hardware();
  const row = load({ dst: 0, space: 'nram', src: 4096, rows: 1, cols: 64, dtype: 'int8' });
  const mm = matmul({ out: 256, in: 0, w: 0, m: 1, k: 64, n: 64, dtype: 'int8', layer: 1 });
  const relu = act({ dst: 1024, src: 256, rows: 1, cols: 64, func: 'relu', inType: 'int32', outType: 'int8' });
  const out = store({ dst: 16384, src: 1024, rows: 1, cols: 64, dtype: 'int8' });
  const [mmC, reluC, outC] = [matmulCycles(hw, 1, 64, 64, 'int8'), actCycles(hw, 1, 64, 'relu'), dmaCycles(hw, 1, 64, 64)];

  it('is, per unit (dma-in, mfu, vfu, dma-out), the longest chain of ops that wait for its last op', () => {
    // The input row's LOAD → MATMUL (reads the row) → ACT (reads the product) → STORE (reads the ACT's output).
    expect(unitTails(prepareOps([row, mm, relu, out, halt()], hw))).toEqual([mmC + reluC + outC, reluC + outC, outC, 0]);
  });

  it('leaves out ops that touch nothing the last op touches', () => {
    // dma-in's last op is now a LOAD of other bytes: the STORE does not wait for it, the HALT adds nothing.
    const other = load({ dst: 2048, space: 'nram', src: 8192, rows: 1, cols: 16, dtype: 'int8' });
    expect(unitTails(prepareOps([row, mm, relu, other, out, halt()], hw))).toEqual([0, reluC + outC, outC, 0]);
  });
});
