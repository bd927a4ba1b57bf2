// The event-driven timing model agrees cycle for cycle with the tick-by-tick reference model
// on random programs and machines (fast-check), including stall counts per cause.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Instr } from '../../isa/spec.js';
import { footprintOf } from '../../isa/footprint.js';
import { prepareOps, scheduleOps } from '../../isa/schedule.js';
import { act, hardware, halt, load, matmul, store, sync } from './build.js';
import { tickSchedule } from './tick-model.js';

const addr = (max: number) => fc.integer({ min: 0, max: max / 4 - 1 }).map((x) => x * 4);
const small = fc.integer({ min: 1, max: 6 });

const instrArb: fc.Arbitrary<Instr> = fc.oneof(
  fc.record({ dst: addr(256), space: fc.constantFrom('nram' as const, 'wram' as const), src: addr(512), rows: small, cols: small, extra: fc.nat(4) })
    .map(({ extra, ...f }) => load({ ...f, dtype: 'int8', pitch: f.cols + extra, stride: f.cols + extra })),
  fc.record({ dst: addr(512), src: addr(256), rows: small, cols: small, extra: fc.nat(4) })
    .map(({ extra, ...f }) => store({ ...f, dtype: 'int8', pitch: f.cols, stride: f.cols + extra })),
  fc.record({ out: addr(256), in: addr(256), w: addr(256), m: small, k: small, n: small, acc: fc.constantFrom(0, 1), swap: fc.constantFrom(0, 1) })
    .map((f) => matmul({ ...f, dtype: 'int8' })),
  fc.record({ dst: addr(256), src: addr(256), rows: small, cols: small, func: fc.constantFrom('relu' as const, 'sigmoid' as const, 'softmax' as const) })
    .map((f) => act({ ...f, inType: 'int32', outType: f.func === 'softmax' ? 'fp32' : 'int8' })),
  fc.constant(sync()),
);

const hwArb = fc.record({
  latency: fc.nat(12), bw: fc.constantFrom(1, 2, 4, 8), burst: fc.constantFrom(4, 8, 16),
  depths: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  lanes: fc.constantFrom(2, 4), pes: fc.constantFrom(2, 4),
});

describe('event model = tick model', () => {
  it('on random programs and machines', () => {
    // Runs in which each stall cause occurred: the property must exercise all of them.
    const seen = { hazard: 0, queueFull: 0, dram: 0, sync: 0 };
    fc.assert(fc.property(fc.array(instrArb, { minLength: 1, maxLength: 24 }), hwArb, (body, h) => {
      const hw = hardware((x) => {
        x.dram.latencyCycles = h.latency;
        x.dram.bytesPerCycle = h.bw;
        x.dram.burstBytes = h.burst;
        x.mfu = { kind: 'adder-tree', pes: h.pes, lanes: h.lanes };
        x.vfu.lanes = h.lanes;
      });
      const instrs = [...body, halt()];
      const ops = prepareOps(instrs, hw, instrs.map(footprintOf));
      const depths = [...h.depths];
      const ev = scheduleOps(ops, depths, () => new Error('deadlock'));
      const tick = tickSchedule(ops, depths);
      expect(ev.cycles).toBe(tick.cycles);
      expect(Array.from(ev.dispatch)).toEqual(tick.dispatch);
      expect(Array.from(ev.issue)).toEqual(tick.issue);
      expect(Array.from(ev.finish)).toEqual(tick.finish);
      expect(ev.stalls).toEqual(tick.stalls);
      expect(ev.unitBusy).toEqual(tick.unitBusy);
      for (const k of Object.keys(seen) as (keyof typeof seen)[]) if (ev.stalls[k] > 0) seen[k]++;
    }), { numRuns: 300, seed: 42 });
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(20);
  });
});
