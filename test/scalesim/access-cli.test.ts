// `dlp scalesim` writes BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv beside
// COMPUTE_REPORT.csv, and --json carries the same access figures.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDlp, useTempDir } from '../helpers/cli.js';

const dir = useTempDir('dlp-scalesim-access-');
const ARGS = ['scalesim', '--config', 'examples/scalesim/systolic32_ws.cfg', '--topology', 'examples/scalesim/mlp_gemm.csv'];

const readCsv = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => l.slice(0, -1).split(', '));

describe('dlp scalesim access reports', () => {
  it('writes both reports with SCALE-Sim SRAM figures and DLP DRAM figures', async () => {
    const outDir = join(dir, 'gemm');
    const r = await runDlp([...ARGS, '-o', outDir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote ${join(outDir, 'BANDWIDTH_REPORT.csv')}\nwrote ${join(outDir, 'DETAILED_ACCESS_REPORT.csv')}`);
    const bw = readCsv(join(outDir, 'BANDWIDTH_REPORT.csv'));
    const detail = readCsv(join(outDir, 'DETAILED_ACCESS_REPORT.csv'));
    expect([bw.length, detail.length]).toEqual([7, 7]);
    // 32×32 WS. fc1 (M, N, K) = (100, 32, 784): (Sr, Sc, T) = (784, 32, 100), 25×1 folds of 194,
    // Total 4849. IFMAP 1 column fold · 100·784, FILTER 784·32 once, OFMAP 25 row folds · 100·32.
    expect(detail[1]!.slice(0, 10)).toEqual(['0', '33.0', `${24 * 194 + 32 + 100 + 16 - 2 + 1}.0`, '78400',
      '1.0', `${24 * 194 + 32}.0`, '25088', '63.0', `${24 * 194 + 64 + 100 + 32 - 3}.0`, '80000']);
    // fc2 (100, 16, 32): one fold of 194, Total 193. IFMAP rows 32 .. 32 + 100 + 32 − 2 (+1
    // hit latency), FILTER rows 0 .. 31 (+1), OFMAP rows 63 .. 64 + 100 + 16 − 3.
    expect(detail[2]!.slice(0, 10)).toEqual(['1', '33.0', '163.0', '3200', '1.0', '32.0', '512', '63.0', '177.0', '1600']);
    expect(bw[2]!.slice(0, 4)).toEqual(['1', String(3200 / 193), String(512 / 193), String(1600 / 193)]);
    // SCALE-Sim's nine DRAM columns (its CALC-mode estimating buffers, user-grid.test.ts checks
    // them against recorded runs) come next, then dlpkit's: bytes it moved; reads cover at
    // least the operands once.
    expect(detail[0]!.slice(10, 13)).toEqual(['DRAM IFMAP Start Cycle', 'DRAM IFMAP Stop Cycle', 'DRAM IFMAP Reads']);
    expect(bw[0]!.slice(4, 9)).toEqual(['Avg IFMAP DRAM BW', 'Avg FILTER DRAM BW', 'Avg OFMAP DRAM BW', 'DLP Avg DRAM Read BW', 'DLP Avg DRAM Write BW']);
    for (const [i, row] of detail.slice(1).entries()) {
      const [read, write, cycles] = row.slice(19).map(Number) as [number, number, number];
      expect(read).toBeGreaterThan(0);
      expect(write).toBeGreaterThan(0);
      expect(bw[i + 1]![7]).toBe((read / cycles).toFixed(3));
      expect(bw[i + 1]![8]).toBe((write / cycles).toFixed(3));
    }
    expect(Number(detail[2]![19])).toBeGreaterThanOrEqual(100 * 32 + 32 * 16);
  });

  it('adds the access figures to --json', async () => {
    const outDir = join(dir, 'json');
    const r = await runDlp([...ARGS, '-o', outDir, '--json']);
    const j = JSON.parse(r.out) as { bandwidthReport: string; detailedAccessReport: string; layers: { access: unknown; dlp: { dramReadBytes: number } }[] };
    expect([j.bandwidthReport, j.detailedAccessReport]).toEqual([join(outDir, 'BANDWIDTH_REPORT.csv'), join(outDir, 'DETAILED_ACCESS_REPORT.csv')]);
    expect(j.layers[1]!.access).toEqual({
      ifmap: { startCycle: 33, stopCycle: 163, count: 3200 },
      filter: { startCycle: 1, stopCycle: 32, count: 512 },
      ofmap: { startCycle: 63, stopCycle: 177, count: 1600 },
      avgIfmapSramBw: 3200 / 193, avgFilterSramBw: 512 / 193, avgOfmapSramBw: 1600 / 193,
    });
    expect(j.layers[1]!.dlp.dramReadBytes).toBeGreaterThan(0);
  });
});
