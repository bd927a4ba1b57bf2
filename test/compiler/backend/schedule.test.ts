// Tiling and scheduling: capacity on tiny buffers, odd sizes, naive vs tuned, the cost
// model against the simulator, and the --explain text.
import { describe, expect, it } from 'vitest';
import { withParam } from '../../../isa/hardware.js';
import { loadHardware } from '../../../isa/node.js';
import { compile } from '../../../compiler/pipeline.js';
import { explainBundle } from '../../../compiler/explain.js';
import { allocateSegment } from '../../../compiler/passes/tile.js';
import { quantizeModel } from '../../../compiler/passes/quantize.js';
import { DTYPE_BYTES } from '../../../isa/spec.js';
import type { Instr } from '../../../isa/spec.js';
import { simulate } from '../../../simulator/index.js';
import { makeInputs, makeModel, makeWeights, runCompiled } from './helpers.js';

/** Highest NRAM and WRAM byte any instruction touches (exclusive). */
function onChipExtent(instrs: Instr[]): { nram: number; wram: number } {
  let nram = 0;
  let wram = 0;
  const span = (addr: number, rows: number, cols: number, pitch: number, size: number) => addr + ((rows - 1) * pitch + cols) * size;
  for (const i of instrs) {
    if (i.op === 'LOAD') {
      const end = span(i.dst, i.rows, i.cols, i.pitch, DTYPE_BYTES[i.dtype]);
      if (i.space === 'nram') nram = Math.max(nram, end); else wram = Math.max(wram, end);
    } else if (i.op === 'STORE') {
      nram = Math.max(nram, span(i.src, i.rows, i.cols, i.pitch, DTYPE_BYTES[i.dtype]));
    } else if (i.op === 'MATMUL') {
      const s = DTYPE_BYTES[i.dtype];
      nram = Math.max(nram, span(i.out, i.m, i.n, i.outPitch, 4), span(i.in, i.m, i.k, i.inPitch, s));
      wram = Math.max(wram, span(i.w, i.k, i.n, i.wPitch, s));
    } else if (i.op === 'ACT') {
      nram = Math.max(nram, span(i.src, i.rows, i.cols, i.srcPitch, DTYPE_BYTES[i.inType]), span(i.dst, i.rows, i.cols, i.dstPitch, DTYPE_BYTES[i.outType]));
    }
  }
  return { nram, wram };
}

const odd = makeModel(37, [[53, { kind: 'relu' }], [91, { kind: 'prelu' }], [10, { kind: 'identity' }]], true);

describe('tiled programs fit the buffers', () => {
  const configs: [string, number, number][] = [
    ['nram 1 KiB, wram 512 B', 1024, 512],
    ['nram 2 KiB, wram 256 B', 2048, 256],
    ['nram 4 KiB, wram 4 KiB', 4096, 4096],
  ];
  for (const [name, nram, wram] of configs) {
    for (const schedule of ['tuned', 'naive'] as const) {
      for (const dtype of ['int8', 'int16', 'fp32'] as const) {
        it(`${name}, ${schedule}, ${dtype}: 37×53×91 at batch 11`, () => {
          const hw = withParam(withParam(loadHardware('edge-tiny'), 'nram.bytes', nram), 'wram.bytes', wram);
          const b = compile(odd, makeWeights(odd, 4), hw, { dtype, batch: 11, schedule });
          const ext = onChipExtent(b.program.instrs);
          expect(ext.nram).toBeLessThanOrEqual(nram);
          expect(ext.wram).toBeLessThanOrEqual(wram);
          expect(b.plans.segments.length).toBeGreaterThan(0);
          const q = quantizeModel(odd, makeWeights(odd, 4), { dtype });
          for (const seg of b.plans.segments) {
            const bufs = allocateSegment(q, seg, hw)!;
            expect(bufs.nramBytes).toBeLessThanOrEqual(nram);
            expect(bufs.wramBytes).toBeLessThanOrEqual(wram);
          }
          expect(() => simulate(b.program, hw, { dram: b.image, functional: false })).not.toThrow();
        });
      }
    }
  }

  it('names the layer when nothing fits', () => {
    const hw = withParam(loadHardware('edge-tiny'), 'nram.bytes', 64);
    expect(() => compile(odd, makeWeights(odd, 4), hw, { batch: 2 }))
      .toThrow("layer 'fc1' (37→53) does not fit hardware 'edge-tiny' (NRAM 64 B, WRAM 16384 B) even with 1-row tiles");
  });
});

