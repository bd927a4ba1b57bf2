// The critical-path cycle account (simulator/cycle-breakdown.ts): every cycle of [0, cycles)
// charged to exactly one cause, so the breakdown — of the run and over the layers — sums to
// `cycles`, with nothing left unexplained ('other' = 0). Checked on the example programs,
// compiled models on every preset (tuned and naive), hand-timed cases, and random programs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../isa/assemble.js';
import { presetNames } from '../../isa/hardware.js';
import { loadHardware } from '../../isa/node.js';
import { cycleAccount, emptyBreakdown } from '../../simulator/cycle-breakdown.js';
import { breakdownCycles, CYCLE_CAUSES, simulate, type CycleBreakdown, type SimReport } from '../../simulator/index.js';
import { prepareOps, scheduleOps } from '../../isa/schedule.js';
import { compile } from '../../compiler/pipeline.js';
import { hwArb, instrArb, scheduleDrawn } from './arbitrary-programs.js';
import { halt, hardware, load, matmul, program } from './build.js';
import { makeModel, makeWeights } from '../compiler/backend/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');

function expectWhole(b: CycleBreakdown, cycles: number): void {
  for (const c of CYCLE_CAUSES) {
    expect(Number.isInteger(b[c]), c).toBe(true);
    expect(b[c], c).toBeGreaterThanOrEqual(0);
  }
  expect(breakdownCycles(b)).toBe(cycles);
}

function expectAccount(r: SimReport): void {
  expectWhole(r.cycleBreakdown, r.cycles);
  expect(r.cycleBreakdown.other, 'cycles no rule explains').toBe(0);
  expect(r.perLayer.reduce((a, l) => a + breakdownCycles(l.cycleBreakdown), 0)).toBe(r.cycles);
}

describe('cycleBreakdown sums to cycles', () => {
  it.each(['examples/dense-relu.dlps', 'labs/03-dlp-assembly/solution/dense.dlps'])('%s', (file) => {
    const p = assemble(readFileSync(join(ROOT, file), 'utf8'), file);
    expectAccount(simulate(p, loadHardware('dlp-s')).report);
  });

  const model = makeModel(100, [[64, { kind: 'relu' }], [10, { kind: 'identity' }]], true);
  const cases = presetNames().flatMap((preset) => (['tuned', 'naive'] as const).map((schedule) => [preset, schedule] as const));
  it.each(cases)('a compiled 100-64-10 MLP on %s (%s)', (preset, schedule) => {
    const hw = loadHardware(preset);
    const b = compile(model, makeWeights(model, 3), hw, { batch: 24, schedule });
    expectAccount(simulate(b.program, hw, { dram: b.image, functional: false }).report);
  });

  it('the MNIST MLP at batch 1000 on dlp-s is mostly MFU time', () => {
    const mnist = makeModel(784, [[128, { kind: 'relu' }], [64, { kind: 'relu' }], [10, { kind: 'identity' }]], true);
    const hw = loadHardware('dlp-s');
    const b = compile(mnist, makeWeights(mnist, 1), hw, { batch: 1000 });
    const r = simulate(b.program, hw, { dram: b.image, functional: false }).report;
    expectAccount(r);
    // Compute-bound (MFU utilisation above 80 %): the critical path is at least that much MFU.
    expect(r.cycleBreakdown.mfu / r.cycles).toBeGreaterThanOrEqual(r.mfuUtilization - 1e-9);
  });
});

describe('hand-timed cases', () => {
  it('LOAD then a dependent MATMUL: dispatch, latency, transfer, compute', () => {
    // dlp-s: latency 100, 32 B/cycle; a 64-byte LOAD is 2 transfer cycles. MATMUL 1×32·32×32 on
    // 32×32 PEs: 1 pass + fill 1 + 5 + 5 = 12 cycles.
    const hw = loadHardware('dlp-s');
    const p = program([
      load({ dst: 0, space: 'nram', src: 0, rows: 1, cols: 64, dtype: 'int8' }),
      matmul({ out: 1024, in: 0, w: 0, m: 1, k: 32, n: 32, dtype: 'int8' }),
      halt(),
    ]);
    const ops = prepareOps(p.instrs, hw);
    const sched = scheduleOps(ops, [8, 8, 8], () => new Error('deadlock'));
    // LOAD issued 0, request 100, granted 100, done 102; MATMUL issues 102, done 114; HALT 114.
    expect(sched.cycles).toBe(114);
    const { total } = cycleAccount(ops, sched, [8, 8, 8], () => 0, () => false);
    expect(total).toMatchObject({ dramLatency: 100, dmaLoad: 2, mfu: 12, other: 0 });
    expect(breakdownCycles(total)).toBe(114);
  });
});

describe('cycleBreakdown sums to cycles (property)', () => {
  it('on random programs and machines', () => {
    // Runs in which each cause was charged: the property must exercise the walk's rules.
    const seen = emptyBreakdown();
    fc.assert(fc.property(fc.array(instrArb, { minLength: 1, maxLength: 24 }), hwArb, (body, h) => {
      const { instrs, ops, depths, sched } = scheduleDrawn(body, h);
      const { total, perLayer } = cycleAccount(ops, sched, depths, (i) => i % 3, (i) => instrs[i]!.op === 'STORE');
      expectWhole(total, sched.cycles);
      expect(total.other).toBe(0);
      expect([...perLayer.values()].reduce((a, b) => a + breakdownCycles(b), 0)).toBe(sched.cycles);
      for (const c of CYCLE_CAUSES) if (total[c] > 0) seen[c]++;
      // The same stream without HALT (as the compiler replays it), and with the grant order
      // fixed to this run's (SimOptions.channelOrder): still whole.
      const bodyOps = ops.slice(0, -1);
      const open = scheduleOps(bodyOps, depths, () => new Error('deadlock'));
      const openAccount = cycleAccount(bodyOps, open, depths, () => 0, (i) => instrs[i]!.op === 'STORE');
      expectWhole(openAccount.total, open.cycles);
      expect(openAccount.total.other).toBe(0);
      const fixed = scheduleOps(ops, depths, () => new Error('deadlock'), { channelOrder: sched.channelOrder });
      expectWhole(cycleAccount(ops, fixed, depths, () => 0, () => false).total, fixed.cycles);
    }), { numRuns: 300, seed: 7 });
    // A channel wait is charged to the transfer holding the channel; an idle-channel wait
    // (dramChannelWait) needs a fixed grant order (SimOptions.channelOrder), not used here.
    for (const c of CYCLE_CAUSES) if (c !== 'dramChannelWait' && c !== 'other') expect(seen[c], c).toBeGreaterThanOrEqual(5);
  });
});
