// The event-driven timing model of the decoupled DLP (rules in docs/simulator.md, "Timing").
// Each cycle t runs four phases: (1) instructions whose finish time is <= t complete;
// (2) at most one instruction is dispatched in program order into its queue (SYNC/HALT wait
// for every earlier instruction to complete); (3) the head of each of the load, compute and
// store queues issues if its unit is idle and it conflicts (RAW/WAR/WAW byte overlap) with no
// earlier incomplete instruction; (4) the shared DRAM channel, when free, grants the oldest
// request (earliest request time, then program order), or follows a given grant order
// (ScheduleOptions.channelOrder; docs/simulator.md, "Monotonicity"). The engine that runs these
// rules is WebAssembly (isa/engine/replay.ts, loaded by isa/engine.ts): it only visits cycles
// where something can change, so its cost grows with instructions, not cycles; the tick-by-tick
// reference model in test/simulator proves both give the same numbers. The simulator runs it on
// validated programs; the compiler replays candidate instruction streams on it to rank
// schedules, so a plan's predicted cycles are the simulator's cycles. This module prepares the
// ops, hands them to the engine and reads its results.
import { DTYPE_BYTES, ISA, type Instr } from './spec.js';
import type { HardwareConfig } from './hardware.js';
import { DlpError } from './errors.js';
import { actCycles, dmaTransferCycles, matmulCycles, type MatmulDType } from './timing.js';
import { visitSpans } from './footprint.js';
import {
  DEADLOCK, DISPATCH, DONE, FINISH, GRANT, GRANTED, ISSUE, KINDS, REC, REQUEST, STALLS, WORK_QUEUES, WORK_UNITS,
  onEngine, recordGeneration, recordRoom, RecordWriter, timingEngine, type Engine,
} from './engine.js';

export { WORK_QUEUES, WORK_UNITS } from './engine.js';

/** What the timing model needs to know about one instruction. */
export interface TimedOp {
  kind: 'unit' | 'dma' | 'sync' | 'halt';
  /** Index into WORK_QUEUES / WORK_UNITS (-1 for SYNC and HALT). */
  queue: number;
  unit: number;
  /** Busy cycles on the unit (MATMUL, ACT) or the DRAM access latency (LOAD, STORE). */
  cycles: number;
  /** Cycles the DMA occupies the shared DRAM channel (0 for non-DMA). */
  transfer: number;
  /** The instruction (its spans are in the record; footprint.ts's visitSpans). */
  instr: Instr;
  /** The op as the engine reads it: a record at this f64 index of the engine's memory, valid
   * while the record region is in this generation (isa/engine.ts, recordRoom). */
  rec: number;
  generation: number;
}

export interface Stalls {
  /** Cycles queue heads waited, ready but for a RAW/WAR/WAW conflict. */
  hazard: number;
  /** Cycles dispatch waited for a slot in a full queue. */
  queueFull: number;
  /** Cycles DMA requests waited for the shared DRAM channel. */
  dram: number;
  /** Cycles SYNC and HALT waited for the machine to drain. */
  sync: number;
}

/** Per-instruction times (cycles; -1 where not applicable) and totals. */
export interface Schedule {
  cycles: number;
  dispatch: Float64Array;
  issue: Float64Array;
  /** DMA only: when the request reached the channel and when the channel granted it. */
  request: Float64Array;
  grant: Float64Array;
  finish: Float64Array;
  stalls: Stalls;
  /** Busy cycles per WORK_UNITS entry (issue to finish, summed). */
  unitBusy: number[];
  /** DMA instruction indices in the order the DRAM channel granted them. */
  channelOrder: number[];
}

export interface ScheduleOptions {
  /** Grant the DRAM channel in exactly this order (DMA instruction indices, each once), e.g.
   * another run's `channelOrder`, instead of first-come-first-served. With the grant order
   * fixed, cycles never decrease when any latency or busy time grows (docs/simulator.md,
   * "Monotonicity"); first-come-first-served gives no such guarantee. */
  channelOrder?: readonly number[];
}

