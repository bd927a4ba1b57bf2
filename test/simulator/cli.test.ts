// `dlp simulate` end to end on the shipped example: table, JSON, trace file and region dump.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { reportError } from '../../cli/main.js';
import { register } from '../../cli/commands/simulate.js';

const dir = mkdtempSync(join(tmpdir(), 'dlp-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
  try {
    // A bare commander program with only this command (the full `dlp` reads package.json from dist/).
    const program = new Command('dlp').exitOverride();
    register(program);
    let code = 0;
    try {
      await program.parseAsync(args, { from: 'user' });
    } catch (x) {
      code = reportError(x);
    }
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('dlp simulate', () => {
  it('prints the report table', async () => {
    const r = await run(['simulate', 'examples/dense-relu.dlps']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Simulation on dlp-s');
    expect(r.out).toMatch(/MACs\s+401,408/);
    expect(r.out).toContain('1 fc1');
  });

  it('writes JSON, a trace and a region dump', async () => {
    const trace = join(dir, 't.json'), dump = join(dir, 'y.json');
    const r = await run(['simulate', 'examples/dense-relu.dlps', '--hw', 'systolic-16-os', '--json', '--trace', trace, '--dump', 'y', '-o', dump]);
    expect(r.err).toBe('');
    const report = JSON.parse(r.out);
    expect(report.hardware).toBe('systolic-16-os');
    expect(report.macs).toBe(4 * 784 * 128);
    // OS on 16×16: (Sr, Sc, T) = (4, 128, 784) → 1·8 folds of 16 + 16 + 784 − 2 cycles.
    expect(report.systolic).toMatchObject({ folds: 8, scaleSimCycles: 8 * 814 - 1 });
    expect(report.units.mfu.busyCycles).toBe(8 * 814);
    expect(JSON.parse(readFileSync(trace, 'utf8')).traceEvents.some((e: { name: string }) => e.name === 'MATMUL')).toBe(true);
    const y = JSON.parse(readFileSync(dump, 'utf8')).y as number[][];
    expect([y.length, y[0]!.length]).toEqual([4, 128]);
    expect(y.flat().every((v) => Number.isInteger(v) && v >= 0 && v <= 127)).toBe(true);
  });

  it('reports a program that does not fit the hardware, with its source line', async () => {
    const r = await run(['simulate', 'examples/dense-relu.dlps', '--hw', 'edge-tiny']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: examples/dense-relu.dlps:12:5: instruction #1: LOAD dst wram[0x0..0x18800) is out of range (wram has 16384 bytes)\n');
  });

  it('names an unknown region', async () => {
    const r = await run(['simulate', 'examples/dense-relu.dlps', '--dump', 'nope']);
    expect(r.code).toBe(1);
    expect(r.err).toBe("error: --dump: no region named 'nope' (regions: x, w, b, y)\n");
  });
});
