// Random raw instruction programs and small machines for timing properties (fast-check): the
// event model against the tick model (equivalence.test.ts) and the cycle account
// (cycle-breakdown.test.ts).
import fc from 'fast-check';
import type { Instr } from '../../isa/spec.js';
import { act, load, matmul, store, sync } from './build.js';

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