/** Each opcode's WORK_QUEUES and WORK_UNITS index (−1 for control), looked up once. */
const OP_SLOTS = Object.fromEntries(Object.entries(ISA).map(([op, spec]) => [op, {
  queue: WORK_QUEUES.indexOf(spec.queue as (typeof WORK_QUEUES)[number]),
  unit: WORK_UNITS.indexOf(spec.unit as (typeof WORK_UNITS)[number]),
}])) as Record<Instr['op'], { queue: number; unit: number }>;

/** Checks that `order` lists every DMA of `ops` exactly once. */
function checkChannelOrder(ops: readonly TimedOp[], order: readonly number[]): void {
  const dmas = ops.filter((op) => op.kind === 'dma').length;
  const seen = new Set<number>();
  for (const j of order) {
    if (!Number.isInteger(j) || ops[j]?.kind !== 'dma' || seen.has(j)) throw new DlpError(`channel order: entry ${j} is not a DMA instruction listed once`);
    seen.add(j);
  }
  if (seen.size !== dmas) throw new DlpError(`channel order lists ${seen.size} of the program's ${dmas} DMA instructions`);
}

/** Derives each instruction's queue, unit and costs from the ISA table and isa/timing.ts, and
 * writes its record (costs and spans) into the engine's memory. */
export function prepareOps(instrs: readonly Instr[], hw: HardwareConfig): TimedOp[] {
  return onEngine(instrs.length, () => prepareOpsNow(instrs, hw));
}

function prepareOpsNow(instrs: readonly Instr[], hw: HardwareConfig): TimedOp[] {
  const room = recordRoom(instrs.length);
  const writer = new RecordWriter(room.memory);
  const ops = new Array<TimedOp>(instrs.length);
  // A loop nest repeats a few shapes: each kind's last shape and cost are kept, so a repeat
  // is compared, not priced again.
  let dma: Extract<Instr, { op: 'LOAD' | 'STORE' }> | undefined;
  let mm: Extract<Instr, { op: 'MATMUL' }> | undefined;
  let act: Extract<Instr, { op: 'ACT' }> | undefined;
  let dmaTransfer = 0, mmCycles = 0, actCost = 0;
  for (let i = 0; i < instrs.length; i++) {
    const instr = instrs[i]!;
    const { queue, unit } = OP_SLOTS[instr.op];
    let kind: TimedOp['kind'] = 'unit';
    let cycles = 0;
    let transfer = 0;
    switch (instr.op) {
      case 'LOAD':
      case 'STORE': {
        if (dma === undefined || instr.rows !== dma.rows || instr.cols !== dma.cols || instr.stride !== dma.stride || instr.dtype !== dma.dtype) {
          dma = instr;
          dmaTransfer = dmaTransferCycles(hw, instr.rows, instr.cols * DTYPE_BYTES[instr.dtype], instr.stride);
        }
        kind = 'dma';
        cycles = hw.dram.latencyCycles;
        transfer = dmaTransfer;
        break;
      }
      case 'MATMUL':
        if (mm === undefined || instr.m !== mm.m || instr.k !== mm.k || instr.n !== mm.n || instr.dtype !== mm.dtype || instr.swap !== mm.swap) {
          mm = instr;
          mmCycles = matmulCycles(hw, instr.m, instr.k, instr.n, instr.dtype as MatmulDType, instr.swap === 1);
        }
        cycles = mmCycles;
        break;
      case 'ACT':
        if (act === undefined || instr.rows !== act.rows || instr.cols !== act.cols || instr.func !== act.func) {
          act = instr;
          actCost = actCycles(hw, instr.rows, instr.cols, instr.func);
        }
        cycles = actCost;
        break;
      case 'SYNC':
      case 'HALT':
        kind = instr.op === 'SYNC' ? 'sync' : 'halt';
        break;
    }
    const rec = room.at + i * REC;
    writeRecord(writer, rec, kind, queue, unit, cycles, transfer, instr);
    ops[i] = { kind, queue, unit, cycles, transfer, instr, rec, generation: room.generation };
  }
  return ops;
}

