// Properties of the SCALE-Sim memory model that follow from its construction, beside the
// recorded-run checks of user-grid.test.ts.
import { describe, expect, it } from 'vitest';
import { runCalcMode, runUserMode, scaleSimAccess, scaleSimFigures, type Dataflow } from '../../compiler/scalesim/index.js';

const shapes: [number, number][] = [[4, 4], [8, 4], [3, 7]];
const gemms = [{ m: 64, n: 48, k: 40 }, { m: 5, n: 9, k: 3 }];
const dataflows: Dataflow[] = ['os', 'ws', 'is'];

describe('SCALE-Sim memory model', () => {
  it('with SRAMs that hold every operand and a wide interface, USER mode equals the stall-free compute model', () => {
    // 1 MiB SRAMs: the active halves hold all operand elements (≤ 3072 here), so the first fill
    // serves every read at the hit latency, and the OFMAP buffer never fills before the end.
    const mem = { ifmapBytes: 1 << 20, filterBytes: 1 << 20, ofmapBytes: 1 << 20, ifmapBandwidth: 64, filterBandwidth: 64, ofmapBandwidth: 64, version: 'v2' as const };
    for (const [rows, cols] of shapes) {
      for (const dataflow of dataflows) {
        for (const g of gemms) {
          const a = { rows, cols, dataflow };
          const run = runUserMode(a, g, mem);
          const calc = scaleSimFigures(a, g);
          const access = scaleSimAccess(a, g, calc.totalCycles);
          expect([run.totalCycles, run.stallCycles]).toEqual([calc.totalCycles, 0]);
          for (const op of ['ifmap', 'filter', 'ofmap'] as const) {
            expect([run.sram[op].startCycle, run.sram[op].stopCycle, run.sram[op].count]).toEqual([access[op].startCycle, access[op].stopCycle, access[op].count]);
          }
          // The active half is filled from cycle −⌈elements/64⌉ (at most ⌈half/64⌉ lines).
          expect(run.dram.ifmap.startCycle).toBeLessThan(0);
          expect(run.dram.ifmap.stopCycle).toBe(-1);
        }
      }
    }
  });

  it('CALC mode never stalls and its Total Cycles are the compute model\'s', () => {
    const mem = { ifmapBytes: 1024, filterBytes: 1024, ofmapBytes: 1024, version: 'v2' as const };
    for (const [rows, cols] of shapes) {
      for (const dataflow of dataflows) {
        for (const g of gemms) {
          const run = runCalcMode({ rows, cols, dataflow }, g, mem);
          expect([run.totalCycles, run.stallCycles]).toEqual([scaleSimFigures({ rows, cols, dataflow }, g).totalCycles, 0]);
        }
      }
    }
  });

  it('a narrower interface never makes a run shorter', () => {
    const a = { rows: 8, cols: 8, dataflow: 'os' as const };
    const g = { m: 40, n: 24, k: 30 };
    const totals = [1, 2, 4, 8, 16].map((bw) => runUserMode(a, g, {
      ifmapBytes: 1024, filterBytes: 1024, ofmapBytes: 1024, ifmapBandwidth: bw, filterBandwidth: bw, ofmapBandwidth: bw, version: 'v2',
    }).totalCycles);
    for (let i = 1; i < totals.length; i++) expect(totals[i]).toBeLessThanOrEqual(totals[i - 1]!);
    expect(totals[0]).toBeGreaterThan(totals[totals.length - 1]!);
  });
});
