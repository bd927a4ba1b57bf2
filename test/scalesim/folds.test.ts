// Hand-computed SCALE-Sim v2 figures: folds, cycles per fold, "Total Cycles" (folds·perFold − 1),
// mapping efficiency and compute utilisation for square, tall, wide and non-divisible GEMMs on
// all three dataflows. (Sr, Sc, T) = (m, n, k) for OS, (k, n, m) for WS, (k, m, n) for IS.
import { describe, expect, it } from 'vitest';
import { systolicFolds } from '../../isa/timing.js';
import { computeUtilFoldCycles, formatPyFloat, scaleSimFigures } from '../../compiler/scalesim/report.js';

type DF = 'os' | 'ws' | 'is';
// On a 4×4 array: per fold R + C + T − 2 = 6 + T (OS) or 2R + C + T − 2 = 10 + T (WS, IS).
const cases: { shape: string; m: number; k: number; n: number; df: DF; folds: number; perFold: number; total: number; mapEff: number }[] = [
  // square 8×8·8×8: every dataflow maps 8×8 onto 2×2 folds, T = 8.
  { shape: 'square', m: 8, k: 8, n: 8, df: 'os', folds: 4, perFold: 14, total: 55, mapEff: 1 },
  { shape: 'square', m: 8, k: 8, n: 8, df: 'ws', folds: 4, perFold: 18, total: 71, mapEff: 1 },
  { shape: 'square', m: 8, k: 8, n: 8, df: 'is', folds: 4, perFold: 18, total: 71, mapEff: 1 },
  // tall 20×4·4×4: OS (20, 4, 4) → 5·1 folds of 10; WS (4, 4, 20) → 1 fold of 30; IS (4, 20, 4) → 1·5 folds of 14.
  { shape: 'tall', m: 20, k: 4, n: 4, df: 'os', folds: 5, perFold: 10, total: 49, mapEff: 1 },
  { shape: 'tall', m: 20, k: 4, n: 4, df: 'ws', folds: 1, perFold: 30, total: 29, mapEff: 1 },
  { shape: 'tall', m: 20, k: 4, n: 4, df: 'is', folds: 5, perFold: 14, total: 69, mapEff: 1 },
  // wide 4×4·4×20: OS (4, 20, 4) → 1·5 folds of 10; WS (4, 20, 4) → 1·5 folds of 14; IS (4, 4, 20) → 1 fold of 30.
  { shape: 'wide', m: 4, k: 4, n: 20, df: 'os', folds: 5, perFold: 10, total: 49, mapEff: 1 },
  { shape: 'wide', m: 4, k: 4, n: 20, df: 'ws', folds: 5, perFold: 14, total: 69, mapEff: 1 },
  { shape: 'wide', m: 4, k: 4, n: 20, df: 'is', folds: 1, perFold: 30, total: 29, mapEff: 1 },
  // non-divisible 5×7·7×9: OS (5, 9, 7) → 2·3 folds of 13, 45 of 96 PEs mapped;
  // WS (7, 9, 5) → 2·3 folds of 15, 63/96; IS (7, 5, 9) → 2·2 folds of 19, 35/64.
  { shape: 'non-divisible', m: 5, k: 7, n: 9, df: 'os', folds: 6, perFold: 13, total: 77, mapEff: 45 / 96 },
  { shape: 'non-divisible', m: 5, k: 7, n: 9, df: 'ws', folds: 6, perFold: 15, total: 89, mapEff: 63 / 96 },
  { shape: 'non-divisible', m: 5, k: 7, n: 9, df: 'is', folds: 4, perFold: 19, total: 75, mapEff: 35 / 64 },
];

describe('SCALE-Sim v2 folds on a 4×4 array', () => {
  for (const c of cases) {
    it(`${c.shape} ${c.m}×${c.k}·${c.k}×${c.n} ${c.df}: ${c.folds} folds × ${c.perFold} − 1 = ${c.total}`, () => {
      const mfu = { rows: 4, cols: 4, dataflow: c.df };
      const f = systolicFolds(mfu, c.m, c.k, c.n);
      expect([f.folds, f.perFold, f.scaleSimCycles]).toEqual([c.folds, c.perFold, c.total]);
      const s = scaleSimFigures(mfu, { m: c.m, n: c.n, k: c.k });
      expect(s.totalCycles).toBe(c.total);
      expect(s.stallCycles).toBe(0);
      expect(s.mappingEfficiencyPct).toBeCloseTo(c.mapEff * 100, 10);
      expect(s.overallUtil).toBeCloseTo((c.m * c.n * c.k * 100) / (c.total * 16), 10);
    });
  }
});

describe('SCALE-Sim compute utilisation', () => {
  // Per fold used·T / (R·C·cyc); cyc = R + C + T − 2 (OS) or 2R + 2C + T − 3 (WS, IS).
  it.each([
    // 5×7·7×9, Σused = Sr·Sc, every fold the same cyc: Sr·Sc·T / (16·cyc·folds).
    ['os', 13, (45 * 7) / (16 * 13 * 6)],
    ['ws', 18, (63 * 5) / (16 * 18 * 6)],
    ['is', 22, (35 * 9) / (16 * 22 * 4)],
  ] as const)('%s: %i cycles per fold', (df, cyc, util) => {
    const t = df === 'os' ? 7 : df === 'ws' ? 5 : 9;
    expect(computeUtilFoldCycles(4, 4, t, df)).toBe(cyc);
    expect(scaleSimFigures({ rows: 4, cols: 4, dataflow: df }, { m: 5, n: 9, k: 7 }).computeUtil).toBeCloseTo(util * 100, 10);
  });

  it('MNIST fc1 (100×784·784×32) on a 32×32 WS array: 25 folds of 194 cycles', () => {
    // (Sr, Sc, T) = (784, 32, 100): ⌈784/32⌉ = 25 row folds, one column fold, 64 + 32 + 100 − 2.
    const s = scaleSimFigures({ rows: 32, cols: 32, dataflow: 'ws' }, { m: 100, n: 32, k: 784 });
    expect([s.folds, s.perFold, s.totalCycles]).toEqual([25, 194, 4849]);
    expect(s.mappingEfficiencyPct).toBeCloseTo(98, 10);
  });

  it('prints percentages like Python str(float)', () => {
    expect([formatPyFloat(100), formatPyFloat(98), formatPyFloat(15.625), formatPyFloat(1 / 3)]).toEqual(['100.0', '98.0', '15.625', '0.3333333333333333']);
  });
});