function writeRecord(writer: RecordWriter, at: number, kind: TimedOp['kind'], queue: number, unit: number, cycles: number, transfer: number, instr: Instr): void {
  writer.begin(at, KINDS[kind], queue, unit, cycles, transfer);
  visitSpans(instr, writer);
  writer.end();
}

/** The load queue's index, for the engine's hoisting. */
const LOAD_QUEUE = WORK_QUEUES.indexOf('load');

/** The order of `ops` with each LOAD moved up past the MATMUL, ACT and STORE ops before it that
 * it does not conflict with (at most `window` of them; never past another LOAD, a SYNC, HALT or
 * the start), as positions into `ops`: the reordering of load hoisting (compiler/passes/hoist.ts,
 * which sets the window and keeps the faster order), run by the engine on its conflict test. */
export function hoistedOrder(ops: readonly TimedOp[], window: number): number[] {
  return onEngine(ops.length, () => {
    const call = new EngineCall();
    const ids = call.ids(ops);
    const out = call.e.alloc(4 * ops.length);
    call.e.hoist(ids, ops.length, LOAD_QUEUE, window, out);
    return plainArray(new Int32Array(call.e.memory.buffer, out, ops.length));
  });
}
/** Whether `later` conflicts with `earlier` (RAW, WAR or WAW: a span one writes meets a span
 * of the other), by the engine's test on their records. */
export function opsConflict(earlier: TimedOp, later: TimedOp): boolean {
  const e = timingEngine();
  const generation = recordGeneration();
  if (earlier.generation === generation && later.generation === generation) return e.conflict(earlier.rec, later.rec) !== 0;
  return onEngine(2, () => {
    const ids = new Int32Array(e.memory.buffer, new EngineCall().ids([earlier, later]), 2);
    return e.conflict(ids[0]!, ids[1]!) !== 0;
  });
}

/** A typed array's values as a plain array. Array.from would go through the iterator protocol,
 * which allocates an object per element in code V8 has not optimised (most of a short run). */
function plainArray(view: Int32Array | Float64Array): number[] {
  const out = new Array<number>(view.length);
  for (let i = 0; i < view.length; i++) out[i] = view[i]!;
  return out;
}

/** Raised when no instruction can ever make progress; `index` is the one stuck at dispatch. */
export type DeadlockHandler = (index: number, reason: string) => Error;

/** The queue depths of `hw` in WORK_QUEUES order. */
export function queueDepths(hw: HardwareConfig): number[] {
  return WORK_QUEUES.map((q) => hw.queues[q]);
}

/** One top-level use of the engine: its arena is reset, and the streams are lists of the
 * ops' records (those of an earlier record generation written again). */
class EngineCall {
  readonly e = timingEngine();
  constructor() {
    this.e.reset();
  }
  /** The engine's stream of `ops`. */
  stream(ops: readonly TimedOp[]): number {
    return this.e.stream(this.ids(ops), ops.length);
  }
  /** The ops' record indices, an Int32Array in the engine's memory (its pointer); the records
   * of ops from an earlier record generation are written again, here. */
  ids(ops: readonly TimedOp[]): number {
    const n = ops.length;
    const generation = recordGeneration();
    let stale = 0;
    for (let i = 0; i < n; i++) if (ops[i]!.generation !== generation) stale++;
    // Both allocations before any view: growing the memory detaches the views made before.
    let again = stale > 0 ? this.e.alloc(8 * REC * stale) / 8 : 0;
    const p = this.e.alloc(4 * n);
    const view = new Int32Array(this.e.memory.buffer, p, n);
    const writer = stale > 0 ? new RecordWriter(new Float64Array(this.e.memory.buffer)) : undefined;
    for (let i = 0; i < n; i++) {
      const op = ops[i]!;
      if (op.generation === generation) {
        view[i] = op.rec;
      } else {
        writeRecord(writer!, again, op.kind, op.queue, op.unit, op.cycles, op.transfer, op.instr);
        view[i] = again;
        again += REC;
      }
    }
    return p;
  }
  f64s(values: readonly number[]): number {
    const p = this.e.alloc(8 * values.length);
    new Float64Array(this.e.memory.buffer, p, values.length).set(values);
    return p;
  }
  i32s(values: readonly number[]): number {
    const p = this.e.alloc(4 * Math.max(1, values.length));
    new Int32Array(this.e.memory.buffer, p, values.length).set(values);
    return p;
  }
  /** Array `which` of a state (engine.ts's DISPATCH ... FINISH, STALLS) as a copy. */
  times(state: number, which: number, n: number): Float64Array {
    return new Float64Array(this.e.memory.buffer, this.e.stateArray(state, which), n).slice();
  }
}

