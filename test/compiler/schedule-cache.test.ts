// The schedule cache: a recalled schedule gives the bundle a fresh search gives (program, DRAM
// image, estimate) without replaying its program again, a stored entry that is not a schedule
// this model can run (or whose replays do not fit it) is ignored, a search that reads weight
// values (zero tiles) is never cached, and the folder store keeps to its own files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { loadHardware } from '../../isa/node.js';
import { withParam } from '../../isa/hardware.js';
import { compile, type CompileOptions } from '../../compiler/pipeline.js';
import { bundleFiles, type Bundle } from '../../compiler/bundle.js';
import { scheduleKey, type ScheduleCache } from '../../compiler/schedule-cache.js';
import { quantizeModel } from '../../compiler/passes/quantize.js';
import { findZeroTiles } from '../../compiler/passes/sparsity.js';
import { hoistLoads } from '../../compiler/passes/hoist.js';
import { MAX_ENTRIES, scheduleCacheDir, scheduleCacheFromEnv } from '../../compiler/schedule-cache-dir.js';
import { makeModel, makeWeights } from '../compiler/backend/helpers.js';
import { prunedWeights } from '../compiler/sparse/helpers.js';
import { useTempDir } from '../helpers/cli.js';

// Every replay a compile makes goes through the scheduler's opsCycles / opsCyclesPair (hoist.ts,
// predict.ts), and the estimate pass asks predict.ts's replaySegmentCycles (memoised, so the
// scheduler alone would not show a repeated question): counted here, results unchanged.
const calls = vi.hoisted(() => ({ ops: 0, segment: 0 }));
vi.mock('../../isa/schedule.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../isa/schedule.js')>();
  return {
    ...m,
    opsCycles: (...a: Parameters<typeof m.opsCycles>) => (calls.ops++, m.opsCycles(...a)),
    opsCyclesPair: (...a: Parameters<typeof m.opsCyclesPair>) => (calls.ops++, m.opsCyclesPair(...a)),
  };
});
vi.mock('../../compiler/passes/predict.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../compiler/passes/predict.js')>();
  return { ...m, replaySegmentCycles: (...a: Parameters<typeof m.replaySegmentCycles>) => (calls.segment++, m.replaySegmentCycles(...a)) };
});

/** Everything a bundle writes (bundle.json with the estimate and plans, program text and
 * binary, DRAM image): equal bundles are equal here. */
const encodeBundleForCompare = (b: Bundle) => bundleFiles(b);

/** A Map store that counts its calls. */
function mapCache(): ScheduleCache & { map: Map<string, string>; gets: number; sets: number } {
  const map = new Map<string, string>();
  const c = {
    map, gets: 0, sets: 0,
    get(k: string) { c.gets++; return map.get(k); },
    set(k: string, v: string) { c.sets++; map.set(k, v); },
  };
  return c;
}

const relu = { kind: 'relu' } as const;
const mlp = makeModel(100, [[64, relu], [10, { kind: 'identity' }]], true);
const weights = makeWeights(mlp, 7);
const deep = makeModel(300, [[256, relu], [128, relu], [96, relu], [10, { kind: 'identity' }]], true);
const deepWeights = makeWeights(deep, 7);
const models = { mlp, deep };
// Segments and the load order hoist-loads keeps, as the search gives them (from a cold compile):
// one segment, several, and a program faster with loads as emitted.
const cases: [string, keyof typeof models, string, CompileOptions, number, string][] = [
  ['dlp-s', 'mlp', 'int8 batch 64', { dtype: 'int8', batch: 64 }, 1, 'hoisted'],
  ['systolic-16-os', 'mlp', 'int16 batch 20', { dtype: 'int16', batch: 20 }, 1, 'hoisted'],
  ['edge-tiny', 'mlp', 'fp32 batch 300', { dtype: 'fp32', batch: 300 }, 2, 'hoisted'],
  ['edge-tiny', 'deep', 'fp32 batch 20', { dtype: 'fp32', batch: 20 }, 4, 'emitted'],
  ['systolic-32-ws', 'deep', 'int8 batch 300', { dtype: 'int8', batch: 300 }, 3, 'hoisted'],
  ['systolic-16-os', 'deep', 'int16 batch 1, per channel', { dtype: 'int16', batch: 1, perChannel: true }, 3, 'hoisted'],
  ['diannao', 'deep', 'int8 batch 1', { dtype: 'int8', batch: 1 }, 3, 'hoisted'],
];

