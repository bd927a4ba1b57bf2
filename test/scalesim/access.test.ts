// SCALE-Sim v2's SRAM access figures: the closed forms of compiler/scalesim/access.ts against
// a brute-force rebuild of SCALE-Sim's per-fold demand matrices (blocks padded to the array,
// flipped, gap rows, skew) on small shapes of every dataflow, hand-computed cases, and the
// BANDWIDTH_REPORT.csv / DETAILED_ACCESS_REPORT.csv layouts.
import { describe, expect, it } from 'vitest';
import {
  formatBandwidthReport, formatDetailedAccessReport, scaleSimAccess, scaleSimFigures,
  type ComputeReportRow, type Dataflow,
} from '../../compiler/scalesim/index.js';

type Mat = number[][]; // 1 = a request, -1 = null

const block = (h: number, w: number, v: number): Mat => Array.from({ length: h }, () => new Array<number>(w).fill(v));
const vcat = (...ms: Mat[]): Mat => ms.flat();
const padCols = (m: Mat, w: number): Mat => m.map((row) => [...row, ...new Array<number>(w - row.length).fill(-1)]);
const padRows = (m: Mat, h: number, w: number): Mat => vcat(m, block(h - m.length, w, -1));
const flip = (m: Mat): Mat => [...m].reverse();
/** SCALE-Sim's skew_matrix: column j delayed by j rows; h + w − 1 rows. */
function skew(m: Mat): Mat {
  const h = m.length, w = m[0]!.length;
  const out = block(h + w - 1, w, -1);
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) out[i + j]![j] = m[i]![j]!;
  return out;
}

interface Brute { rows: Record<'ifmap' | 'filter' | 'ofmap', Mat>; counts: Record<'ifmap' | 'filter' | 'ofmap', number> }

/** Builds the three demand matrices the way SCALE-Sim's systolic_compute_{os,ws,is} do. */
function bruteDemand(df: Dataflow, R: number, C: number, g: { m: number; n: number; k: number }): Brute {
  const [sr, sc, T] = df === 'os' ? [g.m, g.n, g.k] : df === 'ws' ? [g.k, g.n, g.m] : [g.k, g.m, g.n];
  const rows = { ifmap: [] as Mat, filter: [] as Mat, ofmap: [] as Mat };
  const counts = { ifmap: 0, filter: 0, ofmap: 0 };
  for (let fc = 0; fc < Math.ceil(sc / C); fc++) {
    for (let fr = 0; fr < Math.ceil(sr / R); fr++) {
      const r = Math.min(R, sr - fr * R), c = Math.min(C, sc - fc * C);
      let ifm: Mat, fil: Mat, ofm: Mat;
      if (df === 'os') {
        ifm = skew(vcat(padCols(block(T, r, 1), R), block(C - 1, R, -1)));
        fil = skew(vcat(padCols(block(T, c, 1), C), block(R - 1, C, -1)));
        ofm = skew(vcat(block(T - 1, C, -1), flip(padRows(padCols(block(r, c, 1), C), R, C))));
        counts.ifmap += T * r; counts.filter += T * c; counts.ofmap += r * c + R + C;
      } else {
        const held = flip(padRows(padCols(block(r, c, 1), C), R, C));
        const heldDemand = vcat(held, block(R + C + T - 2, C, -1));
        const streamed = skew(vcat(block(R, R, -1), padCols(block(T, r, 1), R), block(C - 1, R, -1)));
        ofm = skew(vcat(block(2 * R - 1, C, -1), padCols(block(T, c, 1), C)));
        [ifm, fil] = df === 'ws' ? [streamed, heldDemand] : [heldDemand, streamed];
        counts.ofmap += T * c;
        if (df === 'ws') { counts.ifmap += T * r; counts.filter += r * c; } else { counts.ifmap += r * c; counts.filter += T * r; }
      }
      expect(new Set([ifm.length, fil.length, ofm.length]).size).toBe(1); // the demands stay in step
      rows.ifmap.push(...ifm); rows.filter.push(...fil); rows.ofmap.push(...ofm);
    }
  }
  return { rows, counts };
}

const firstRow = (m: Mat) => m.findIndex((row) => row.some((x) => x !== -1));
const lastRow = (m: Mat) => m.length - 1 - [...m].reverse().findIndex((row) => row.some((x) => x !== -1));

const SHAPES = [
  // [R, C, m, n, k]: divisible, non-divisible, smaller than the array, non-square arrays
  [4, 4, 8, 8, 8], [4, 4, 5, 6, 7], [4, 4, 1, 1, 1], [4, 4, 3, 2, 9], [3, 5, 7, 11, 4],
  [5, 3, 13, 4, 6], [2, 2, 5, 3, 1], [8, 4, 9, 17, 10], [1, 1, 3, 2, 4], [6, 2, 2, 12, 5],
] as const;

describe('scaleSimAccess against brute-force demand matrices', () => {
  for (const df of ['os', 'ws', 'is'] as const) {
    it.each(SHAPES)(`${df}: %ix%i array, m=%i n=%i k=%i`, (R, C, m, n, k) => {
      const g = { m, n, k };
      const mfu = { rows: R, cols: C, dataflow: df };
      const total = scaleSimFigures(mfu, g).totalCycles;
      const brute = bruteDemand(df, R, C, g);
      expect(brute.rows.ofmap.length - 1).toBe(total); // Total Cycles is the last demand row
      const a = scaleSimAccess(mfu, g, total);
      for (const op of ['ifmap', 'filter', 'ofmap'] as const) {
        const lat = op === 'ofmap' ? 0 : 1;
        expect([a[op].startCycle, a[op].stopCycle, a[op].count], op)
          .toEqual([firstRow(brute.rows[op]) + lat, lastRow(brute.rows[op]) + lat, brute.counts[op]]);
      }
      expect([a.avgIfmapSramBw, a.avgFilterSramBw, a.avgOfmapSramBw])
        .toEqual([brute.counts.ifmap / total, brute.counts.filter / total, brute.counts.ofmap / total]);
    });
  }
});

