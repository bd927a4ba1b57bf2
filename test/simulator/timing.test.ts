// Hand-computed cycle counts: the isa/timing.ts formulas on dlp-s and small systolic arrays,
// and single instructions run through the whole simulator.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { actCycles, bestMatmulMapping, dmaCycles, matmulCycles, systolicFolds } from '../../isa/timing.js';
import { simulate } from '../../simulator/index.js';
import { ISA } from '../../isa/spec.js';
import { WORK_UNITS } from '../../isa/schedule.js';
import { act, hardware, halt, load, matmul, program, store } from './build.js';

// dlp-s: DRAM latency 100, 32 B/cycle, 64 B bursts; MFU 32 PEs × 32 lanes (fill 1+5+5 = 11);
// VFU 32 lanes, cheap 1, dear 4, startup 4; fp32 MACs at 1/4 rate.
const hw = hardware();

describe('cost formulas on dlp-s', () => {
  it('dma: latency + ⌈burst bytes / bandwidth⌉', () => {
    // contiguous 80 B → 2 bursts = 128 B → 4 cycles; 4 strided rows × 1 burst = 256 B → 8;
    // a 1-byte row still costs a 64 B burst → 2; 7840 B → 123 bursts = 7872 B → 246.
    expect(dmaCycles(hw, 4, 20, 20)).toBe(104);
    expect(dmaCycles(hw, 4, 20, 64)).toBe(108);
    expect(dmaCycles(hw, 1, 1, 1)).toBe(102);
    expect(dmaCycles(hw, 10, 784, 784)).toBe(346);
  });

  it('adder-tree matmul: m·⌈k/N⌉·⌈n/M⌉·rate + 1 + log2 N + log2 M', () => {
    expect(matmulCycles(hw, 5, 37, 11, 'int8')).toBe(5 * 2 * 1 + 11);
    expect(matmulCycles(hw, 100, 784, 128, 'int8')).toBe(100 * 25 * 4 + 11);
    expect(matmulCycles(hw, 2, 64, 64, 'fp32')).toBe(2 * 2 * 2 * 4 + 11);
    expect(matmulCycles(hardware(), 1, 1, 1, 'int16')).toBe(12);
  });

  it('vfu: startup + rows·⌈cols/V⌉·class; softmax 4 passes + 2 reductions per row', () => {
    expect(actCycles(hw, 4, 40, 'relu')).toBe(4 + 4 * 2 * 1);
    expect(actCycles(hw, 4, 40, 'sigmoid')).toBe(4 + 4 * 2 * 4);
    expect(actCycles(hw, 2, 40, 'softmax')).toBe(4 + 2 * (2 * (2 + 8) + 2 * 5));
  });
});

describe('systolic MFU (SCALE-Sim v2 stall-free)', () => {
  const shapes: [string, number, number, number, 'os' | 'ws' | 'is', number, number][] = [
    // name, m, k, n, dataflow, folds, perFold   (R = C = 4)
    ['square', 8, 8, 8, 'os', 4, 14],
    ['square', 8, 8, 8, 'ws', 4, 18],
    ['square', 8, 8, 8, 'is', 4, 18],
    ['tall', 16, 4, 4, 'os', 4, 10],
    ['tall', 16, 4, 4, 'ws', 1, 26],
    ['tall', 16, 4, 4, 'is', 4, 14],
    ['wide', 2, 4, 16, 'os', 4, 10],
    ['wide', 2, 4, 16, 'ws', 4, 12],
    ['wide', 2, 4, 16, 'is', 1, 26],
  ];
  it.each(shapes)('%s %i×%i·×%i %s', (_n, m, k, n, dataflow, folds, perFold) => {
    const f = systolicFolds({ rows: 4, cols: 4, dataflow }, m, k, n);
    expect([f.folds, f.perFold, f.scaleSimCycles]).toEqual([folds, perFold, folds * perFold - 1]);
    const sys = hardware((h) => { h.mfu = { kind: 'systolic', rows: 4, cols: 4, dataflow }; });
    expect(matmulCycles(sys, m, k, n, 'int8')).toBe(folds * perFold);
  });

  it.each([
    // swap=1 maps outᵀ = wᵀ·inᵀ: the cost of the n×k·k×m tile (WS ↔ IS; OS and the adder
    // tree trade which of m and n spreads over the array).
    ['ws', 2, 8, 16, 4 * 2 * 12, 2 * 1 * 26],
    ['is', 2, 8, 16, 2 * 1 * 26, 2 * 4 * 12],
    ['os', 2, 8, 16, 4 * 1 * 14, 1 * 4 * 14],
  ] as const)('swap on 4×4 %s: %i×%i·×%i', (dataflow, m, k, n, direct, swapped) => {
    const sys = hardware((h) => { h.mfu = { kind: 'systolic', rows: 4, cols: 4, dataflow }; });
    expect(matmulCycles(sys, m, k, n, 'int8')).toBe(direct);
    expect(matmulCycles(sys, m, k, n, 'int8', true)).toBe(swapped);
    expect(bestMatmulMapping(sys, m, k, n, 'int8')).toEqual({ swap: swapped < direct, cycles: Math.min(direct, swapped) });
  });

  it('swap on the adder tree spreads batch rows over the PEs: n·⌈k/N⌉·⌈m/M⌉ + fill', () => {
    expect(matmulCycles(hw, 64, 37, 10, 'int8', true)).toBe(10 * 2 * 2 + 11);
    expect(bestMatmulMapping(hw, 64, 37, 10, 'int8')).toEqual({ swap: true, cycles: 51 });
    expect(bestMatmulMapping(hw, 10, 37, 10, 'int8').swap).toBe(false);
  });

  it('matmulCycles on a systolic array is systolicFolds\' folds · perFold · rate, swapped or not', () => {
    // matmulCycles computes the same formulas without building a SystolicFolds.
    const dim = fc.integer({ min: 1, max: 300 });
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.constantFrom('os', 'ws', 'is' as const),
      dim, dim, dim, fc.boolean(), fc.constantFrom(1, 2, 4, 0.5),
      (rows, cols, dataflow, m, k, n, swap, rate) => {
        const sys = hardware((h) => { h.mfu = { kind: 'systolic', rows, cols, dataflow }; h.mfuRate.int8 = rate; });
        const f = systolicFolds({ rows, cols, dataflow }, m, k, n, swap);
        expect(matmulCycles(sys, m, k, n, 'int8', swap)).toBe(f.folds * f.perFold * rate);
      },
    ), { numRuns: 500 });
  });

  it.each([
    // non-divisible 5×7·7×9 on R = 4, C = 3
    ['os', 6, 12, 45 / 72],
    ['ws', 6, 14, 63 / 72],
    ['is', 4, 18, 35 / 48],
  ] as const)('non-divisible on 4×3, %s', (dataflow, folds, perFold, eff) => {
    const f = systolicFolds({ rows: 4, cols: 3, dataflow }, 5, 7, 9);
    expect([f.folds, f.perFold]).toEqual([folds, perFold]);
    expect(f.mappingEfficiency).toBeCloseTo(eff, 12);
  });
});

