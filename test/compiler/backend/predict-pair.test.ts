// A rows-order prediction replays the loop nest over lo and over hi row blocks; predict.ts
// emits the lo-block stream on the hi-block stream's DRAM layout, so it is the first part of
// that stream, and replays the shared part once (isa/schedule.ts opsCyclesPair). These tests
// hold both steps to the replays they replace: the paired replay gives each stream's own
// cycles, the borrowed layout changes no cycle count, and the predictions equal the separate
// replays on their own layouts, for every rows-order candidate of several models and machines.
import { describe, expect, it } from 'vitest';
import { loadHardware } from '../../../isa/node.js';
import type { HardwareConfig } from '../../../isa/hardware.js';
import { createRng } from '../../../isa/rng.js';
import { opsCycles, opsCyclesPair, prepareOps, type TimedOp } from '../../../isa/schedule.js';
import type { Instr } from '../../../isa/spec.js';
import type { ModelGraph } from '../../../compiler/model.js';
import { randomWeights } from '../../../compiler/weights/random.js';
import { quantizeModel } from '../../../compiler/passes/quantize.js';
import { findZeroTiles } from '../../../compiler/passes/sparsity.js';
import { fusedCandidates, singleLayerCandidates } from '../../../compiler/passes/tile.js';
import { emitSegmentForTiming } from '../../../compiler/passes/codegen.js';
import { hoistOrder } from '../../../compiler/passes/hoist.js';
import { BLOCKS, replaySegmentCycles } from '../../../compiler/passes/predict.js';
import type { QuantModel } from '../../../compiler/passes/quantize.js';
import type { SegmentPlan } from '../../../compiler/passes/plan.js';

interface Case { hw: string; dims: number[]; batch: number; dtype: 'int8' | 'int16' | 'fp32'; act?: 'relu' | 'sigmoid' }

// Batches give more than hi + 1 row blocks for most row sizes, so the lo/hi slope is taken.
const CASES: Case[] = [
  { hw: 'dlp-s', dims: [784, 128, 64, 10], batch: 1000, dtype: 'int8' },
  { hw: 'edge-tiny', dims: [100, 37, 5], batch: 300, dtype: 'int8', act: 'sigmoid' },
  { hw: 'systolic-16-os', dims: [300, 200], batch: 640, dtype: 'int16' },
  { hw: 'systolic-32-ws', dims: [512, 256, 10], batch: 512, dtype: 'fp32' },
];

function setup(c: Case): { q: QuantModel; hw: HardwareConfig; cands: SegmentPlan[] } {
  const model: ModelGraph = {
    name: 'm', inputSize: c.dims[0]!, softmax: false,
    layers: c.dims.slice(1).map((units, i) => ({ kind: 'dense', name: `fc${i + 1}`, units, activation: { kind: c.act ?? 'relu' } })),
  };
  const hw = loadHardware(c.hw);
  const q = findZeroTiles(quantizeModel(model, randomWeights(model, 3), { dtype: c.dtype }), true);
  const cands = q.layers.flatMap((_, l) => singleLayerCandidates(q, l, c.batch, hw));
  for (let a = 0; a + 1 < q.layers.length; a++) cands.push(...fusedCandidates(q, a, q.layers.length - 1, c.batch, hw));
  const rows = cands.filter((s) => s.order === 'rows' && Math.ceil(c.batch / s.m) > BLOCKS.rows.hi + 1);
  // A fixed sample keeps the test fast; the seed makes it the same sample every run.
  const rng = createRng(5);
  return { q, hw, cands: rows.filter(() => rng() < 0.25).slice(0, 40) };
}

/** Both load orders' timed ops of a stream. */
function orders(instrs: Instr[], hw: HardwareConfig): TimedOp[][] {
  const ops = prepareOps(instrs, hw);
  return [ops, hoistOrder(ops).map((i) => ops[i]!)];
}