describe('schedules', () => {
  const mnist = makeModel(784, [[128, { kind: 'relu' }], [64, { kind: 'relu' }], [10, { kind: 'identity' }]], true);
  const w = makeWeights(mnist, 1);

  it('tuned MNIST takes at least 2× fewer cycles than naive, and the cost model is within 5 %', () => {
    const hw = loadHardware('dlp-s');
    const tuned = compile(mnist, w, hw, { batch: 256 });
    const naive = compile(mnist, w, hw, { batch: 256, schedule: 'naive' });
    const t = simulate(tuned.program, hw, { dram: tuned.image, functional: false }).report.cycles;
    const n = simulate(naive.program, hw, { dram: naive.image, functional: false }).report.cycles;
    expect(2 * t).toBeLessThanOrEqual(n);
    expect(Math.abs(tuned.estimate.cycles - t) / t).toBeLessThan(0.05);
    expect(Math.abs(naive.estimate.cycles - n) / n).toBeLessThan(0.05);
    // Every weight fits dlp-s's WRAM: one fused segment, weights resident.
    expect(tuned.plans.segments).toHaveLength(1);
    expect(tuned.plans.segments[0]!.layers.map((l) => l.wMode)).toEqual(['resident', 'resident', 'resident']);
  });

  it('naive emits a SYNC after every instruction', () => {
    const b = compile(odd, makeWeights(odd, 1), loadHardware('dlp-s'), { batch: 3, schedule: 'naive' });
    const ops = b.program.instrs.map((i) => i.op);
    for (let k = 0; k + 1 < ops.length - 1; k += 2) expect(ops[k + 1]).toBe('SYNC');
  });

  it('tags every instruction with its layer and names the layers', () => {
    const b = compile(odd, makeWeights(odd, 1), loadHardware('edge-tiny'), { batch: 4 });
    expect(b.program.layerNames).toMatchObject({ 1: 'fc1', 2: 'fc2', 3: 'fc3' });
    expect(b.program.instrs.slice(0, -1).every((i) => i.layer >= 1)).toBe(true);
    expect(b.layout.regions.map((r) => r.name)).toEqual(['fc1_w', 'fc1_aux', 'fc2_w', 'fc2_aux', 'fc3_w', 'fc3_aux', 'input', ...b.layout.regions.slice(7, -1).map((r) => r.name), 'output']);
  });

  it('--explain shows tiling, occupancy and predicted vs simulated cycles', () => {
    const hw = loadHardware('dlp-s');
    const b = compile(mnist, w, hw, { batch: 1000 });
    const text = explainBundle(b, hw, { cycles: 1000 });
    const lines = text.split('\n');
    expect(lines[0]).toBe(`schedule tuned for dlp-s, int8, batch 1000: 1 segment(s), ${b.program.instrs.length} instructions`);
    expect(text).toContain('segment 1: fc1 → fc2 → fc3; rows outer (each row block through every layer)');
    expect(text).toMatch(/NRAM \d+ \/ 262144 B \(\d+\.\d %\), WRAM 109\d+ \/ 524288 B/);
    expect(text).toContain('fc2 128→64 relu: tile m×k×n = ');
    expect(text).toContain('weights resident; input fused from the previous layer (NRAM)');
    const analytic = b.estimate.analyticCycles!;
    expect(analytic).toBeGreaterThan(0);
    const pct = (c: number) => `${c >= 1000 ? '+' : ''}${(((c - 1000) / 1000) * 100).toFixed(1)} %`;
    expect(lines.at(-2)).toBe(`total: predicted ${b.estimate.cycles} cycles (analytic model ${analytic}), simulated 1000 cycles `
      + `(estimate error ${pct(b.estimate.cycles)}; analytic model error ${pct(analytic)})`);
  });
});

describe('inlineData: false', () => {
  it('leaves the values out of the program only: same instructions, image, cycles and outputs', () => {
    const hw = loadHardware('dlp-s');
    const weights = makeWeights(odd, 5);
    const x = makeInputs(6, 37, 9);
    const full = runCompiled(odd, weights, hw, x, { batch: 6 });
    const bare = runCompiled(odd, weights, hw, x, { batch: 6, inlineData: false });
    expect(full.bundle.program.regions.some((r) => r.init.kind === 'data')).toBe(true);
    expect(bare.bundle.program.regions.every((r) => r.init.kind === 'zero')).toBe(true);
    expect(bare.bundle.program.regions.map((r) => ({ ...r, init: undefined }))).toEqual(full.bundle.program.regions.map((r) => ({ ...r, init: undefined })));
    expect(bare.bundle.program.instrs).toEqual(full.bundle.program.instrs);
    expect(bare.bundle.image).toEqual(full.bundle.image);
    expect(bare.report.cycles).toBe(full.report.cycles);
    expect(bare.out).toEqual(full.out);
  });
});
