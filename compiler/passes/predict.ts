// Cycle prediction of one segment by replaying its emitted instructions on the machine's
// scheduler (isa/schedule.ts, the engine the simulator runs), after the pipeline's load
// hoisting (hoist.ts), as they will run. Long batches are not replayed whole: a segment's loop nest repeats per row block, so the replay
// runs the first few row blocks and extrapolates the steady-state cost per block linearly.
// This keeps a prediction to a few thousand replayed instructions per candidate.
import type { HardwareConfig } from '../../isa/hardware.js';
import type { Instr } from '../../isa/spec.js';
import type { QuantModel } from './quantize.js';
import type { Schedule, SegmentPlan } from './plan.js';
import { emitSegmentForTiming, emitSegmentsForTiming } from './codegen.js';
import { opsCycles, opsCyclesPair, prepareOps } from '../../isa/schedule.js';
import { fasterLoadOrder, loadOrders, type LoadOrders } from './hoist.js';
import { memoPrediction, predictionKey } from './plan-memo.js';

/** Row blocks replayed before extrapolating: the slope is taken between block counts lo and
 * hi, past the start-up transient (queues filling). Double buffers and queue depths make the
 * steady state periodic (periods of 2 and 3 blocks occur), so rows-order plans average over 6
 * blocks. A cols-order plan sweeps every row block per weight panel, so a short sweep hides the
 * next panel's load worse than the real one: it needs more blocks for a steady slope. */
export const BLOCKS = { rows: { lo: 3, hi: 9 }, cols: { lo: 6, hi: 8 } } as const;
/** Most instructions one prediction replays; plans with more (tiny tiles over huge layers)
 * keep the analytic estimate, so compile time stays bounded. */
export const REPLAY_BUDGET = 30_000;

/** Predicted cycles of a segment over `batch` rows, or undefined when the replay would exceed
 * REPLAY_BUDGET instructions. A caller that needs the prediction only if it is less than
 * `below` (a search holding a better one) may get Infinity instead when it is not: the replays
 * stop as soon as the prediction is sure to reach `below` (opsCycles' `below`). */
export function replaySegmentCycles(q: QuantModel, seg: SegmentPlan, batch: number, hw: HardwareConfig, below = Infinity): number | undefined {
  return memoPrediction(predictionKey('replay', q, [seg], batch, hw), () => replaySegmentCyclesNow(q, seg, batch, hw, below), (v) => v === undefined || v < below);
}

function replaySegmentCyclesNow(q: QuantModel, seg: SegmentPlan, batch: number, hw: HardwareConfig, below: number): number | undefined {
  const blocks = Math.ceil(batch / seg.m);
  const { lo, hi } = BLOCKS[seg.order];
  const whole = blocks <= hi + 1;
  // Emitted, timed and hoisted once per row count: both load orders replay the same
  // instructions, so each one's timed op (and its engine record) serves both.
  const emitted = new Map<number, Instr[]>();
  // Where each row block of the hi-block stream ends (rowsPrefix).
  const blockEnds: number[] = [];
  const emit = (rows: number): Instr[] => {
    let e = emitted.get(rows);
    if (!e) emitted.set(rows, (e = emitSegmentForTiming(q, seg, rows, hw, rows, rows === hi * seg.m ? blockEnds : undefined)));
    return e;
  };
  const streams = new Map<number, LoadOrders>();
  const stream = (rows: number): LoadOrders => {
    let s = streams.get(rows);
    if (!s) streams.set(rows, (s = loadOrders(emit(rows), hw)));
    return s;
  };
  const one = emit(Math.min(batch, seg.m)).length;
  if (one * (whole ? blocks : lo + hi) > REPLAY_BUDGET) return undefined;
  // Each prediction replays the loop-nest order and the hoisted one (the pipeline keeps the
  // faster, see hoist-loads); the block loop is timed once per variant. The second order's
  // replay only matters if it beats the first (or `below`), so it may stop short of that;
  // the minimum is the same. `time(order, target)` may stop once it is sure to reach target.
  const faster = (time: (order: 'plain' | 'hoisted', target: number) => number): number => {
    const plain = time('plain', below);
    return Math.min(plain, time('hoisted', Math.min(below, plain)));
  };
  if (whole) return faster((order, target) => opsCycles(stream(batch)[order], hw, target));
  // A ragged last block is charged pro rata.
  const slope = (a: number, b: number) => (b === Infinity ? Infinity : b + ((b - a) / ((hi - lo) * seg.m)) * (batch - hi * seg.m));
  // With a known, the slope never falls as b grows (each floating-point step of it is
  // monotone: b − a, a positive divisor, a positive factor, + b): so the long replay may stop
  // once b is sure to reach the least b whose slope reaches the target.
  const stopFor = (target: number) => (a: number): number => {
    if (target === Infinity) return Infinity;
    const r = (batch - hi * seg.m) / ((hi - lo) * seg.m);
    let b = Math.ceil((target + r * a) / (1 + r));
    while (slope(a, b) < target) b++;
    while (slope(a, b - 1) >= target) b--;
    return b;
  };
  const long = stream(hi * seg.m);
  const short = seg.order === 'rows' ? rowsPrefix(blockEnds, lo, long, hw) : undefined;
  if (short) return faster((order, target) => slope(...opsCyclesPair(short[order], long[order], hw, stopFor(target))));
  const lows = stream(lo * seg.m);
  return faster((order, target) => {
    const a = opsCycles(lows[order], hw);
    return slope(a, opsCycles(long[order], hw, stopFor(target)(a)));
  });
}

/** The rows-order stream over the first `blocks` row blocks as the first part of the one over
 * more (`long`, whose row blocks end at `blockEnds`), sharing its timed ops: its instructions
 * are the long stream's up to the end of row block `blocks` − 1, then HALT. A rows-order loop
 * nest emits row block after row block, each from its first row and its row count alone (the
 * loop's bound only cuts a last, ragged block), so the first blocks are the same instructions
 * once DRAM is laid out alike: the short stream takes the long one's layout. Its cycles are those
 * on its own layout: regions never overlap and each access keeps its offset into its region, so
 * the same accesses conflict (test/compiler/backend/predict-pair holds the emitted short stream
 * to this, and its cycles to the separate replay's). */
function rowsPrefix(blockEnds: readonly number[], blocks: number, long: LoadOrders, hw: HardwareConfig): LoadOrders | undefined {
  const p = blockEnds[blocks - 1];
  if (p === undefined) return undefined;
  const [halt] = prepareOps([HALT], hw);
  // hoistOrder places each instruction looking only at those before it and never reorders
  // what it has placed, so the first p instructions' hoisted order is the long stream's with
  // the rest left out; HALT, which nothing passes, follows.
  const order: number[] = [];
  for (let i = 0; i < long.order.length; i++) if (long.order[i]! < p) order.push(long.order[i]!);
  order.push(p);
  const plain = [...long.plain.slice(0, p), halt!];
  return { plain, order, hoisted: order.map((i) => plain[i]!) };
}

const HALT: Instr = { op: 'HALT', layer: 0 };

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
