// `dlp explore`: sweep parsing and expansion, CSV/SVG content, determinism across worker
// counts, interruption, and the one-line errors of the command.
import { renderExploreSvg } from '../../cli/report/charts/explore.js';
import { readFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { useTempDir } from '../helpers/cli.js';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadHardware } from '../../isa/node.js';
import { parseMlp } from '../../compiler/frontend/mlp.js';
import { checkShapes } from '../../compiler/passes/shapes.js';
import {
  expandSweep, exploreDesignSpace, findParetoFront, formatExploreCsv, parseSweep, planExploration, runPoints,
  type PointResult,
} from '../../runtime/explore/index.js';
import { main } from '../../cli/main.js';
import { errorOf } from '../helpers/errors.js';

const MODEL_TEXT = 'model tiny {\n  input 64\n  dense h: 32 relu\n  dense out: 10\n}\n';
const model = checkShapes(parseMlp(MODEL_TEXT, 'tiny.mlp'));
const dlps = loadHardware('dlp-s');

describe('parseSweep', () => {
  it('parses aliases, dotted paths and strings', () => {
    expect(parseSweep('pes=8,16')).toEqual({ key: 'pes', values: [8, 16] });
    expect(parseSweep('vfu.lanes=16, 32')).toEqual({ key: 'vfu.lanes', values: [16, 32] });
    expect(parseSweep('dataflow=os,ws')).toEqual({ key: 'dataflow', values: ['os', 'ws'] });
    expect(parseSweep('dtype=int8,fp32')).toEqual({ key: 'dtype', values: ['int8', 'fp32'] });
  });
  it.each([
    ['pes', "--sweep must look like KEY=V1,V2,... (e.g. pes=8,16,32), got 'pes'"],
    ['=8', "--sweep must look like KEY=V1,V2,... (e.g. pes=8,16,32), got '=8'"],
    ['pes=8,,16', "--sweep pes: empty value in '8,,16'"],
    ['pes=8,x', "--sweep pes: 'x' is not a number"],
    ['pes=8,8', "--sweep pes: repeated value in '8,8'"],
    ['dtype=int4', "--sweep dtype: 'int4' is not one of int8, int16, fp32"],
    ['batch=0', "--sweep batch: '0' is not a positive integer"],
  ])('rejects %s', (spec, message) => {
    expect(errorOf(() => parseSweep(spec))).toBe(message);
  });
});