/** The stored entry of a one-entry cache, parsed. */
const storedEntry = (cache: ReturnType<typeof mapCache>) => JSON.parse([...cache.map.values()][0]!) as {
  segments: unknown[];
  replays: { loadOrder: string; programCycles: number; segmentCycles: (number | null)[] };
};

describe('compile with a schedule cache', () => {
  beforeEach(() => { calls.ops = 0; calls.segment = 0; });

  it.each(cases)('%s, %s %s: the recalled schedule gives the searched bundle, replaying nothing', (preset, model, _what, opts, segments, loadOrder) => {
    const hw = loadHardware(preset);
    const w = makeWeights(models[model], 7);
    const fresh = encodeBundleForCompare(compile(models[model], w, hw, opts));
    const cache = mapCache();
    calls.ops = 0;
    expect(encodeBundleForCompare(compile(models[model], w, hw, { ...opts, scheduleCache: cache }))).toEqual(fresh);
    expect(calls.ops).toBeGreaterThan(0); // a miss: hoist-loads replays the program (the search's own replays are memoised)
    expect([cache.gets, cache.sets, cache.map.size]).toEqual([1, 1, 1]);
    const { replays } = storedEntry(cache);
    expect(storedEntry(cache).segments).toHaveLength(segments);
    expect(replays.segmentCycles).toHaveLength(segments);
    expect(replays.loadOrder).toBe(loadOrder);
    calls.ops = 0;
    calls.segment = 0;
    expect(encodeBundleForCompare(compile(models[model], w, hw, { ...opts, scheduleCache: cache }))).toEqual(fresh);
    expect([cache.gets, cache.sets]).toEqual([2, 1]); // a hit: nothing stored again
    expect([calls.ops, calls.segment]).toEqual([0, 0]); // and nothing replayed
  });

  it('takes the recalled replays as the estimate (they are not replayed again to be checked)', () => {
    const hw = loadHardware('edge-tiny');
    const opts: CompileOptions = { dtype: 'fp32', batch: 20 };
    const cache = mapCache();
    const cold = compile(deep, deepWeights, hw, { ...opts, scheduleCache: cache });
    const [key, text] = [...cache.map][0]!;
    const entry = JSON.parse(text) as { replays: { loadOrder: string; programCycles: number } };
    // Four segments, whose program's replay is the estimate; the other load order is the
    // emitted program with its loads hoisted.
    expect([cold.estimate.cycles, entry.replays.loadOrder]).toEqual([entry.replays.programCycles, 'emitted']);
    cache.map.set(key, JSON.stringify({ ...JSON.parse(text), replays: { ...entry.replays, loadOrder: 'hoisted', programCycles: 12345 } }));
    const warm = compile(deep, deepWeights, hw, { ...opts, scheduleCache: cache });
    expect(warm.estimate.cycles).toBe(12345);
    expect(warm.program.instrs).toEqual(hoistLoads(cold.program.instrs, hw));
  });

  it('keys on everything the search reads: another batch, machine or quantisation is another entry', () => {
    const hw = loadHardware('dlp-s');
    const cache = mapCache();
    compile(mlp, weights, hw, { batch: 64, scheduleCache: cache });
    compile(mlp, weights, hw, { batch: 65, scheduleCache: cache });
    compile(mlp, weights, withParam(hw, 'nram.bytes', 65536), { batch: 64, scheduleCache: cache });
    compile(mlp, weights, hw, { batch: 64, perChannel: true, scheduleCache: cache });
    compile(mlp, weights, hw, { batch: 64, schedule: 'naive', scheduleCache: cache }); // naive: no search, no cache
    expect([cache.sets, cache.map.size]).toEqual([4, 4]);
  });

  it('never caches a search whose tiles can skip zero weights (its result depends on where they are)', () => {
    const sparse = prunedWeights(mlp, 3, 0.9, 8);
    const hw = loadHardware('dlp-s');
    const cache = mapCache();
    compile(mlp, sparse, hw, { batch: 64, scheduleCache: cache });
    expect([cache.gets, cache.sets]).toEqual([0, 0]);
    // Without skipping the search reads no weight, and is cached.
    compile(mlp, sparse, hw, { batch: 64, skipZeroTiles: false, scheduleCache: cache });
    expect(cache.sets).toBe(1);
  });

  it('ignores an entry that is not a schedule this model can run on this machine, and searches', () => {
    const hw = loadHardware('edge-tiny');
    const opts: CompileOptions = { batch: 64 };
    const fresh = encodeBundleForCompare(compile(mlp, weights, hw, opts));
    const key = scheduleKey(findZeroTiles(quantizeModel(mlp, weights, { dtype: 'int8' }), true), 64, hw);
    const seg = (layers: object[], extra: object = {}) => ({ order: 'rows', m: 8, double: true, sync: false, layers, ...extra });
    const tile = (layer: number, n: number, k: number) => ({ layer, n, k, wMode: 'tile', xMode: 'tile', auxResident: false });
    // An entry with well-formed replays, so the schedule is what is wrong.
    const entry = (batch: number, segments: object[]) =>
      JSON.stringify({ batch, segments, replays: { loadOrder: 'hoisted', programCycles: 1000, segmentCycles: segments.map(() => 500) } });
    const bad = [
      'not json',
      '[]',
      entry(32, [seg([tile(0, 64, 100)]), seg([tile(1, 10, 64)])]), // another batch
      entry(64, [seg([tile(1, 10, 64)]), seg([tile(0, 64, 100)])]), // layers out of order
      entry(64, [seg([tile(0, 64, 100)])]), // a layer missing
      entry(64, [seg([tile(0, 65, 100)]), seg([tile(1, 10, 64)])]), // n > N
      entry(64, [seg([tile(0, 64, 100)], { m: 64, order: 'sideways' }), seg([tile(1, 10, 64)])]),
      entry(64, [seg([tile(0, 64, 100)], { sync: true }), seg([tile(1, 10, 64)])]),
      // Well-formed, but 64 rows of 100 int8 inputs, doubled, plus the rest overflow edge-tiny's NRAM.
      entry(64, [seg([{ ...tile(0, 64, 100), wMode: 'resident', xMode: 'block' }, { ...tile(1, 10, 64), wMode: 'resident', xMode: 'fused' }], { m: 64 })]),
    ];
    for (const entry of bad) {
      const cache = mapCache();
      cache.map.set(key, entry);
      expect(encodeBundleForCompare(compile(mlp, weights, hw, { ...opts, scheduleCache: cache })), entry).toEqual(fresh);
      expect(cache.sets, entry).toBe(1); // searched, and the entry replaced
      expect(cache.map.get(key)).not.toBe(entry);
    }
  });

  it('ignores an entry whose replays are damaged or foreign, and searches', () => {
    const hw = loadHardware('systolic-16-os');
    const opts: CompileOptions = { dtype: 'fp32', batch: 20 };
    const cache = mapCache();
    const fresh = encodeBundleForCompare(compile(mlp, weights, hw, { ...opts, scheduleCache: cache }));
    const [key, good] = [...cache.map][0]!;
    const e = JSON.parse(good) as { batch: number; segments: unknown[]; replays: { loadOrder: string; programCycles: number; segmentCycles: number[] } };
    expect(e.segments).toHaveLength(2);
    const r = e.replays;
    const withReplays = (replays: unknown, extra: object = {}) => JSON.stringify({ ...e, replays, ...extra });
    const bad = [
      JSON.stringify({ batch: e.batch, segments: e.segments }), // a format-1 entry: no replays
      withReplays(r, { note: 1 }), // a key the format does not have
      withReplays({ ...r, extra: 0 }),
      withReplays({ loadOrder: r.loadOrder, programCycles: r.programCycles }), // segment cycles missing
      withReplays({ ...r, segmentCycles: r.segmentCycles.slice(1) }), // fewer than segments
      withReplays({ ...r, segmentCycles: [...r.segmentCycles, 100] }), // more
      withReplays({ ...r, segmentCycles: 100 }),
      withReplays({ ...r, loadOrder: 'sideways' }),
      withReplays({ ...r, loadOrder: null }),
      withReplays({ ...r, programCycles: -r.programCycles }),
      withReplays({ ...r, programCycles: 0 }),
      withReplays({ ...r, programCycles: null }), // how JSON writes NaN
      withReplays({ ...r, programCycles: 'NaN' }),
      withReplays({ ...r, programCycles: String(r.programCycles) }),
      withReplays({ ...r, programCycles: r.programCycles }).replace(`"programCycles":${r.programCycles}`, '"programCycles":1e999'), // Infinity
      withReplays({ ...r, segmentCycles: [r.segmentCycles[0], -1] }),
      withReplays({ ...r, segmentCycles: [r.segmentCycles[0], 'x'] }),
      withReplays({ ...r, segmentCycles: [r.segmentCycles[0], [5]] }),
    ];
    for (const entry of bad) {
      expect(entry).not.toBe(good);
      cache.map.set(key, entry);
      cache.sets = 0;
      calls.ops = 0;
      expect(encodeBundleForCompare(compile(mlp, weights, hw, { ...opts, scheduleCache: cache })), entry).toEqual(fresh);
      expect([cache.sets, cache.map.get(key)], entry).toEqual([1, good]); // searched, and the entry rewritten
      expect(calls.ops, entry).toBeGreaterThan(0);
    }
    // A declined segment replay (over budget) is kept as null: well-formed, so recalled.
    cache.map.set(key, withReplays({ ...r, segmentCycles: [null, r.segmentCycles[1]] }));
    cache.sets = 0;
    compile(mlp, weights, hw, { ...opts, scheduleCache: cache });
    expect(cache.sets).toBe(0);
  });
});

