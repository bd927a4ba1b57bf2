// Cycle prediction of one segment by replaying its emitted instructions on the machine's
// scheduler (isa/schedule.ts, the engine the simulator runs), after the pipeline's load
// hoisting (hoist.ts), as they will run. Long batches are not replayed whole: a segment's loop nest repeats per row block, so the replay
// runs the first few row blocks and extrapolates the steady-state cost per block linearly.
// This keeps a prediction to a few thousand replayed instructions per candidate.
import type { HardwareConfig } from '../../isa/hardware.js';
import type { Instr } from '../../isa/spec.js';
import { footprintOf } from '../../isa/footprint.js';
import type { QuantModel } from './quantize.js';
import type { Schedule, SegmentPlan } from './plan.js';
import { emitSegmentForTiming, emitSegmentsForTiming } from './codegen.js';
import { opsCycles, prepareOps, type TimedOp } from '../../isa/schedule.js';
import { fasterLoadOrder, hoistOrder } from './hoist.js';
import { memoPrediction, predictionKey } from './plan-memo.js';

/** Row blocks replayed before extrapolating: the slope is taken between block counts lo and
 * hi, past the start-up transient (queues filling). Double buffers and queue depths make the
 * steady state periodic (periods of 2 and 3 blocks occur), so rows-order plans average over 6
 * blocks. A cols-order plan sweeps every row block per weight panel, so a short sweep hides the
 * next panel's load worse than the real one: it needs more blocks for a steady slope. */
const BLOCKS = { rows: { lo: 3, hi: 9 }, cols: { lo: 6, hi: 8 } } as const;
/** Most instructions one prediction replays; plans with more (tiny tiles over huge layers)
 * keep the analytic estimate, so compile time stays bounded. */
export const REPLAY_BUDGET = 30_000;

/** Predicted cycles of a segment over `batch` rows, or undefined when the replay would exceed
 * REPLAY_BUDGET instructions. */
export function replaySegmentCycles(q: QuantModel, seg: SegmentPlan, batch: number, hw: HardwareConfig): number | undefined {
  return memoPrediction(predictionKey('replay', q, [seg], batch, hw), () => replaySegmentCyclesNow(q, seg, batch, hw));
}

function replaySegmentCyclesNow(q: QuantModel, seg: SegmentPlan, batch: number, hw: HardwareConfig): number | undefined {
  const blocks = Math.ceil(batch / seg.m);
  const { lo, hi } = BLOCKS[seg.order];
  const whole = blocks <= hi + 1;
  // Emitted, timed and hoisted once per row count: both load orders replay the same
  // instructions, so each one's footprint and timed op serve both.
  const emitted = new Map<number, Instr[]>();
  const emit = (rows: number): Instr[] => {
    let e = emitted.get(rows);
    if (!e) emitted.set(rows, (e = emitSegmentForTiming(q, seg, rows, hw)));
    return e;
  };
  const streams = new Map<number, { plain: TimedOp[]; hoisted: TimedOp[] }>();
  const stream = (rows: number): { plain: TimedOp[]; hoisted: TimedOp[] } => {
    let s = streams.get(rows);
    if (!s) {
      const instrs = emit(rows);
      const footprints = instrs.map(footprintOf);
      const plain = prepareOps(instrs, hw, footprints);
      streams.set(rows, (s = { plain, hoisted: hoistOrder(instrs, footprints).map((i) => plain[i]!) }));
    }
    return s;
  };
  const one = emit(Math.min(batch, seg.m)).length;
  if (one * (whole ? blocks : lo + hi) > REPLAY_BUDGET) return undefined;
  // Each prediction replays the loop-nest order and the hoisted one (the pipeline keeps the
  // faster, see hoist-loads); the block loop is timed once per variant.
  const predict = (hoisted: boolean) => {
    const run = (rows: number) => {
      const s = stream(rows);
      return opsCycles(hoisted ? s.hoisted : s.plain, hw);
    };
    if (whole) return run(batch);
    // A ragged last block is charged pro rata.
    const a = run(lo * seg.m);
    const b = run(hi * seg.m);
    return b + ((b - a) / ((hi - lo) * seg.m)) * (batch - hi * seg.m);
  };
  return Math.min(predict(false), predict(true));
}

/** Predicted cycles of a whole multi-segment schedule (segments overlap at their seams), or
 * undefined when its full replay would exceed twice REPLAY_BUDGET instructions. */
export function replayScheduleCycles(q: QuantModel, sched: Schedule, hw: HardwareConfig): number | undefined {
  // One segment replayed whole is the same stream, timed in both load orders, as the
  // segment's own prediction: reuse it (memoised) when that one did not decline.
  const [only] = sched.segments;
  if (sched.segments.length === 1 && Math.ceil(sched.batch / only!.m) <= BLOCKS[only!.order].hi + 1) {
    const cycles = replaySegmentCycles(q, only!, sched.batch, hw);
    if (cycles !== undefined) return cycles;
  }
  return memoPrediction(predictionKey('schedule', q, sched.segments, sched.batch, hw), () => replayScheduleCyclesNow(q, sched, hw));
}

function replayScheduleCyclesNow(q: QuantModel, sched: Schedule, hw: HardwareConfig): number | undefined {
  const instrs = emitSegmentsForTiming(q, sched.segments, sched.batch, hw);
  return instrs.length > 2 * REPLAY_BUDGET ? undefined : fasterLoadOrder(instrs, hw).cycles;
}
