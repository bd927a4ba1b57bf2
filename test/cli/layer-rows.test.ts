// Per-layer rows of the mnist report: a fused layer is placed on the roofline by its own MFU
// busy cycles (its span covers the whole segment), and rows say which segment they share.
import { describe, expect, it } from 'vitest';
import { buildLayerRows } from '../../cli/report/report-data.js';
import type { SimReport } from '../../simulator/index.js';
import { emptyBreakdown } from '../../simulator/cycle-breakdown.js';

const layer = (l: number, name: string, cycles: number, mfuBusy: number, macs: number, dramReadBytes: number) =>
  ({ layer: l, name, cycles, mfuBusy, macs, dramReadBytes, dramWriteBytes: 0, energyJoules: 0, cycleBreakdown: emptyBreakdown() });

describe('buildLayerRows', () => {
  const report = { perLayer: [layer(1, 'fc1', 1000, 900, 900 * 1024, 4096), layer(2, 'fc2', 990, 80, 80 * 1024, 0), layer(3, 'fc3', 500, 50, 50 * 512, 64)] } as unknown as SimReport;
  const rows = buildLayerRows(report, [['fc1', 'fc2'], ['fc3']]);

  it('ops per cycle uses the layer\'s own MFU busy cycles; the span figure is kept separately', () => {
    expect(rows.map((r) => r.opsPerCycle)).toEqual([2048, 2048, 1024]);
    expect(rows[1]!.opsPerSpanCycle).toBeCloseTo((2 * 80 * 1024) / 990, 9);
    expect(rows[1]!.opsPerByte).toBe(Infinity);
  });

  it('marks fused segments', () => {
    expect(rows.map((r) => [r.segment, r.fusedWith])).toEqual([[1, ['fc1', 'fc2']], [1, ['fc1', 'fc2']], [2, []]]);
    expect(buildLayerRows(report).map((r) => r.segment)).toEqual([0, 0, 0]);
  });
});
