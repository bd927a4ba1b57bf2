// The simulator's MATMUL split over two threads (runtime/sim-threads.ts) changes nothing:
// random tiles give the reference loops' bits, and random compiled programs (int8, int16,
// fp32) give the same DRAM bytes, report and DRAM grant order as the single-threaded kernel.
// The threshold is lowered to 0 so that every multiply step of 4+ rows is split, and the
// worker is started (and seen to take chunks) before the properties run.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, writeInputs } from '../../compiler/index.js';
import { simulate } from '../../simulator/index.js';
import { createSimThreads, StepTimer } from '../../runtime/sim-threads.js';
import { arbCase } from '../properties/arbitraries.js';
import { compileCase } from '../properties/harness.js';
import { materialise } from '../properties/case.js';
import { assertProperty, PROPERTY_TIMEOUT, runsOf } from '../properties/report.js';
import { arbMatmul, sameAsReference } from '../kernels/tile-cases.js';
import { loadPreset } from '../../isa/hardware.js';
import { buildMlpGraph } from '../../bench/models.js';
import { randomWeights } from '../../compiler/weights/random.js';

const threads = createSimThreads({ minMacs: 0, adaptive: false })!;
// What the dlp commands use: each size class of step learns whether splitting pays.
const adaptive = createSimThreads({ minMacs: 0 })!;
afterAll(() => {
  threads.stop();
  adaptive.stop();
});

const hw = loadPreset('dlp-s');
const warmModel = buildMlpGraph('warm', [256, 256], false);
const bundle = compile(warmModel, randomWeights(warmModel, 1), hw, { batch: 64, dtype: 'int8', schedule: 'tuned' });

beforeAll(async () => {
  // The first split step starts the worker (and runs on the caller); wait until it is up.
  for (let i = 0; i < 200 && threads.threads() < 2; i++) {
    simulate(bundle.program, hw, { dram: bundle.image, tiles: threads.tiles });
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(threads.threads()).toBe(2);
}, 60_000);

describe('MATMUL split over worker threads', () => {
  it('gives the reference loops\' exact results on random tiles (int8, int16, fp32)', () => {
    fc.assert(fc.property(arbMatmul, (c) => sameAsReference(c, threads.tiles)), { numRuns: 300 });
  });

  it('gives the single-threaded simulation\'s DRAM bytes, report and grant order on random programs', () => {
    const before = threads.workerChunks();
    assertProperty('threads', arbCase(), (c) => {
      const m = materialise(c);
      const bundle = compileCase(m);
      fc.pre(bundle !== undefined);
      const dram = bundle!.image.slice();
      writeInputs(bundle!, dram, m.x);
      const one = simulate(bundle!.program, m.hw, { dram });
      for (const t of [threads, adaptive]) {
        const two = simulate(bundle!.program, m.hw, { dram, tiles: t.tiles });
        expect(Buffer.compare(one.dram, two.dram)).toBe(0);
        expect(two.report).toEqual(one.report);
        expect(two.channelOrder).toEqual(one.channelOrder);
      }
    }, runsOf(60));
    // The worker took part: it claims chunks only when it wakes before the caller has claimed
    // them all, so on a loaded machine the random programs' small steps may have run without
    // it; then the warm-up program is repeated (and compared) until it has.
    const one = simulate(bundle.program, hw, { dram: bundle.image.slice() });
    for (let i = 0; i < 200 && threads.workerChunks() === before; i++) {
      const two = simulate(bundle.program, hw, { dram: bundle.image.slice(), tiles: threads.tiles });
      expect(Buffer.compare(one.dram, two.dram)).toBe(0);
    }
    expect(threads.workerChunks()).toBeGreaterThan(before);
  }, PROPERTY_TIMEOUT);

  it('runs a size class the way its steps were faster, trying the other way every 16th step', () => {
    const t = new StepTimer();
    expect(t.pick()).toBe('split'); // no times yet: try each way once
    t.record('split', 3000, 1000);
    expect(t.pick()).toBe('solo');
    t.record('solo', 2000, 1000);
    // solo 2 ns per MAC against split 3: solo, except the 16th step.
    const picks = Array.from({ length: 14 }, () => t.pick());
    expect(picks).toEqual([...Array<string>(13).fill('solo'), 'split']);
    // Split becomes faster (moving average 3 → 3 + (0.5 − 3)/4 = 2.375, then 1.906): still solo after one, split after two.
    t.record('split', 500, 1000);
    expect(t.pick()).toBe('solo');
    t.record('split', 500, 1000);
    expect(t.pick()).toBe('split');
  });

  it('after stop(), runs every tile on the caller with the same results', () => {
    const t = createSimThreads({ minMacs: 0, adaptive: false })!;
    t.stop();
    fc.assert(fc.property(arbMatmul, (c) => sameAsReference(c, t.tiles)), { numRuns: 50 });
    expect(t.threads()).toBe(1);
    expect(t.workerChunks()).toBe(0);
  });
});