describe('rows-order replays over lo and hi row blocks', () => {
  for (const c of CASES) {
    it(`predicts as the separate replays do: ${c.dims.join('-')} batch ${c.batch} on ${c.hw}`, () => {
      const { q, hw, cands } = setup(c);
      expect(cands.length).toBeGreaterThan(3);
      const { lo, hi } = BLOCKS.rows;
      let paired = 0;
      let predicted = 0;
      for (const seg of cands) {
        const own = orders(emitSegmentForTiming(q, seg, lo * seg.m, hw), hw);
        const blockEnds: number[] = [];
        const longInstrs = emitSegmentForTiming(q, seg, hi * seg.m, hw, hi * seg.m, blockEnds);
        const long = orders(longInstrs, hw);
        const borrowed = emitSegmentForTiming(q, seg, lo * seg.m, hw, hi * seg.m);
        // The lo-block stream on the hi-block layout is the hi-block stream's start, then HALT:
        // up to where the long emission says its row block lo − 1 ends (predict.ts takes it so
        // instead of emitting it).
        expect(blockEnds).toHaveLength(hi);
        expect(blockEnds[lo - 1]).toBe(borrowed.length - 1);
        expect(borrowed.slice(0, -1)).toEqual(longInstrs.slice(0, borrowed.length - 1));
        expect(borrowed.at(-1)).toEqual({ op: 'HALT', layer: 0 });
        // Its hoisted order is the long one's over those instructions, then HALT (predict.ts
        // takes it so instead of hoisting again).
        const p0 = borrowed.length - 1;
        expect(hoistOrder(prepareOps(borrowed, hw))).toEqual([...hoistOrder(prepareOps(longInstrs, hw)).filter((i) => i < p0), p0]);
        const shared = orders(borrowed, hw);
        for (let v = 0; v < 2; v++) {
          const a = opsCycles(own[v]!, hw);
          const b = opsCycles(long[v]!, hw);
          // The borrowed layout times like the stream's own.
          expect(opsCycles(shared[v]!, hw)).toBe(a);
          // The shared part as the very same ops, as predict.ts builds it.
          const p = borrowed.length - 1;
          const plainShort = [...long[0]!.slice(0, p), prepareOps([borrowed[p]!], hw)[0]!];
          const short = v === 0 ? plainShort : hoistOrder(plainShort).map((i) => plainShort[i]!);
          expect(opsCyclesPair(short, long[v]!, hw)).toEqual([a, b]);
          paired++;
        }
        const slope = (a: number, b: number) => b + ((b - a) / ((hi - lo) * seg.m)) * (c.batch - hi * seg.m);
        const expected = Math.min(...[0, 1].map((v) => slope(opsCycles(own[v]!, hw), opsCycles(long[v]!, hw))));
        const got = replaySegmentCycles(q, seg, c.batch, hw);
        if (got !== undefined) {
          expect(got).toBe(expected);
          predicted++;
        }
      }
      expect(paired).toBe(2 * cands.length);
      expect(predicted).toBeGreaterThan(0);
    });
  }

  it('pairs any two streams with a common start, at every fork point', () => {
    const { q, hw, cands } = setup(CASES[0]!);
    for (const seg of cands.slice(0, 6)) {
      const [ops] = orders(emitSegmentForTiming(q, seg, 4 * seg.m, hw), hw);
      const halt = ops.at(-1)!;
      for (let k = 1; k < ops.length; k += 11) {
        // Cut short (then HALT), or with a stretch left out after the fork.
        const cut = [...ops.slice(0, k), halt];
        const skip = [...ops.slice(0, k), ...ops.slice(Math.min(ops.length - 1, k + 5))];
        expect(opsCyclesPair(cut, ops, hw)).toEqual([opsCycles(cut, hw), opsCycles(ops, hw)]);
        expect(opsCyclesPair(ops, skip, hw)).toEqual([opsCycles(ops, hw), opsCycles(skip, hw)]);
      }
    }
  });
});
