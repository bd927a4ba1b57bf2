// Hand-computed cycle counts: the isa/timing.ts formulas on dlp-s and small systolic arrays,
// and single instructions run through the whole simulator.
import { describe, expect, it } from 'vitest';
import { actCycles, dmaCycles, matmulCycles, systolicFolds } from '../../isa/timing.js';
import { simulate } from '../../simulator/index.js';
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
    expect(report.stalls.hazard).toBe((230 - 2) + (249 - 231) + (261 - 4));
    expect(report.stalls.dram).toBe(0);
  });
});
