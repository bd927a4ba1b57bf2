// Random raw instruction programs and small machines for timing properties (fast-check): the
// event model against the tick model (equivalence.test.ts) and the cycle account
// (cycle-breakdown.test.ts).
import fc from 'fast-check';
import type { HardwareConfig } from '../../isa/hardware.js';
import { prepareOps, scheduleOps, type Schedule, type TimedOp } from '../../isa/schedule.js';
import type { Instr } from '../../isa/spec.js';
import { act, halt, hardware, load, matmul, store, sync } from './build.js';

const addr = (max: number) => fc.integer({ min: 0, max: max / 4 - 1 }).map((x) => x * 4);
const small = fc.integer({ min: 1, max: 6 });

export const instrArb: fc.Arbitrary<Instr> = fc.oneof(
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

export const hwArb = fc.record({
  latency: fc.nat(12), bw: fc.constantFrom(1, 2, 4, 8), burst: fc.constantFrom(4, 8, 16),
  depths: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  lanes: fc.constantFrom(2, 4), pes: fc.constantFrom(2, 4),
});

export type DrawnMachine = typeof hwArb extends fc.Arbitrary<infer M> ? M : never;

/** A drawn program body (HALT appended) scheduled on a drawn machine by the event model. */
export function scheduleDrawn(body: readonly Instr[], h: DrawnMachine): {
  hw: HardwareConfig; instrs: Instr[]; ops: TimedOp[]; depths: number[]; sched: Schedule;
} {
  const hw = hardware((x) => {
    x.dram.latencyCycles = h.latency;
    x.dram.bytesPerCycle = h.bw;
    x.dram.burstBytes = h.burst;
    x.mfu = { kind: 'adder-tree', pes: h.pes, lanes: h.lanes };
    x.vfu.lanes = h.lanes;
  });
  const instrs = [...body, halt()];
  const ops = prepareOps(instrs, hw);
  const depths = [...h.depths];
  return { hw, instrs, ops, depths, sched: scheduleOps(ops, depths, () => new Error('deadlock')) };
}
