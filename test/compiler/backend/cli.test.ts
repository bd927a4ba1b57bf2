// `dlp compile` and `dlp run` through main(), and the bundle's write/read round trip.
import { describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDlp, useTempDir } from '../../helpers/cli.js';
import { readOutputs, writeInputs } from '../../../compiler/bundle.js';
import { readBundle } from '../../../compiler/bundle-files.js';
import { loadHardware } from '../../../isa/node.js';
import { simulate } from '../../../simulator/index.js';

const dir = useTempDir('dlp-backend-');
const model = join(dir, 'small.mlp');
writeFileSync(model, 'model small { input 20  dense 16 relu  dense 5  softmax }\n');


describe('dlp compile', () => {
  it('writes a bundle directory that reads back and runs', async () => {
    const outDir = join(dir, 'small.bundle');
    const r = await runDlp(['compile', model, '--hw', 'edge-tiny', '--batch', '3', '--dtype', 'int16', '-o', outDir, '--explain']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('schedule tuned for edge-tiny, int16, batch 3');
    // --explain simulates (timing only) and states both errors: the replayed estimate and the analytic model.
    expect(r.out).toMatch(/\(estimate error [+-]\d+\.\d %; analytic model error [+-]\d+\.\d %\)/);
    expect(r.out).toMatch(/^wrote .*small\.bundle: \d+ instructions, \d+ bytes of DRAM, predicted \d+ cycles on edge-tiny$/m);
    expect(readdirSync(outDir).sort()).toEqual(['.dlpkit.json', 'bundle.json', 'image.bin', 'program.dlpb', 'program.dlps']);
    const b = readBundle(outDir);
    expect(b.batch).toBe(3);
    expect(b.dtype).toBe('int16');
    expect(b.layout.input.shape).toEqual([3, 20]);
    expect(b.layout.output).toMatchObject({ name: 'output', dtype: 'fp32', shape: [3, 5] });
    const dram = b.image.slice();
    writeInputs(b, dram, new Float32Array(60).fill(0.5));
    const probs = readOutputs(b, simulate(b.program, loadHardware('edge-tiny'), { dram }).dram);
    for (let r0 = 0; r0 < 3; r0++) {
      const sum = probs.slice(r0 * 5, r0 * 5 + 5).reduce((a, v) => a + v, 0);
      expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
    }
  });

  it('rejects a bad dtype and a missing output with one line', async () => {
    const r = await runDlp(['compile', model, '--dtype', 'int4', '-o', join(dir, 'x')]);
    expect(r.code).toBe(1);
    expect(r.err).toBe("error: --dtype must be int8, int16 or fp32, got 'int4'\n");
  });
});

describe('dlp run', () => {
  it('prints the simulator report as JSON with predicted cycles under --explain', async () => {
    const r = await runDlp(['run', model, '--hw', 'dlp-s', '--batch', '4', '--json', '--explain']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { report: { cycles: number; hardware: string }; predicted: { cycles: number } };
    expect(j.report.hardware).toBe('dlp-s');
    expect(j.report.cycles).toBeGreaterThan(0);
    expect(j.predicted.cycles).toBeGreaterThan(0);
  });

  it('text mode adds the predicted vs simulated line', async () => {
    const r = await runDlp(['run', model, '--hw', 'diannao', '--batch', '2', '--explain', '--schedule', 'naive']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/total: predicted \d+ cycles \(analytic model \d+\), simulated \d+ cycles \(estimate error [+-]\d+\.\d %; analytic model error [+-]\d+\.\d %\)/);
  });
});