describe('scaleSimAccess hand-computed cases', () => {
  it('WS 4×4, m=5 n=6 k=7: (Sr, Sc, T) = (7, 6, 5), 2×2 folds of 15 cycles', () => {
    // ifmap: 2 column folds × 5·7 = 70 reads, first at row R = 4 (+1), last fold starts at 45
    // and its last request is row R + T + r − 2 = 4 + 5 + 3 − 2 = 10 → 56.
    // filter: 42 reads, rows [R − r, R − 1] of each fold → 1 .. 45 + 3 + 1 = 49.
    // ofmap: 2 row folds × 30 = 60 writes, rows 2R − 1 = 7 .. 45 + 2R + T + c − 3 = 57.
    const a = scaleSimAccess({ rows: 4, cols: 4, dataflow: 'ws' }, { m: 5, n: 6, k: 7 }, 59);
    expect(a).toEqual({
      ifmap: { startCycle: 5, stopCycle: 56, count: 70 },
      filter: { startCycle: 1, stopCycle: 49, count: 42 },
      ofmap: { startCycle: 7, stopCycle: 57, count: 60 },
      avgIfmapSramBw: 70 / 59, avgFilterSramBw: 42 / 59, avgOfmapSramBw: 60 / 59,
    });
  });

  it('OS 4×4, m=n=k=8: 4 folds of 14 cycles; OFMAP writes count R + C extra per fold as SCALE-Sim does', () => {
    const a = scaleSimAccess({ rows: 4, cols: 4, dataflow: 'os' }, { m: 8, n: 8, k: 8 }, 55);
    expect(a.ifmap).toEqual({ startCycle: 1, stopCycle: 42 + 8 + 4 - 2 + 1, count: 128 });
    expect(a.filter).toEqual({ startCycle: 1, stopCycle: 53, count: 128 });
    // 64 outputs + 4 folds · (4 + 4); first output row T − 1 = 7, last 42 + T + R + C − 3 = 55.
    expect(a.ofmap).toEqual({ startCycle: 7, stopCycle: 55, count: 96 });
  });

  it('IS 2×2, m=3 n=4 k=2: (Sr, Sc, T) = (2, 3, 4), 2 folds of 8 cycles', () => {
    const a = scaleSimAccess({ rows: 2, cols: 2, dataflow: 'is' }, { m: 3, n: 4, k: 2 }, 15);
    expect(a.ifmap).toEqual({ startCycle: 1, stopCycle: 8 + 1 + 1, count: 6 });
    expect(a.filter).toEqual({ startCycle: 3, stopCycle: 8 + 2 + 4 + 2 - 2 + 1, count: 16 });
    expect(a.ofmap).toEqual({ startCycle: 3, stopCycle: 8 + 4 + 4 + 1 - 3, count: 12 });
  });

  it('stays closed-form for a 10000×4096×4096 GEMM', () => {
    const mfu = { rows: 128, cols: 128, dataflow: 'ws' as const };
    const g = { m: 10000, n: 4096, k: 4096 };
    const a = scaleSimAccess(mfu, g, scaleSimFigures(mfu, g).totalCycles);
    expect([a.ifmap.count, a.filter.count, a.ofmap.count]).toEqual([32 * 10000 * 4096, 4096 * 4096, 32 * 10000 * 4096]);
    expect(a.ofmap.stopCycle).toBe(1024 * (256 + 128 + 10000 - 2) - 1);
  });
});

describe('access report layouts', () => {
  const mfu = { rows: 4, cols: 4, dataflow: 'ws' as const };
  const g = { m: 5, n: 6, k: 7 };
  const scaleSim = scaleSimFigures(mfu, g);
  const row: ComputeReportRow = {
    name: 'odd', ...g, scaleSim, access: scaleSimAccess(mfu, g, scaleSim.totalCycles),
    dlp: { cycles: 400, mfuUtilization: 0.1, dramBytes: 300, dramReadBytes: 180, dramWriteBytes: 120, energyJoules: 1e-6, rooflineRatio: 2, boundBy: 'memory' },
  };

  it('writes BANDWIDTH_REPORT.csv', () => {
    expect(formatBandwidthReport([row, row])).toBe(
      'LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, DLP Avg DRAM Read BW, DLP Avg DRAM Write BW,\n'
      + `0, ${70 / 59}, ${42 / 59}, ${60 / 59}, 0.450, 0.300,\n1, ${70 / 59}, ${42 / 59}, ${60 / 59}, 0.450, 0.300,\n`);
  });

  it('writes DETAILED_ACCESS_REPORT.csv with float cycles as SCALE-Sim prints them', () => {
    expect(formatDetailedAccessReport([row])).toBe(
      'LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, SRAM Filter Start Cycle, SRAM Filter Stop Cycle, '
      + 'SRAM Filter Reads, SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, DLP DRAM Read Bytes, DLP DRAM Write Bytes, DLP Cycles,\n'
      + '0, 5.0, 56.0, 70, 1.0, 49.0, 42, 7.0, 57.0, 60, 180, 120, 400,\n');
  });
});