/** Why replay `state` of `ops` is stuck at dispatch (its result was DEADLOCK). */
function deadlockReason(e: Engine, state: number, ops: readonly TimedOp[], depths: readonly number[], fixedOrder?: readonly number[]): [number, string] {
  const next = e.stateNext(state);
  const op = ops[next]!;
  const reason = op.queue >= 0 && depths[op.queue]! <= 0
    ? `can never be dispatched: the ${WORK_QUEUES[op.queue]} queue has depth ${depths[op.queue]} (scoreboard deadlock)`
    : fixedOrder && e.statePending(state) > 0
      ? `cannot make progress: the fixed DRAM channel order waits for instruction ${fixedOrder[e.stateGranted(state)]}`
      : 'cannot make progress: scoreboard deadlock';
  return [next, reason];
}

/** Runs the timing rules over the ops; `depths` are the queue depths in WORK_QUEUES order.
 * The end of a stream without HALT (a compiler's candidate segment) acts as one: the
 * schedule ends when everything dispatched has completed. */
export function scheduleOps(ops: readonly TimedOp[], depths: readonly number[], onDeadlock: DeadlockHandler, opts: ScheduleOptions = {}): Schedule {
  return onEngine(ops.length, () => scheduleOpsNow(ops, depths, onDeadlock, opts));
}

function scheduleOpsNow(ops: readonly TimedOp[], depths: readonly number[], onDeadlock: DeadlockHandler, opts: ScheduleOptions): Schedule {
  const fixedOrder = opts.channelOrder;
  if (fixedOrder) checkChannelOrder(ops, fixedOrder);
  const call = new EngineCall();
  const { e } = call;
  const n = ops.length;
  const stream = call.stream(ops);
  const state = e.state(n, fixedOrder ? call.i32s(fixedOrder) : 0);
  if (e.run(stream, state, call.f64s(depths), -1) === DEADLOCK) throw onDeadlock(...deadlockReason(e, state, ops, depths, fixedOrder));
  const [hazard, queueFull, dram, sync] = call.times(state, STALLS, 4);
  const issue = call.times(state, ISSUE, n);
  const finish = call.times(state, FINISH, n);
  return {
    cycles: e.stateCycles(state), stalls: { hazard: hazard!, queueFull: queueFull!, dram: dram!, sync: sync! },
    unitBusy: busyOf(ops, issue, finish),
    channelOrder: plainArray(new Int32Array(e.memory.buffer, e.stateArray(state, GRANTED), e.stateGranted(state))),
    dispatch: call.times(state, DISPATCH, n), issue, request: call.times(state, REQUEST, n), grant: call.times(state, GRANT, n), finish,
  };
}

/** Cycles of two streams that begin with the same ops (the same TimedOp objects), e.g. one
 * segment's loop nest over 3 and over 9 row blocks: their common prefix is replayed once and
 * the replay forks where they part. Each result is what opsCycles gives for its stream alone:
 * up to the fork, both replays have looked at no op past the prefix. `bBelow(a)`, asked once
 * a's cycles are known, is opsCycles' `below` for b: b's replay may stop (b is Infinity) once
 * its cycles are sure to reach it. */
export function opsCyclesPair(a: readonly TimedOp[], b: readonly TimedOp[], hw: HardwareConfig, bBelow?: (a: number) => number): [number, number] {
  return onEngine(a.length, () => opsCyclesPairNow(a, b, hw, bBelow));
}

