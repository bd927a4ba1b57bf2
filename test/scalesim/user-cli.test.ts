// `dlp scalesim` in USER mode: SCALE-Sim's memory-model figures in all three reports (checked
// against the recorded SCALE-Sim runs), v3's extra column for a v3 config, and refused
// options as one error line with a non-zero exit.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDlp, useTempDir } from '../helpers/cli.js';

const dir = useTempDir('dlp-scalesim-user-');
const FX = 'test/fixtures/scalesim';
const readCsv = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => l.slice(0, -1).split(', '));
interface Point { rows: number; cols: number; dataflow: string; bandwidth: number; sramKB: number[]; gemm: number[]; COMPUTE_REPORT: string[]; BANDWIDTH_REPORT: string[]; DETAILED_ACCESS_REPORT: string[] }
const recorded = (name: string) => JSON.parse(readFileSync(join(FX, `${name}.json`), 'utf8')) as { headers: Record<string, string[]>; points: Point[] };

describe('dlp scalesim, InterfaceBandwidth USER', () => {
  it('writes SCALE-Sim v2 figures equal to its recorded reports, then dlpkit columns', async () => {
    const out = join(dir, 'v2');
    const r = await runDlp(['scalesim', '--config', join(FX, 'v2-user-4x4.cfg'), '--topology', join(FX, 'gemm-small.csv'), '-o', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const fx = recorded('v2-user');
    const points = [[20, 30, 50], [33, 17, 65]].map((g) => fx.points.find((p) => p.rows === 4 && p.cols === 4 && p.dataflow === 'ws' && p.bandwidth === 4 && p.sramKB[0] === 1 && p.gemm.join() === g.join())!);
    for (const report of ['COMPUTE_REPORT', 'BANDWIDTH_REPORT', 'DETAILED_ACCESS_REPORT'] as const) {
      const csv = readCsv(join(out, `${report}.csv`));
      const width = fx.headers[report]!.length;
      expect(csv[0]!.slice(0, width)).toEqual(fx.headers[report]);
      expect(csv[0]![width]).toMatch(report === 'COMPUTE_REPORT' ? /^Layer$/ : /^DLP /);
      points.forEach((p, i) => expect(csv[i + 1]!.slice(0, width)).toEqual([String(i), ...p[report].slice(1)]));
    }
    // The stalls the issue is about: 8,987 cycles of which 5,868 stalled for the first GEMM.
    expect(readCsv(join(out, 'COMPUTE_REPORT.csv'))[1]!.slice(1, 3)).toEqual(['8987', '5868']);
  });

  it("adds v3's 'Total Cycles (incl. prefetch)' for a v3 config", async () => {
    const out = join(dir, 'v3');
    const r = await runDlp(['scalesim', '--config', join(FX, 'scale-v3-user.cfg'), '--topology', join(FX, 'gemm-small.csv'), '-o', out, '--json']);
    expect(r.code).toBe(0);
    const csv = readCsv(join(out, 'COMPUTE_REPORT.csv'));
    expect(csv[0]!.slice(0, 4)).toEqual(['LayerID', 'Total Cycles (incl. prefetch)', 'Total Cycles', 'Stall Cycles']);
    const json = JSON.parse(r.out) as { layers: { memory: { version: string; totalCyclesInclPrefetch: number } }[] };
    expect(json.layers.map((l) => l.memory.version)).toEqual(['v3', 'v3']);
    expect(csv[1]![1]).toBe(String(json.layers[0]!.memory.totalCyclesInclPrefetch));
  });

  it('refuses a v3 option it cannot honour with one line naming it', async () => {
    const cfg = join(dir, 'ramulator.cfg');
    writeFileSync(cfg, readFileSync(join(FX, 'scale-v3-user.cfg'), 'utf8').replace('UseRamulatorTrace: False', 'UseRamulatorTrace: True'));
    const r = await runDlp(['scalesim', '--config', cfg, '--topology', join(FX, 'gemm-small.csv'), '-o', join(dir, 'no')]);
    expect(r.code).not.toBe(0);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain(`${cfg}:38: [run_presets] UseRamulatorTrace is on`);
  });
});