describe('the schedule cache folder', () => {
  const dir = useTempDir('dlp-schedcache-');
  const ENGINE = '0123456789abcdef';

  it('stores an entry per key as a file of its own, and recalls it in another instance', () => {
    const root = join(dir, 'a');
    const c = scheduleCacheDir(root, ENGINE);
    expect(c.get('k1')).toBeUndefined();
    c.set('k1', 'v1');
    c.set('k2', 'v2');
    const again = scheduleCacheDir(root, ENGINE);
    expect([again.get('k1'), again.get('k2'), again.get('k3')]).toEqual(['v1', 'v2', undefined]);
    const names = readdirSync(c.dir).sort();
    expect(names).toHaveLength(3); // two entries and the marker, no temp file left
    expect(names).toContain('.dlpkit-schedules');
  });

  it('treats a damaged file or another key under the same name as a miss', () => {
    const c = scheduleCacheDir(join(dir, 'b'), ENGINE);
    c.set('k', 'v');
    const [entry] = readdirSync(c.dir).filter((n) => n.endsWith('.json'));
    writeFileSync(join(c.dir, entry!), JSON.stringify({ key: 'another', schedule: 'v' }));
    expect(c.get('k')).toBeUndefined();
    writeFileSync(join(c.dir, entry!), '{"key": "k", "sched');
    expect(c.get('k')).toBeUndefined();
  });

  it('removes the folders of other engines it made, and nothing it did not make', () => {
    const root = join(dir, 'c');
    const old = scheduleCacheDir(root, 'ffffffffffffffff');
    old.set('k', 'v');
    const foreign = join(root, 'engine-eeeeeeeeeeeeeeee'); // engine-like name, not marked as dlpkit's
    mkdirSync(foreign, { recursive: true });
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    const marked = join(root, 'engine-dddddddddddddddd'); // marked, but holding a user's file
    mkdirSync(marked);
    writeFileSync(join(marked, '.dlpkit-schedules'), '');
    writeFileSync(join(marked, 'keep.txt'), 'mine');
    writeFileSync(join(root, 'readme.txt'), 'mine');
    scheduleCacheDir(root, ENGINE).set('k', 'v');
    expect(existsSync(old.dir)).toBe(false);
    expect(readFileSync(join(foreign, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(join(marked, 'keep.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(join(root, 'readme.txt'), 'utf8')).toBe('mine');
  });

  it(`keeps at most ${MAX_ENTRIES} entries, dropping the oldest tenth`, () => {
    const c = scheduleCacheDir(join(dir, 'd'), ENGINE);
    c.set('first', 'x'); // makes the folder
    for (let i = 0; i < MAX_ENTRIES + 5; i++) {
      const p = join(c.dir, `${i.toString(16).padStart(32, '0')}.json`);
      writeFileSync(p, '{}');
      utimesSync(p, 1000 + i, 1000 + i);
    }
    const fresh = scheduleCacheDir(join(dir, 'd'), ENGINE); // a new process prunes at its first write
    fresh.set('last', 'y');
    const entries = readdirSync(c.dir).filter((n) => n.endsWith('.json'));
    expect(entries.length).toBe(MAX_ENTRIES + 5 + 2 - MAX_ENTRIES / 10);
    expect(entries).not.toContain(`${(0).toString(16).padStart(32, '0')}.json`); // the oldest went
    expect(fresh.get('last')).toBe('y');
  });

  it('gives up quietly when the folder cannot be written', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const c = scheduleCacheDir(file, ENGINE); // a file where the folder should be
    c.set('k', 'v');
    expect(c.get('k')).toBeUndefined();
  });

  it('follows DLP_SCHEDULE_CACHE: off, a folder, or the XDG cache folder; none without an engine id', () => {
    expect(scheduleCacheFromEnv({ DLP_SCHEDULE_CACHE: 'off' }, ENGINE)).toBeUndefined();
    expect(scheduleCacheFromEnv({ DLP_SCHEDULE_CACHE: join(dir, 'e') }, undefined)).toBeUndefined();
    expect((scheduleCacheFromEnv({ DLP_SCHEDULE_CACHE: join(dir, 'e') }, ENGINE) as unknown as { dir: string }).dir).toBe(join(dir, 'e', `engine-${ENGINE}`));
    expect((scheduleCacheFromEnv({ XDG_CACHE_HOME: join(dir, 'xdg') }, ENGINE) as unknown as { dir: string }).dir).toBe(join(dir, 'xdg', 'dlpkit', 'schedules', `engine-${ENGINE}`));
  });
});

describe('dlp scalesim with the cache (the bundled CLI)', () => {
  const dir = useTempDir('dlp-schedcache-cli-');
  it('writes the same reports cold, warm and with the cache off, and survives a damaged entry', () => {
    const cfg = join(dir, 's.cfg');
    writeFileSync(cfg, ['[general]', 'run_name = t', '[architecture_presets]', 'ArrayHeight: 8', 'ArrayWidth: 8', 'IfmapSramSzkB: 64', 'FilterSramSzkB: 64',
      'OfmapSramSzkB: 64', 'IfmapOffset: 0', 'FilterOffset: 10000000', 'OfmapOffset: 20000000', 'Dataflow : os', 'Bandwidth : 10', 'MemoryBanks: 1',
      '[run_presets]', 'InterfaceBandwidth: CALC', ''].join('\n'));
    const topo = join(dir, 't.csv');
    writeFileSync(topo, 'Layer, M, N, K,\ng1, 40, 24, 72,\ng2, 16, 32, 8,\n');
    const cache = join(dir, 'cache');
    const run = (out: string, setting: string) => {
      const r = spawnSync(process.execPath, [resolve('dist/dlp/bin.cjs'), 'scalesim', '--config', cfg, '--topology', topo, '-o', join(dir, out), '--json'],
        { encoding: 'utf8', env: { ...process.env, DLP_SCHEDULE_CACHE: setting } });
      expect(r.status, r.stderr).toBe(0);
      return ['COMPUTE_REPORT.csv', 'BANDWIDTH_REPORT.csv', 'DETAILED_ACCESS_REPORT.csv'].map((f) => readFileSync(join(dir, out, f), 'utf8'));
    };
    const off = run('off', 'off');
    expect(run('cold', cache)).toEqual(off);
    const [engine] = readdirSync(cache);
    const entries = readdirSync(join(cache, engine!)).filter((n) => n.endsWith('.json'));
    expect(entries).toHaveLength(2); // one per GEMM
    expect(run('warm', cache)).toEqual(off);
    for (const e of entries) writeFileSync(join(cache, engine!, e), 'garbage');
    expect(run('damaged', cache)).toEqual(off);
  });
});