function opsCyclesPairNow(a: readonly TimedOp[], b: readonly TimedOp[], hw: HardwareConfig, bBelow?: (a: number) => number): [number, number] {
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  if (common === 0) {
    const ca = opsCycles(a, hw);
    return [ca, opsCycles(b, hw, bBelow ? bBelow(ca) : Infinity)];
  }
  const call = new EngineCall();
  const { e } = call;
  const depths = queueDepths(hw);
  const d = call.f64s(depths);
  const streamA = call.stream(a);
  const sa = e.state(a.length, 0);
  const paused = e.run(streamA, sa, d, common);
  if (paused === DEADLOCK) throw deadlockError(...deadlockReason(e, sa, a, depths));
  if (paused === DONE) {
    const ca = e.stateCycles(sa);
    return [ca, opsCycles(b, hw, bBelow ? bBelow(ca) : Infinity)];
  }
  const streamB = call.stream(b);
  const sb = e.fork(sa, streamA, streamB);
  // a first: b's stopping point depends on a.
  if (e.run(streamA, sa, d, -1) === DEADLOCK) throw deadlockError(...deadlockReason(e, sa, a, depths));
  const ca = e.stateCycles(sa);
  const rb = e.runBelow(streamB, sb, d, bBelow ? bBelow(ca) : Infinity);
  if (rb === DEADLOCK) throw deadlockError(...deadlockReason(e, sb, b, depths));
  return [ca, rb === DONE ? e.stateCycles(sb) : Infinity];
}

/** Per WORK_UNITS entry, cycles that must pass after the unit's last op (in program order)
 * finishes before the stream can end: the longest chain of the few ops after it, each waiting
 * for the one before (isa/engine/replay.ts, tails). A stopping replay adds it to the unit's
 * work left. */
export function unitTails(ops: readonly TimedOp[]): number[] {
  return onEngine(ops.length, () => unitTailsNow(ops));
}

function unitTailsNow(ops: readonly TimedOp[]): number[] {
  const call = new EngineCall();
  const p = call.e.tails(call.stream(ops));
  return plainArray(new Float64Array(call.e.memory.buffer, p, WORK_UNITS.length));
}

/** Cycles of an instruction stream on `hw`: when its HALT (or its end) dispatches. The
 * compiler's replay of candidate schedules; the simulator's report has the same number. */
export function scheduleCycles(instrs: readonly Instr[], hw: HardwareConfig): number {
  return opsCycles(prepareOps(instrs, hw), hw);
}

/** scheduleCycles of ops already prepared (prepareOps), e.g. one stream's ops in two orders.
 * With `below`, a caller that only needs the cycles if they are less: the replay may stop
 * once they are sure to be at least `below` (every few dispatches it bounds the work left),
 * and the answer is then Infinity. */
export function opsCycles(ops: readonly TimedOp[], hw: HardwareConfig, below = Infinity): number {
  return onEngine(ops.length, () => opsCyclesNow(ops, hw, below));
}

function opsCyclesNow(ops: readonly TimedOp[], hw: HardwareConfig, below: number): number {
  // The replay alone: the compiler needs no per-instruction times or unit busy totals.
  const call = new EngineCall();
  const { e } = call;
  const depths = queueDepths(hw);
  const state = e.state(ops.length, 0);
  const r = e.runBelow(call.stream(ops), state, call.f64s(depths), below);
  if (r === DEADLOCK) throw deadlockError(...deadlockReason(e, state, ops, depths));
  return r === DONE ? e.stateCycles(state) : Infinity;
}

function deadlockError(i: number, reason: string): Error {
  return new DlpError(`instruction ${i}: ${reason}`);
}

function busyOf(ops: readonly TimedOp[], issue: Float64Array, finish: Float64Array): number[] {
  const busy = new Array<number>(WORK_UNITS.length).fill(0);
  ops.forEach((op, i) => { if (op.unit >= 0) busy[op.unit]! += finish[i]! - issue[i]!; });
  return busy;
}