describe('expandSweep', () => {
  it('orders points with the first axis slowest and scales aliases', () => {
    const pts = expandSweep(dlps, [parseSweep('nramKiB=64,128'), parseSweep('clockMHz=500,1000,2000')], { dtype: 'int8', batch: 4 });
    expect(pts.map((p) => p.params)).toEqual([
      { nramKiB: 64, clockMHz: 500 }, { nramKiB: 64, clockMHz: 1000 }, { nramKiB: 64, clockMHz: 2000 },
      { nramKiB: 128, clockMHz: 500 }, { nramKiB: 128, clockMHz: 1000 }, { nramKiB: 128, clockMHz: 2000 },
    ]);
    expect(pts[4]!.hw.nram.bytes).toBe(131072);
    expect(pts[4]!.hw.clockHz).toBe(1e9);
    expect(pts.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });
  it('routes dtype and batch to the compiler', () => {
    const pts = expandSweep(dlps, [parseSweep('dtype=int16,fp32'), parseSweep('batch=1,8')], { dtype: 'int8', batch: 4 });
    expect(pts.map((p) => [p.dtype, p.batch])).toEqual([['int16', 1], ['int16', 8], ['fp32', 1], ['fp32', 8]]);
  });
  it.each([
    [['rows=8'], "--sweep rows: 'mfu.rows' is not a parameter of dlp-s (the dlp-s MFU is adder-tree); use one of pes, lanes, rows, cols, dataflow, nramKiB, wramKiB, dramBytesPerCycle, dramLatency, clockMHz, dtype, batch or a dotted hardware path"],
    [['nram.size=1'], "--sweep nram.size: 'nram.size' is not a parameter of dlp-s; use one of pes, lanes, rows, cols, dataflow, nramKiB, wramKiB, dramBytesPerCycle, dramLatency, clockMHz, dtype, batch or a dotted hardware path"],
    [['pes=0'], '--sweep pes=0: mfu.pes: mfu.pes must be >= 1'],
    [['pes=8', 'pes=16'], '--sweep pes is given twice; list all its values in one --sweep'],
  ])('rejects %j', (specs, message) => {
    expect(errorOf(() => expandSweep(dlps, specs.map(parseSweep), { dtype: 'int8', batch: 1 }))).toBe(message);
  });
});

describe('findParetoFront', () => {
  const at = (index: number, cycles: number, energyJoules: number): PointResult => ({
    index, params: {}, hardware: 'x', dtype: 'int8', batch: 1, schedule: 'tuned',
    metrics: { cycles, energyJoules } as PointResult['metrics'],
  });
  it('keeps non-dominated points (ties included), sorted by cycles', () => {
    const rs = [at(0, 10, 5), at(1, 5, 10), at(2, 10, 10), at(3, 5, 10), at(4, 20, 1)];
    expect(findParetoFront(rs)).toEqual([1, 3, 0, 4]);
  });
  it('ignores failed points', () => {
    expect(findParetoFront([{ ...at(0, 1, 1), metrics: undefined, error: 'no' }, at(1, 3, 3)])).toEqual([1]);
  });
});

describe('a small sweep on the worker pool', () => {
  const axes = [parseSweep('pes=8,32'), parseSweep('dramBytesPerCycle=8,32')];
  it('gives identical results with 1 and 2 workers, and CSV/SVG with every point', async () => {
    const one = await exploreDesignSpace(model, dlps, axes, { batch: 16, workers: 1 });
    const two = await exploreDesignSpace(model, dlps, axes, { batch: 16, workers: 2 });
    expect(two).toEqual(one);
    expect(one.results.every((r) => r.metrics !== undefined)).toBe(true);
    expect(one.results[0]!.metrics!.macs).toBe(16 * (64 * 32 + 32 * 10));
    // More PEs and more bandwidth never make this layer slower.
    const c = one.results.map((r) => r.metrics!.cycles);
    expect(c[3]).toBeLessThanOrEqual(Math.min(c[0]!, c[1]!, c[2]!));
    expect(one.pareto).toContain(3);

    const csv = formatExploreCsv(one.keys, one.results, one.pareto);
    const lines = csv.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe('index,pes,dramBytesPerCycle,hardware,dtype,batch,schedule,status,cycles,seconds,macs,instructions,' +
      'mfuUtilization,dramReadBytes,dramWriteBytes,compulsoryDramBytes,energyJoules,rooflineCycles,rooflineRatio,boundBy,' +
      'predictedCycles,intensity,macsPerCycle,peakMacsPerCycle,dramBytesPerCycle,pareto,error');
    expect(lines[1]!.startsWith('0,8,8,dlp-s,int8,16,tuned,ok,')).toBe(true);
    expect(lines[4]!.startsWith('3,32,32,dlp-s,int8,16,tuned,ok,')).toBe(true);
    expect(lines.slice(1).map((l) => l.split(',').at(-2))).toEqual([0, 1, 2, 3].map((i) => (one.pareto.includes(i) ? '1' : '0')));

    const svg = renderExploreSvg('tiny', one.results, one.pareto);
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain('Cycles vs energy (Pareto front marked)');
    expect(svg).toContain('Roofline');
    expect(svg.match(/<circle class="point/g)).toHaveLength(8);
    expect(svg.match(/<circle class="point pareto"/g)).toHaveLength(2 * one.pareto.length);
    expect(svg.match(/class="roof"/g)).toHaveLength(4);
    expect(svg).toContain('#3 pes=32 dramBytesPerCycle=32');
  });

  it('reports a point that cannot compile as an error row', async () => {
    const tiny = planExploration(model, dlps, [parseSweep('nram.bytes=64')], { batch: 16 });
    const [r] = await runPoints(tiny, { workers: 1 });
    expect(r!.metrics).toBeUndefined();
    expect(r!.error).toBe("layer 'h' (64→32) does not fit hardware 'dlp-s' (NRAM 64 B, WRAM 524288 B) even with 1-row tiles");
    const csv = formatExploreCsv(['nram.bytes'], [r!], []);
    expect(csv.split('\n')[1]).toBe(`0,64,dlp-s,int8,16,tuned,error${',' .repeat(18)}0,"${r!.error}"`);
  });

  it('stops when the signal aborts', async () => {
    const ctl = new AbortController();
    const tasks = planExploration(model, dlps, [parseSweep('pes=4,8,16,32')], { batch: 16 });
    const run = runPoints(tasks, { workers: 1, signal: ctl.signal, onProgress: () => ctl.abort() });
    await expect(run).rejects.toThrow();
    expect(ctl.signal.aborted).toBe(true);
  });
});

describe('dlp explore', () => {
  const dir = useTempDir('dlp-explore-'); // removed in afterAll
  const file = join(dir, 'tiny.mlp');
  writeFileSync(file, MODEL_TEXT);
  afterEach(() => vi.restoreAllMocks());

  async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    const code = await main(args);
    vi.restoreAllMocks();
    return { code, out, err };
  }

  it('writes the CSV, the SVG and the JSON and prints the Pareto front', async () => {
    const out = join(dir, 'run');
    const r = await runCli(['explore', file, '--sweep', 'pes=8,32', '--batch', '16', '--workers', '2', '-o', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^2 points, \d on the Pareto front \(cycles vs energy\)\n/);
    expect(r.out).toContain(`wrote ${join(out, 'explore.csv')}`);
    expect(readdirSync(out).sort()).toEqual(['.dlpkit.json', 'explore.csv', 'explore.json', 'explore.svg']);
    expect(readFileSync(join(out, 'explore.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(3);
    const json = JSON.parse(readFileSync(join(out, 'explore.json'), 'utf8')) as { keys: string[]; results: PointResult[] };
    expect(json.keys).toEqual(['pes']);
    expect(json.results.map((p) => p.params)).toEqual([{ pes: 8 }, { pes: 32 }]);
    expect(readFileSync(join(out, 'explore.svg'), 'utf8')).toContain('tiny on dlp-s (int8, batch 16, tuned)');
  });

  it.each([
    [['--batch', '2'], 'error: give at least one --sweep KEY=V1,V2,... (keys: pes, lanes, rows, cols, dataflow, nramKiB, wramKiB, dramBytesPerCycle, dramLatency, clockMHz, dtype, batch, or a dotted hardware path)\n'],
    [['--sweep', 'pes=8', '--workers', '0'], "error: --workers must be a whole number of at least 1, got '0'\n"],
    [['--sweep', 'pes=8', '--hw', 'nope'], "error: unknown hardware preset 'nope' (presets: diannao, dlp-s, edge-tiny, systolic-16-os, systolic-32-ws; or give a .json file)\n"],
    [['--sweep', 'lanes=99999'], 'error: --sweep lanes=99999: mfu.lanes: mfu.lanes must be <= 4096\n'],
  ])('rejects %j with one line and writes nothing', async (args, message) => {
    const out = join(dir, 'bad');
    const r = await runCli(['explore', file, ...args, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(message);
    expect(existsSync(out)).toBe(false);
  });
});
