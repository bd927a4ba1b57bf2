// `dlp scalesim` end to end through cli/main.ts: the shipped sample config and topology, the
// COMPUTE_REPORT.csv it writes (SCALE-Sim's stall-free Total Cycles equal folds·perFold − 1),
// JSON output and one-line errors.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDlp, useTempDir } from '../helpers/cli.js';

const dir = useTempDir('dlp-scalesim-');


const CFG = 'examples/scalesim/systolic32_ws.cfg';

describe('dlp scalesim', () => {
  it('writes COMPUTE_REPORT.csv for the shipped GEMM sample', async () => {
    const outDir = join(dir, 'gemm');
    const r = await runDlp(['scalesim', '--config', CFG, '--topology', 'examples/scalesim/mlp_gemm.csv', '-o', outDir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('SCALE-Sim run on scalesim-systolic32_ws (32x32 ws systolic array)');
    expect(r.out).toContain(`wrote ${join(outDir, 'COMPUTE_REPORT.csv')}`);
    const lines = readFileSync(join(outDir, 'COMPUTE_REPORT.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %, '
      + 'Layer, M, N, K, DLP Cycles, DLP MFU Util %, DLP DRAM Bytes, DLP Energy uJ, DLP Roofline Ratio, DLP Bound,');
    const rows = lines.slice(1).map((l) => l.split(', '));
    expect(rows.every((r) => r.at(-1)!.endsWith(','))).toBe(true);
    // 32×32 WS, (Sr, Sc, T) = (K, N, M), per fold 2·32 + 32 + M − 2 = 94 + M:
    //  fc1 784,32,100: 25·1 folds · 194 − 1 = 4849     fc2 32,16,100: 1 · 194 − 1 = 193
    //  fc3 16,10,100: 1 · 194 − 1 = 193                square 128,128,128: 4·4 · 222 − 1 = 3551
    //  tall 64,64,400: 2·2 · 494 − 1 = 1975            odd 91,53,37: 3·2 · 131 − 1 = 785
    expect(rows.map((r) => [r[0], r[1], r[2], r[6]])).toEqual([
      ['0', '4849', '0', 'mnist_fc1'], ['1', '193', '0', 'mnist_fc2'], ['2', '193', '0', 'mnist_fc3'],
      ['3', '3551', '0', 'square_128'], ['4', '1975', '0', 'tall_400x64'], ['5', '785', '0', 'odd_37x53x91'],
    ]);
    // Overall Util = MACs·100 / (Total·R·C); fc1: 2,508,800·100 / (4849·1024).
    expect(Number(rows[0]![3])).toBeCloseTo(250880000 / (4849 * 1024), 10);
    // Mapping efficiency: fc1 784·32 / (25·1024) = 98 %; fc2 32·16 / 1024 = 50 %; square 100 %.
    expect([rows[0]![4], rows[1]![4], rows[3]![4]]).toEqual(['98.0', '50.0', '100.0']);
    // Compute Util (WS): Sr·Sc·T / (R·C·(2R + 2C + T − 3)·folds); fc2: 512·100 / (1024·225).
    expect(Number(rows[1]![5])).toBeCloseTo((512 * 100 * 100) / (1024 * 225), 10);
    // dlpkit's own figures: it moves the data and drains the ACT, so never fewer cycles than the stall-free array.
    for (const r of rows) {
      expect(Number(r[10])).toBeGreaterThan(Number(r[1]));
      expect(Number(r[12])).toBeGreaterThan(0);
      expect(['compute', 'memory']).toContain(r[15]!.replace(',', ''));
    }
  });

  it('prints JSON and lowers a convolution topology by im2col', async () => {
    const outDir = join(dir, 'conv');
    const r = await runDlp(['scalesim', '--config', CFG, '--topology', 'examples/scalesim/conv_tiny.csv', '-o', outDir, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { runName: string; topology: string; layers: { name: string; m: number; n: number; k: number; scaleSim: { totalCycles: number } }[] };
    expect([j.runName, j.topology]).toEqual(['systolic32_ws', 'conv']);
    // Conv1 im2col: M = 196, N = 16, K = 27 → WS (27, 16, 196): 1 fold of 64 + 32 + 196 − 2 = 290.
    expect(j.layers[0]).toMatchObject({ name: 'Conv1', m: 196, n: 16, k: 27, scaleSim: { totalCycles: 289 } });
    expect(readFileSync(join(outDir, 'COMPUTE_REPORT.csv'), 'utf8').split('\n')).toHaveLength(j.layers.length + 2);
  });

  it('reports malformed input as one line naming file:line', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'Layer, M, N, K,\nfc, 10, 20,\n');
    const r = await runDlp(['scalesim', '--config', CFG, '--topology', bad, '-o', join(dir, 'bad')]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`error: ${bad}:2: layer 'fc': expected 'name, M, N, K,' but found 3 fields\n`);
    const missing = await runDlp(['scalesim', '--config', join(dir, 'none.cfg'), '--topology', bad]);
    expect(missing.err).toBe(`error: cannot read SCALE-Sim config '${join(dir, 'none.cfg')}' (ENOENT)\n`);
  });
});
