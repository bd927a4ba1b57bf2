// Load hoisting (compiler/passes/hoist.ts): which LOADs move, where they stop, and that the
// hoisted program is bit-exact and faster where the in-order dispatch starved the DMA.
import { describe, expect, it } from 'vitest';
import { hoistLoads } from '../../../compiler/passes/hoist.js';
import { scheduleCycles } from '../../../isa/schedule.js';
import { emitSegmentsForTiming } from '../../../compiler/passes/codegen.js';
import { quantShapeOf } from '../../../compiler/explain.js';
import type { Instr } from '../../../isa/spec.js';
import { loadHardware } from '../../../isa/node.js';
import { act, halt, hardware, load, matmul, store, sync } from '../../simulator/build.js';
import { makeInputs, makeModel, makeWeights, referenceFor, runCompiled } from './helpers.js';

const ops = (instrs: Instr[]) => instrs.map((i) => `${i.op}${i.op === 'LOAD' ? `@${i.dst}` : ''}`).join(' ');

describe('hoistLoads', () => {
  // Step 0 in slot A (NRAM 0, WRAM 0), step 1 in slot B (NRAM 256, WRAM 512).
  const stepA = [
    load({ dst: 0, space: 'nram', src: 0, rows: 4, cols: 16, dtype: 'int8' }),
    matmul({ out: 1024, in: 0, w: 0, m: 4, k: 16, n: 8, dtype: 'int8' }),
    act({ dst: 2048, src: 1024, rows: 4, cols: 8, func: 'relu', inType: 'int32', outType: 'int8' }),
    store({ dst: 4096, src: 2048, rows: 4, cols: 8, dtype: 'int8' }),
  ];
  const loadB = load({ dst: 256, space: 'nram', src: 64, rows: 4, cols: 16, dtype: 'int8' });

  it.each([
    ['past compute and stores it shares no bytes with', [...stepA, loadB, halt()], 'LOAD@0 LOAD@256 MATMUL ACT STORE HALT'],
    ['not past the MATMUL that reads its slot (WAR)', [...stepA, load({ dst: 0, space: 'nram', src: 64, rows: 4, cols: 16, dtype: 'int8' }), halt()],
      'LOAD@0 MATMUL LOAD@0 ACT STORE HALT'],
    ['not past a STORE to the DRAM bytes it reads (RAW through DRAM)', [...stepA, load({ dst: 256, space: 'nram', src: 4096, rows: 4, cols: 8, dtype: 'int8' }), halt()],
      'LOAD@0 MATMUL ACT STORE LOAD@256 HALT'],
    ['not past a SYNC', [stepA[0]!, stepA[1]!, sync(), stepA[2]!, loadB, halt()], 'LOAD@0 MATMUL SYNC LOAD@256 ACT HALT'],
    // The WRAM LOAD overwrites the MATMUL's weights, so it stays; the next LOAD stops behind it.
    ['never past another LOAD (loads keep their order)', [stepA[0]!, stepA[1]!, load({ dst: 64, space: 'wram', src: 128, rows: 1, cols: 8, dtype: 'int8' }), stepA[2]!, loadB, halt()],
      'LOAD@0 MATMUL LOAD@64 LOAD@256 ACT HALT'],
  ] as const)('moves a LOAD %s', (_, instrs, want) => {
    expect(ops(hoistLoads(instrs as unknown as Instr[], loadHardware('dlp-s')))).toBe(want);
  });

  it('keeps every instruction exactly once', () => {
    const instrs = [...stepA, loadB, ...stepA, loadB, halt()];
    const out = hoistLoads(instrs, loadHardware('dlp-s'));
    expect(out).toHaveLength(instrs.length);
    expect(new Set(out).size).toBe(new Set(instrs).size);
  });
});