describe('single instructions through the simulator', () => {
  const base = [
    load({ dst: 0, space: 'nram', src: 0, rows: 4, cols: 20, dtype: 'int8' }),
    load({ dst: 0, space: 'wram', src: 0, rows: 20, cols: 40, dtype: 'int8' }),
  ];
  it('a lone LOAD takes latency + transfer cycles', () => {
    const { report } = simulate(program([base[0]!, halt()]), hw, { dram: new Uint8Array(80) });
    expect(report.cycles).toBe(104);
    expect(report.units.dmaIn.busyCycles).toBe(104);
  });

  it('swap=1 changes the MFU cycles and the fold counts, never the result', () => {
    const sys = hardware((h) => { h.mfu = { kind: 'systolic', rows: 4, cols: 4, dataflow: 'ws' }; });
    const dram = Uint8Array.from({ length: 1024 }, (_, i) => (i * 37 + 11) & 0xff);
    const run = (swap: number) => simulate(program([
      ...base,
      matmul({ out: 1024, in: 0, w: 0, m: 4, k: 20, n: 40, dtype: 'int8', swap }),
      store({ dst: 0, src: 1024, rows: 4, cols: 40, dtype: 'int32' }),
      halt(),
    ]), sys, { dram: dram.slice() });
    const [direct, swapped] = [run(0), run(1)];
    expect(Array.from(swapped.dram)).toEqual(Array.from(direct.dram));
    // WS direct: Sr = k = 20, Sc = n = 40, T = m = 4 → 5·10 folds of 8+4+4−2 = 14 cycles;
    // swapped: Sr = 20, Sc = m = 4, T = n = 40 → 5 folds of 8+4+40−2 = 50 cycles.
    expect(direct.report.units.mfu.busyCycles).toBe(50 * 14);
    expect(swapped.report.units.mfu.busyCycles).toBe(5 * 50);
    expect([direct.report.systolic!.folds, swapped.report.systolic!.folds]).toEqual([50, 5]);
  });

  it('dependent chain LOAD → MATMUL → ACT → STORE', () => {
    const p = program([
      ...base,
      matmul({ out: 1024, in: 0, w: 0, m: 4, k: 20, n: 40, dtype: 'int8' }),
      act({ dst: 2048, src: 1024, rows: 4, cols: 40, func: 'relu', inType: 'int32', outType: 'int8' }),
      store({ dst: 0, src: 2048, rows: 4, cols: 40, dtype: 'int8' }),
      halt(),
    ]);
    const { report } = simulate(p, hw, { dram: new Uint8Array(1024) });
    // LOAD x: issue 0, request 100, grant 100, done 104. LOAD w (800 B = 13 bursts = 26 cycles):
    // dispatched 1, issues at 104 when dma-in frees, request 204, done 230.
    // MATMUL 4·1·2 + 11 = 19 → 230..249. ACT 4 + 4·2 = 12 → 249..261.
    // STORE 160 B contiguous = 3 bursts = 6 cycles: 261 + 100 + 6 = 367.
    expect(report.cycles).toBe(367);
    expect(report.units.mfu.busyCycles).toBe(19);
    expect(report.units.vfu.busyCycles).toBe(12);
    expect(report.units.dmaOut.busyCycles).toBe(106);
    expect(report.units.dmaIn.busyCycles).toBe(104 + 126);
    // Hazard waits from the cycle each was otherwise ready: MATMUL dispatched at 2, issues 230;
    // ACT heads the compute queue at 231 (after MATMUL issued), issues 249; STORE dispatched
    // at 4, issues 261. The second LOAD waited for its unit, not a hazard.
    expect(report.queueStallCycles.hazard).toBe((230 - 2) + (249 - 231) + (261 - 4));
    expect(report.queueStallCycles.dram).toBe(0);
  });
});

describe('timing model structure', () => {
  it('puts every work unit in exactly one queue (the scheduler relies on a unit finishing its ops in program order)', () => {
    const queuesOf = new Map<string, Set<string>>();
    for (const spec of Object.values(ISA)) {
      if (!queuesOf.has(spec.unit)) queuesOf.set(spec.unit, new Set());
      queuesOf.get(spec.unit)!.add(spec.queue);
    }
    for (const u of WORK_UNITS) expect([...queuesOf.get(u)!]).toHaveLength(1);
  });
});
