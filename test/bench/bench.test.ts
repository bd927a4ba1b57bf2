// Smoke test of `npm run bench`: runs the quick bench as a user would (a child process) and
// checks the JSON's shape — never a figure (the machines are shared and noisy). The `e2e`
// section is left out: it spawns `dlp mnist --quick`, which has its own end-to-end test.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBench, parseBenchArgs, SECTIONS, type BenchResults } from '../../bench/run.js';
import { fitLogLogSlope, summarise } from '../../bench/stats.js';
import { createRefLayers, runReferenceForward } from '../../bench/reference.js';
import { useTempDir } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');

const timing = { median: expect.any(Number), min: expect.any(Number), max: expect.any(Number), runs: expect.any(Number) };

describe('bench helpers', () => {
  it('summarises runs and fits log-log slopes', () => {
    expect(summarise([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, runs: 3 });
    expect(summarise([4, 1, 2, 3]).median).toBe(2.5);
    expect(fitLogLogSlope([1, 10, 100], [5, 50, 500])).toBeCloseTo(1, 12);
    expect(fitLogLogSlope([1, 10, 100], [7, 7, 7])).toBe(0);
    expect(fitLogLogSlope([2, 4, 8], [4, 16, 64])).toBeCloseTo(2, 12);
  });
  it('computes the reference forward in integer arithmetic', () => {
    const [L] = createRefLayers([2, 2]);
    L!.w.set([1, 2, 3, 4]);
    L!.bias.set([10, -10]);
    expect([...runReferenceForward([L!], new Int8Array([1, -1, 2, 0]), 2)]).toEqual([8, -12, 12, -6]);
  });
  it.each([
    [['--quick', '--only', 'sim,e2e', '--workers', '2'], { quick: true, only: ['sim', 'e2e'], workers: 2 }],
    [[], { quick: false, only: [...SECTIONS] }],
  ])('parses %j', (argv, expected) => {
    expect(parseBenchArgs(argv)).toEqual(expected);
  });
  it.each([
    [['--only', 'sim,gpu'], "--only: unknown section 'gpu' (sections: sim, scaling, schedule, training, e2e, asm, ratios, compile)"],
    [['--workers', '0'], "--workers must be a positive integer, got '0'"],
    [['--out'], '--out needs a value'],
    [['--fast'], "unknown option '--fast'"],
  ])('rejects %j', (argv, message) => {
    expect(parseBenchArgs(argv)).toBe(message);
  });
});

describe('npm run bench -- --quick', () => {
  const dir = useTempDir('dlp-bench-'); // removed in afterAll
  it('writes a results file of the documented shape', () => {
    const out = join(dir, 'quick.json');
    const stdout = execFileSync(process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--quick', '--only', 'sim,scaling,schedule,training', '--out', out],
      { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(stdout).toContain('1. Simulator speed');
    expect(stdout).toContain(`wrote ${out}`);
    const r = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
    expect(r).toMatchObject({
      format: 'dlpkit-bench', version: 1, quick: true, errors: {}, note: expect.stringContaining('quick suite'),
      machine: { cpu: expect.any(String), cores: expect.any(Number), node: process.version },
    });
    expect(Object.keys(r.sectionSeconds)).toEqual(['sim', 'scaling', 'schedule', 'training']);
    expect(r.simulator!.cases.map((c) => c.name)).toEqual(['mnist-mlp b1000', 'gemm 100x784x128', 'gemm 256x256x256']);
    for (const c of r.simulator!.cases) {
      expect(c).toMatchObject({ simulate: timing, timingOnly: timing, reference: timing, macsPerSecond: expect.any(Number), ratioToReference: expect.any(Number) });
    }
    expect(r.simulator!.cases[1]!.macs).toBe(100 * 784 * 128);
    expect(r.scaling!.map((s) => s.points.length)).toEqual([4, 3]);
    expect(r.scaling![0]).toMatchObject({ slopeHostVsMacs: expect.any(Number), slopeCyclesPerMacVsMacs: expect.any(Number) });
    expect(r.schedule!.mnist.map((m) => m.preset)).toEqual(['dlp-s', 'edge-tiny']);
    expect(r.schedule!.mnist[0]).toMatchObject({ tunedCycles: expect.any(Number), naiveCycles: expect.any(Number), rooflineRatio: expect.any(Number) });
    expect(r.schedule!.overall).toMatchObject({
      points: 16, failed: 0, medianRooflineRatio: expect.any(Number), medianPredictionError: expect.any(Number),
      medianAnalyticError: expect.any(Number), maxAnalyticError: expect.any(Number),
    });
    expect(r.schedule!.mnist[0]!.analyticError).toEqual(expect.any(Number));
    expect(Object.keys(r.schedule!.errorNotes)).toEqual(['predictionError', 'analyticError']);
    expect(r.training).toMatchObject({ epochs: 1, secondsPerEpoch: expect.any(Number), testAccuracy: expect.any(Number) });
    expect(formatBench(r)).toContain('4. Host training');
  });
});

describe('search floor (ratios)', () => {
  it('times the tuned search of both scalesim GEMMs and prints what the goal leaves it, and the training rounds', async () => {
    const { searchFloor } = await import('../../bench/ratios.js');
    const floor = searchFloor(true);
    expect(floor.map((f) => f.name)).toEqual(['gemm 100x128x784 (8x8 os)', 'gemm 256x256x256 (8x8 os)']);
    for (const f of floor) expect(f.seconds).toMatchObject({ ...timing, runs: 5 });
    // SCALE-Sim 20 s ÷ 100 = 0.2 s, less 0.15 s for a warm run: 50 ms left for a search.
    const t = (median: number) => ({ median, min: median, max: median, runs: 1 });
    const warm = { name: 'gemm 256x256x256 (8x8 os)', args: [], wall: t(0.15), cpu: t(0.15), caches: 'warm' as const, reference: { seconds: t(20), source: 'test' } };
    const text = formatBench({ date: 'test', machine: { cpu: 'test', cores: 2, node: 'v20', loadAverage: [0, 0, 0] }, errors: {}, sectionSeconds: {}, durationSeconds: 1, ratios: { scalesim: [warm], searchFloor: [{ name: warm.name, seconds: t(0.03) }], fixedCosts: [], notes: [],
      simulator: { gemm: [1, 1, 1], hardware: 'dlp-s', dlpkit: t(1), dlpkitCpu: t(1), dlpkitMacsPerSecond: 1, mnist: { batch: 1, macs: 1, oneThread: { wall: t(1), cpu: t(1), macsPerSecond: 1 } } },
      training: { epochs: 5, threads: 2, dlpkit: t(0.31), dlpkitCpu: t(0.6), numpy: { seconds: t(0.3), source: 'test' }, ratio: 0.31 / 0.3, rounds: [0.98, 0.31 / 0.3, 1.7], oneThread: { seconds: t(0.45), cpuSeconds: t(0.45) }, numpySingleThread: { seconds: t(0.37), cpuSeconds: t(0.375) }, cpuRatioSingleThread: 1.2, cpuRounds: [1.2, 1.9, 1.1] } } } as unknown as BenchResults);
    expect(text).toMatch(/host training epoch .* 1\.03 \(goal ≤ 1\.5, dlpkit ÷ numpy\); rounds 0\.98 \/ 1\.03 \/ 1\.70/);
    expect(text).toMatch(/same on one thread, CPU seconds vs numpy with one BLAS thread .* 1\.20 \(goal ≤ 1\.5\); rounds 1\.20 \/ 1\.90 \/ 1\.10/);
    expect(text).toMatch(/tuned search alone, gemm 256x256x256 \(8x8 os\), V8's code optimised \(in process\) +30\.0+ ms.*100× leaves a search 50\.0+ ms CPU/);
    const over = formatBench({ date: 'test', machine: { cpu: 'test', cores: 2, node: 'v20', loadAverage: [0, 0, 0] }, errors: {}, sectionSeconds: {}, durationSeconds: 1,
      ratios: { scalesim: [{ ...warm, cpu: t(0.21) }], searchFloor: [{ name: warm.name, seconds: t(0.03) }], fixedCosts: [], notes: [], simulator: { gemm: [1, 1, 1], hardware: 'dlp-s', dlpkit: t(1), dlpkitCpu: t(1), dlpkitMacsPerSecond: 1, mnist: { batch: 1, macs: 1, oneThread: { wall: t(1), cpu: t(1), macsPerSecond: 1 } } }, training: { epochs: 1, threads: 1, dlpkit: t(1), dlpkitCpu: t(1) } } } as unknown as BenchResults);
    expect(over).toMatch(/100× leaves no search time: the warm run is 10\.0+ ms over/);
    const live = formatBench({ date: 'test', machine: { cpu: 'test', cores: 2, node: 'v20', loadAverage: [0, 0, 0] }, errors: {}, sectionSeconds: {}, durationSeconds: 1,
      ratios: { scalesim: [{ ...warm, ratio: 133.3, rounds: [133.3, 140, 120], recordedRatio: 100 }], searchFloor: [], fixedCosts: [], notes: [], simulator: { gemm: [1, 1, 1], hardware: 'dlp-s', dlpkit: t(1), dlpkitCpu: t(1), dlpkitMacsPerSecond: 1, mnist: { batch: 1, macs: 1, oneThread: { wall: t(1), cpu: t(1), macsPerSecond: 1 } } }, training: { epochs: 1, threads: 1, dlpkit: t(1), dlpkitCpu: t(1) } } } as unknown as BenchResults);
    expect(live).toMatch(/133\.30 \(goal ≥ 100, SCALE-Sim ÷ dlpkit\); rounds 133\.30 \/ 140\.00 \/ 120\.00; 100\.00 against the recorded quiet-machine time/);
  });
});

describe('training rounds (ratios)', () => {
  it('keeps the median round by ratio with its own runs, lists every round, and stops when numpy cannot run', async () => {
    const { trainingRounds } = await import('../../bench/ratios.js');
    const ours = [0.3, 0.5, 0.31];
    const theirs = [0.3, 0.3, 0.62];
    let i = 0;
    let j = 0;
    const r = await trainingRounds(3, async () => ours[i++]!, () => ({ seconds: [theirs[j++]!] }), (o, p) => o / p.seconds[0]!);
    // Ratios 1.0, 1.67, 0.5: the median is the first round's, with its own two runs.
    expect(r).toMatchObject({ ours: 0.3, theirs: { seconds: [0.3] }, ratio: 1, rounds: [1, 0.5 / 0.3, 0.5] });
    const skipped = await trainingRounds(3, async () => 1, () => 'python3 not runnable', () => 1);
    expect(skipped).toMatchObject({ skipped: 'python3 not runnable', rounds: [] });
  });
});

describe('paired SCALE-Sim rounds (ratios)', () => {
  it('pairs each reference run with our runs of its own round, not the medians of all runs', async () => {
    const { pairedRatio } = await import('../../bench/ratios.js');
    // The machine slows down fourfold after the first round, on both sides alike. Paired, the
    // rounds say 10, 10, 10; the medians of all runs (40 ÷ 2) would say 20.
    const ours = [[0.9, 1, 1.1], [3.9, 4, 4.1], [3.8, 4, 4.2]];
    const theirs = [10, 40, 40];
    expect(pairedRatio(ours, theirs)).toEqual({ ratio: 10, rounds: [10, 10, 10] });
    // The median round: a round on a quiet phase of one side alone stays out.
    expect(pairedRatio([[1], [1], [1]], [10, 30, 12])).toEqual({ ratio: 12, rounds: [10, 30, 12] });
    expect(() => pairedRatio([[1], [1]], [10])).toThrow(/2 rounds of ours against 1/);
    expect(() => pairedRatio([], [])).toThrow(/0 rounds/);
    const t = (median: number) => ({ median, min: median, max: median, runs: 1 });
    const row = { name: 'gemm 256x256x256 (8x8 os)', args: [], wall: t(0.2), cpu: t(0.2), caches: 'code' as const, reference: { seconds: t(20), source: 'test' }, ratio: 95, rounds: [90, 95, 110] };
    const text = formatBench({ date: 'test', machine: { cpu: 'test', cores: 2, node: 'v20', loadAverage: [0, 0, 0] }, errors: {}, sectionSeconds: {}, durationSeconds: 1,
      ratios: { scalesim: [row], searchFloor: [], fixedCosts: [], notes: [], simulator: { gemm: [1, 1, 1], hardware: 'dlp-s', dlpkit: t(1), dlpkitCpu: t(1), dlpkitMacsPerSecond: 1, mnist: { batch: 1, macs: 1, oneThread: { wall: t(1), cpu: t(1), macsPerSecond: 1 } } }, training: { epochs: 1, threads: 1, dlpkit: t(1), dlpkitCpu: t(1) } } } as unknown as BenchResults);
    expect(text).toMatch(/dlp scalesim gemm 256x256x256 \(8x8 os\), new layer .* 95\.00 \(goal ≥ 100, SCALE-Sim ÷ dlpkit\); rounds 90\.00 \/ 95\.00 \/ 110\.00/);
  });
});

describe('quiet-machine check of the live SCALE-Sim time (ratios)', () => {
  it('says nothing within QUIET_RANGE of the record and names the direction outside it', async () => {
    const { quietCheck, QUIET_RANGE } = await import('../../bench/ratios.js');
    const record = { seconds: [19.74, 17.91, 20.14] }; // median 19.74
    expect(quietCheck('g', 19.74, record, 'd')).toBeUndefined();
    expect(quietCheck('g', 19.74 * QUIET_RANGE[0], record, 'd')).toBeUndefined();
    expect(quietCheck('g', 19.74 * QUIET_RANGE[1], record, 'd')).toBeUndefined();
    const slow = quietCheck('g', 32.83, record, '2026-12-07')!;
    expect(slow).toContain('32.8 s here against 19.7 s recorded on a quiet machine (2026-12-07), 1.66x');
    expect(slow).toContain('overstate');
    expect(quietCheck('g', 12, record, 'd')).toContain('understate');
    expect(quietCheck('g', 19.74 * QUIET_RANGE[1] * 1.01, record, 'd')).toBeDefined();
  });
});