describe('hoisted programs', () => {
  it('a hand-timed case: a LOAD held behind a full compute queue starts when the DMA unit frees', () => {
    // Compute queue depth 1, 2 PEs × 2 lanes (MATMUL 1×2·2×2 = 1·1·1 pass + fill 1+1+1 = 4
    // cycles), DRAM latency 10, 64 B per cycle (a 64-byte LOAD holds the channel 1 cycle).
    const hw = hardware((h) => {
      h.mfu = { kind: 'adder-tree', pes: 2, lanes: 2 };
      h.queues.compute = 1;
      h.dram = { ...h.dram, latencyCycles: 10, bytesPerCycle: 64, burstBytes: 64 };
    });
    const loadA = load({ dst: 0, space: 'nram', src: 0, rows: 1, cols: 64, dtype: 'int8' });
    const mm = (out: number) => matmul({ out, in: 0, w: 0, m: 1, k: 2, n: 2, dtype: 'int8' });
    const loadB = load({ dst: 256, space: 'nram', src: 64, rows: 1, cols: 64, dtype: 'int8' });
    // Loop-nest order. t0 LOAD A dispatches and issues (request at 10, granted 10, done 11);
    // t1 MM1 dispatches (RAW on A); MM2 finds the compute queue full until MM1 issues at 11,
    // so MM2 dispatches at 12 and LOAD B at 13: issued 13, granted 23, done 24. MM1 runs
    // 11–15, MM2 15–19. HALT dispatches when everything is done: 24.
    expect(scheduleCycles([loadA, mm(1024), mm(2048), loadB, halt()], hw)).toBe(24);
    // Hoisted: LOAD B dispatches at 1 but the DMA-in unit is busy until LOAD A is done at 11:
    // issued 11, granted 21, done 22; compute is unchanged (done 19). HALT: 22.
    const hoisted = hoistLoads([loadA, mm(1024), mm(2048), loadB, halt()], hw);
    expect(ops(hoisted)).toBe('LOAD@0 LOAD@256 MATMUL MATMUL HALT');
    expect(scheduleCycles(hoisted, hw)).toBe(22);
  });

  it('edge-tiny 128→256 at batch 16: the next weight panel loads during this panel\'s compute', () => {
    const model = makeModel(128, [[256, { kind: 'relu' }]], false);
    const hw = loadHardware('edge-tiny');
    const x = makeInputs(16, 128, 2);
    const { bundle, out, report } = runCompiled(model, makeWeights(model, 2), hw, x, { batch: 16 });
    expect(Array.from(out)).toEqual(Array.from(referenceFor(bundle, model, makeWeights(model, 2), x, 16)));
    // The simulator agrees with the replay, and the bundle is the hoisted order, strictly faster
    // than codegen's loop-nest order (the DMA waits for a full compute queue to drain). The
    // absolute counts (15,761 vs 16,735 when written) are not pinned: they are what the code
    // under test produces; the hand-timed case above pins the mechanism.
    expect(report.cycles).toBe(scheduleCycles(bundle.program.instrs, hw));
    const plain = emitSegmentsForTiming(quantShapeOf(bundle), bundle.plans.segments, 16, hw);
    expect(report.cycles).toBe(scheduleCycles(hoistLoads(plain, hw), hw));
    expect(report.cycles).toBeLessThan(scheduleCycles(plain, hw));
  });
});

describe('hoist-loads keeps the faster order', () => {
  it.each([
    ['dlp-s', 128, 64, 256], ['systolic-16-os', 128, 128, 16], ['edge-tiny', 128, 10, 256], ['diannao', 100, 100, 16], ['systolic-32-ws', 256, 784, 16],
  ] as const)('%s %i×%i batch %i: the bundle is no slower than codegen\'s loop-nest order', (preset, K, N, batch) => {
    const model = makeModel(K, [[N, { kind: 'relu' }]], false);
    const hw = loadHardware(preset);
    const x = makeInputs(batch, K, 4);
    const { bundle, report } = runCompiled(model, makeWeights(model, 4), hw, x, { batch });
    const plain = emitSegmentsForTiming(quantShapeOf(bundle), bundle.plans.segments, batch, hw);
    expect(report.cycles).toBeLessThanOrEqual(scheduleCycles(plain, hw));
    expect(report.cycles).toBeLessThanOrEqual(scheduleCycles(hoistLoads(plain, hw), hw));
  });
});
