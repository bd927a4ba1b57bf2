// The event-driven timing model of the decoupled DLP (rules in docs/simulator.md, "Timing").
// Each cycle t runs four phases: (1) instructions whose finish time is <= t complete;
// (2) at most one instruction is dispatched in program order into its queue (SYNC/HALT wait
// for every earlier instruction to complete); (3) the head of each of the load, compute and
// store queues issues if its unit is idle and it conflicts (RAW/WAR/WAW byte overlap) with no
// earlier incomplete instruction; (4) the shared DRAM channel, when free, grants the oldest
// request (earliest request time, then program order), or follows a given grant order
// (ScheduleOptions.channelOrder; docs/simulator.md, "Monotonicity"). The model only visits cycles where
// something can change, so its cost grows with instructions, not cycles; the tick-by-tick
// reference model in test/simulator proves both give the same numbers. The simulator runs this
// engine on validated programs; the compiler replays candidate instruction streams on it to
// rank schedules, so a plan's predicted cycles are the simulator's cycles.
import { DTYPE_BYTES, ISA, QUEUES, SPACES, UNITS, type Instr } from './spec.js';
import type { HardwareConfig } from './hardware.js';
import { DlpError } from './errors.js';
import { actCycles, channelGrant, dmaTransferCycles, matmulCycles, type MatmulDType } from './timing.js';
import { type Footprint, footprintOf, footprintsConflict, spanEnd } from './footprint.js';
import { taggedArray } from './tagged.js';

/** The queues and units that hold work (control instructions never enter a queue). */
export const WORK_QUEUES = QUEUES.filter((q) => q !== 'control');
export const WORK_UNITS = UNITS.filter((u) => u !== 'control');

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
  footprint: Footprint;
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
/** Each memory space's index in SPACES. */
const SPACE_INDEX = Object.fromEntries(SPACES.map((s, i) => [s, i])) as Record<(typeof SPACES)[number], number>;

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

/** Derives each instruction's queue, unit and costs from the ISA table and isa/timing.ts;
 * footprints are computed when the caller has none at hand. */
export function prepareOps(instrs: readonly Instr[], hw: HardwareConfig, footprints?: readonly Footprint[]): TimedOp[] {
  return instrs.map((instr, i) => {
    const { queue, unit } = OP_SLOTS[instr.op];
    const footprint = footprints ? footprints[i]! : footprintOf(instr);
    switch (instr.op) {
      case 'LOAD':
      case 'STORE': {
        const rowBytes = instr.cols * DTYPE_BYTES[instr.dtype];
        const transfer = dmaTransferCycles(hw, instr.rows, rowBytes, instr.stride);
        return { kind: 'dma', queue, unit, cycles: hw.dram.latencyCycles, transfer, footprint };
      }
      case 'MATMUL':
        return { kind: 'unit', queue, unit, cycles: matmulCycles(hw, instr.m, instr.k, instr.n, instr.dtype as MatmulDType, instr.swap === 1), transfer: 0, footprint };
      case 'ACT':
        return { kind: 'unit', queue, unit, cycles: actCycles(hw, instr.rows, instr.cols, instr.func), transfer: 0, footprint };
      case 'SYNC':
        return { kind: 'sync', queue: -1, unit: -1, cycles: 0, transfer: 0, footprint };
      case 'HALT':
        return { kind: 'halt', queue: -1, unit: -1, cycles: 0, transfer: 0, footprint };
    }
  });
}

/** Raised when no instruction can ever make progress; `index` is the one stuck at dispatch. */
export type DeadlockHandler = (index: number, reason: string) => Error;

/** The queue depths of `hw` in WORK_QUEUES order. */
export function queueDepths(hw: HardwareConfig): number[] {
  return WORK_QUEUES.map((q) => hw.queues[q]);
}

/** Runs the timing rules over the ops; `depths` are the queue depths in WORK_QUEUES order.
 * The end of a stream without HALT (a compiler's candidate segment) acts as one: the
 * schedule ends when everything dispatched has completed. The compiler replays thousands of
 * candidate streams per compile, so the loop keeps its state in flat typed arrays and
 * allocates nothing per visited cycle. */
export function scheduleOps(ops: readonly TimedOp[], depths: readonly number[], onDeadlock: DeadlockHandler, opts: ScheduleOptions = {}): Schedule {
  const fixedOrder = opts.channelOrder;
  if (fixedOrder) checkChannelOrder(ops, fixedOrder);
  const s = freshReplay(ops.length);
  replay(streamOf(ops), s, depths, onDeadlock, fixedOrder, -1);
  const { dispatch, issue, request, grant, finish, stallSum, granted } = s;
  const stalls: Stalls = { hazard: stallSum[HAZARD]!, queueFull: stallSum[QUEUE_FULL]!, dram: stallSum[DRAM]!, sync: stallSum[SYNC]! };
  return {
    cycles: s.time[T]!, stalls, unitBusy: busyOf(ops, issue, finish), channelOrder: granted,
    dispatch: Float64Array.from(dispatch), issue: Float64Array.from(issue), request: Float64Array.from(request),
    grant: Float64Array.from(grant), finish: Float64Array.from(finish),
  };
}

/** Cycles of two streams that begin with the same ops (the same TimedOp objects), e.g. one
 * segment's loop nest over 3 and over 9 row blocks: their common prefix is replayed once and
 * the replay forks where they part. Each result is what opsCycles gives for its stream alone:
 * up to the fork, both replays have looked at no op past the prefix. `bBelow(a)`, asked once
 * a's cycles are known, is opsCycles' `below` for b: b's replay may stop (b is Infinity) once
 * its cycles are sure to reach it. */
export function opsCyclesPair(a: readonly TimedOp[], b: readonly TimedOp[], hw: HardwareConfig, bBelow?: (a: number) => number): [number, number] {
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  if (common === 0) {
    const ca = opsCycles(a, hw);
    return [ca, opsCycles(b, hw, bBelow ? bBelow(ca) : Infinity)];
  }
  const depths = queueDepths(hw);
  const streamA = streamOf(a);
  const sa = freshReplay(a.length);
  if (replay(streamA, sa, depths, deadlockError, undefined, common)) {
    return [sa.time[T]!, opsCycles(b, hw, bBelow ? bBelow(sa.time[T]!) : Infinity)];
  }
  const streamB = streamOf(b);
  const sb = forkReplay(sa, streamA, streamB);
  // a first: b's stopping point depends on a.
  replay(streamA, sa, depths, deadlockError, undefined, -1);
  const done = replayBelow(streamB, sb, depths, bBelow ? bBelow(sa.time[T]!) : Infinity);
  return [sa.time[T]!, done ? sb.time[T]! : Infinity];
}

/** A stream's ops with what the replay looks up by queue, unit and footprint. */
interface ReplayStream {
  ops: readonly TimedOp[];
  /** Each queue's (unit's) members in program order, as slices of one array (streamOf). */
  memberAt: Int32Array;
  members: Int32Array;
  unitAt: Int32Array;
  unitMembers: Int32Array;
  /** Each op's footprint box (fillBox), filled as the op dispatches: a replay that stops
   * early never boxes the ops it did not reach. */
  boxes: number[];
}

/** Dispatches between two looks at the work left (replayBelow): a stop is seen at most this
 * many dispatches late, and the look stays out of the replay loop. */
const LOOK_EVERY = 8;
/** The work left is a difference of sums; with cycles that are not whole numbers it may round
 * above the true difference by far less than this fraction. */
const SUM_SLACK = 1 - 1e-9;

/** replay to the end (true), unless the stream's cycles are sure to reach `stopAt` first
 * (false: stopped). The replay pauses every LOOK_EVERY dispatches (a paused replay resumes
 * exactly where it was). After cycle t, each unit's ops not issued yet run one after another,
 * the first once its last issued op has finished and none before t, each keeping the unit
 * busy its cycles (a DMA its latency and transfer at least); the channel's transfers not
 * granted likewise follow its current one. After a unit's last op, the ops that wait for it
 * still run one after another (tailsOf). The end, when everything has completed, is at least
 * the latest of those finishes. */
function replayBelow(stream: ReplayStream, s: ReplayState, depths: readonly number[], stopAt: number): boolean {
  if (stopAt === Infinity) return replay(stream, s, depths, deadlockError, undefined, -1);
  const { ops, unitAt, unitMembers } = stream;
  const nu = WORK_UNITS.length;
  // Per unit, its work left and its first member not yet taken off it; the channel's likewise
  // by grants seen.
  const left = workOf(ops);
  const taken = unitAt.slice(0, nu);
  const tail = tailsOf(ops, unitAt, unitMembers);
  let channelLeft = left[nu]!;
  let seen = 0;
  for (;;) {
    const pauseAt = s.count[NEXT]! + LOOK_EVERY;
    if (replay(stream, s, depths, deadlockError, undefined, pauseAt < ops.length ? pauseAt : -1)) return true;
    for (; seen < s.granted.length; seen++) channelLeft -= ops[s.granted[seen]!]!.transfer;
    const t = s.time[T]!;
    // The channel grants its next transfer once free, after t.
    let end = Math.max(t, s.time[CHAN_FREE]!) + channelLeft * SUM_SLACK;
    for (let u = 0; u < nu && end < stopAt; u++) {
      // A unit issues its members in program order: those up to its last issued op are begun,
      // and the next starts once that one has finished (a DMA at least its transfer after its
      // request).
      const last = s.unitLast[u]!;
      for (let r = taken[u]!; r < unitAt[u + 1]! && unitMembers[r]! <= last; r = ++taken[u]!) {
        left[u] -= ops[unitMembers[r]!]!.cycles + ops[unitMembers[r]!]!.transfer;
      }
      const free = last < 0 ? t : s.finish[last]! < Infinity ? s.finish[last]! : s.request[last]! + ops[last]!.transfer;
      // The unit's last op ends its work, and the ops that wait for it follow (tailsOf). Once
      // every member has issued, `free` is (at least) when that last one finishes, whatever t
      // is: some of the ops after it may have run already, so t does not bound their start.
      const issued = taken[u] === unitAt[u + 1];
      if (!issued) end = Math.max(end, Math.max(t, free) + (left[u]! + tail[u]!) * SUM_SLACK);
      else if (last >= 0) end = Math.max(end, free + tail[u]! * SUM_SLACK);
    }
    if (end >= stopAt) return false;
  }
}

function streamOf(ops: readonly TimedOp[]): ReplayStream {
  const nq = WORK_QUEUES.length;
  const nu = WORK_UNITS.length;
  // The ops' indices grouped by queue and by unit, each group in program order, as slices of
  // one array per grouping: queue g is members[memberAt[g] .. memberAt[g + 1]); ops with
  // none (-1) are left out. Both in one pass, with plain field reads (a keyed read of
  // op[key] is a slow generic lookup in this hot loop).
  const memberAt = new Int32Array(nq + 1);
  const unitAt = new Int32Array(nu + 1);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.queue >= 0) memberAt[op.queue + 1]!++;
    if (op.unit >= 0) unitAt[op.unit + 1]!++;
  }
  for (let g = 0; g < nq; g++) memberAt[g + 1]! += memberAt[g]!;
  for (let g = 0; g < nu; g++) unitAt[g + 1]! += unitAt[g]!;
  const members = new Int32Array(memberAt[nq]!);
  const unitMembers = new Int32Array(unitAt[nu]!);
  const qFill = memberAt.slice(0, nq);
  const uFill = unitAt.slice(0, nu);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.queue >= 0) members[qFill[op.queue]!++] = i;
    if (op.unit >= 0) unitMembers[uFill[op.unit]!++] = i;
  }
  return { ops, memberAt, members, unitAt, unitMembers, boxes: taggedArray(ops.length * BOX_WIDTH, 0) };
}

/** Per unit, the cycles its ops keep it busy in all (issue to finish: a DMA's latency and
 * transfer at least); last, the DRAM channel's transfers in all. Only a replay that may stop
 * needs it (replayBelow). */
function workOf(ops: readonly TimedOp[]): number[] {
  const work = taggedArray(WORK_UNITS.length + 1, 0);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.unit < 0) continue;
    work[op.unit] += op.cycles + op.transfer;
    work[WORK_UNITS.length] += op.transfer;
  }
  return work;
}

/** Ops after a unit's last op that tailsOf looks at: the chain that follows a unit's last op
 * (its ACT and STORE after the last MATMUL) lies just after it; ops further on are left out,
 * which can only shorten the chain found. */
const TAIL_WINDOW = 8;

/** Per unit, cycles that must pass after its last op (in program order) finishes before the
 * stream can end: the longest chain of later ops, each waiting for the one before it (it
 * conflicts with it, RAW/WAR/WAW, or runs on the same unit; a SYNC or HALT waits for, and holds
 * back, everything), each taking at least its cycles (a DMA its latency and transfer). A lower
 * bound (ops past TAIL_WINDOW are not looked at) the stopping replay adds to the unit's work. */
function tailsOf(ops: readonly TimedOp[], unitAt: Int32Array, unitMembers: Int32Array): number[] {
  const nu = unitAt.length - 1;
  const tails = taggedArray(nu, 0);
  const chain = taggedArray(TAIL_WINDOW + 1, 0);
  for (let u = 0; u < nu; u++) {
    if (unitAt[u + 1] === unitAt[u]) continue;
    const first = unitMembers[unitAt[u + 1]! - 1]!;
    const end = Math.min(ops.length, first + TAIL_WINDOW + 1);
    // chain[k - first]: the longest chain after op k (k > first), then after `first` itself.
    for (let k = end - 1; k >= first; k--) {
      let best = 0;
      for (let j = k + 1; j < end; j++) {
        if (waitsFor(ops[k]!, ops[j]!)) best = Math.max(best, ops[j]!.cycles + ops[j]!.transfer + chain[j - first]!);
      }
      chain[k - first] = best;
    }
    tails[u] = chain[0]!;
  }
  return tails;
}

/** tailsOf of a stream's ops, per WORK_UNITS entry. */
export function unitTails(ops: readonly TimedOp[]): number[] {
  const { unitAt, unitMembers } = streamOf(ops);
  return tailsOf(ops, unitAt, unitMembers);
}

/** Whether `later` can issue only after `earlier` (before it in program order) has finished. */
function waitsFor(earlier: TimedOp, later: TimedOp): boolean {
  if (earlier.queue < 0 || later.queue < 0) return true;
  return earlier.unit === later.unit || footprintsConflict(earlier.footprint, later.footprint);
}

/** A replay's whole state after some visited cycle: per-op arrays (by position), per-queue
 * and per-unit counts (not positions, so a fork may continue on another stream). Times are
 * in tagged arrays (isa/tagged.ts), read without allocating before V8 optimises the replay;
 * scheduleOps hands them out as Float64Arrays. */
interface ReplayState {
  dispatch: number[];
  issue: number[];
  request: number[];
  grant: number[];
  finish: number[];
  /** Stalls.hazard, queueFull, dram and sync (numbers in arrays keep one representation; an
   * object's field turning from small integer to double would deoptimise the loop). */
  stallSum: number[];
  /** Per queue: next member to issue, members dispatched so far, last issue cycle. */
  head: Int32Array;
  tail: Int32Array;
  lastIssue: number[];
  /** Per unit: its last issued op, and its dispatched members done / so far. Each unit sits in
   * one queue, which issues in order, and starts an op only once its previous op has finished
   * (the unit check in (3)): so a unit's ops finish in program order and at most one of them
   * is running. Dispatched work not yet complete is therefore, per unit, a contiguous run of
   * its members: unitMembers[unitAt[u] + unitDone[u] .. + unitTail[u]). */
  unitLast: Int32Array;
  unitDone: Int32Array;
  unitTail: Int32Array;
  /** Instruction i waits for deps[depAt[i] .. depEnd[i]); depAt advances past those seen done
   * (an instruction once done stays done). */
  deps: Int32Array;
  depAt: Int32Array;
  depEnd: Int32Array;
  /** DMAs issued, waiting for the channel; DMAs in grant order. */
  pending: number[];
  granted: number[];
  /** At DEP_COUNT, NEXT (next instruction to dispatch) and RAN (1 once cycle t has run: a
   * paused replay resumes by finding its next cycle). */
  count: Int32Array;
  /** At T (the current cycle), LAST_DISPATCH and CHAN_FREE (when the DRAM channel is free). */
  time: number[];
}
const DEP_COUNT = 0, NEXT = 1, RAN = 2;
const T = 0, LAST_DISPATCH = 1, CHAN_FREE = 2;
const HAZARD = 0, QUEUE_FULL = 1, DRAM = 2, SYNC = 3;

function copyInto(to: number[], from: readonly number[], n: number): void {
  for (let i = 0; i < n; i++) to[i] = from[i]!;
}
/** The `time` entries T, LAST_DISPATCH and CHAN_FREE. */
function timesOf(t: number, lastDispatch: number, chanFree: number): number[] {
  const time = taggedArray(3, 0);
  time[T] = t;
  time[LAST_DISPATCH] = lastDispatch;
  time[CHAN_FREE] = chanFree;
  return time;
}

function freshReplay(n: number): ReplayState {
  return {
    dispatch: taggedArray(n, -1), issue: taggedArray(n, -1), request: taggedArray(n, -1),
    grant: taggedArray(n, -1), finish: taggedArray(n, Infinity),
    stallSum: taggedArray(4, 0),
    head: new Int32Array(WORK_QUEUES.length), tail: new Int32Array(WORK_QUEUES.length),
    lastIssue: taggedArray(WORK_QUEUES.length, -Infinity),
    unitLast: new Int32Array(WORK_UNITS.length).fill(-1), unitDone: new Int32Array(WORK_UNITS.length), unitTail: new Int32Array(WORK_UNITS.length),
    deps: new Int32Array(Math.max(16, n)), depAt: new Int32Array(n), depEnd: new Int32Array(n),
    pending: [], granted: [], count: new Int32Array(3), time: timesOf(0, -1, 0),
  };
}

/** A copy of a paused replay for `stream` (its first s.next ops the same as the paused one's):
 * only dispatched ops have per-op entries yet. */
function forkReplay(s: ReplayState, from: ReplayStream, to: ReplayStream): ReplayState {
  const f = freshReplay(to.ops.length);
  const next = s.count[NEXT]!;
  copyInto(to.boxes, from.boxes, next * BOX_WIDTH);
  for (const key of ['dispatch', 'issue', 'request', 'grant', 'finish'] as const) copyInto(f[key], s[key], next);
  f.depAt.set(s.depAt.subarray(0, next));
  f.depEnd.set(s.depEnd.subarray(0, next));
  f.deps = s.deps.slice();
  copyInto(f.stallSum, s.stallSum, 4);
  f.head.set(s.head); f.tail.set(s.tail); copyInto(f.lastIssue, s.lastIssue, s.lastIssue.length);
  f.unitLast.set(s.unitLast); f.unitDone.set(s.unitDone); f.unitTail.set(s.unitTail);
  f.pending = s.pending.slice();
  f.granted = s.granted.slice();
  f.count.set(s.count);
  copyInto(f.time, s.time, 3);
  return f;
}

/** Runs the replay on to the end (true), or pauses (false) after the cycle in which op
 * `pauseAt` becomes the next to dispatch, before anything looks at it. Plain functions and
 * locals, no closures over this state: a closure would move the locals it captures into a
 * heap context the whole loop pays for. */
function replay(
  stream: ReplayStream, s: ReplayState, depths: readonly number[], onDeadlock: DeadlockHandler,
  fixedOrder: readonly number[] | undefined, pauseAt: number,
): boolean {
  const { ops, memberAt, members, unitAt, unitMembers, boxes } = stream;
  const { dispatch, issue, request, grant, finish, stallSum, head, tail, lastIssue, unitLast, unitDone, unitTail, depAt, depEnd, pending, granted, count, time } = s;
  const n = ops.length;
  const nq = WORK_QUEUES.length;
  const nu = WORK_UNITS.length;
  let deps = s.deps;
  let depCount = count[DEP_COUNT]!, next = count[NEXT]!, ran = count[RAN] === 1;
  let t = time[T]!, lastDispatch = time[LAST_DISPATCH]!, chanFree = time[CHAN_FREE]!;
  let done = false;
  for (;;) {
    if (ran) {
      // The next cycle at which something can happen (cycles between change nothing): a
      // dispatch once paced and its queue has room (a full queue waits for an issue there, a
      // SYNC/HALT or the end for completions), a queue's next issue after one at t, and the
      // completions, requests and channel release the rest wait for.
      let dispatchAt = lastDispatch + 1;
      if (next < n && ops[next]!.queue >= 0) {
        const q = ops[next]!.queue;
        dispatchAt = tail[q]! - head[q]! >= depths[q]! ? Infinity : Math.max(dispatchAt, t + 1);
      }
      let issueAgain = false;
      for (let q = 0; q < nq; q++) {
        if (head[q]! >= tail[q]! || lastIssue[q] !== t) continue;
        // The next head can go at t + 1 unless its unit is busy longer; then that unit's
        // completion (or the grant it waits for) is among the events below.
        const prev = unitLast[ops[members[memberAt[q]! + head[q]!]!]!.unit]!;
        if (prev < 0 || finish[prev]! <= t + 1) issueAgain = true;
      }
      t = issueAgain ? t + 1 : nextEventTime(t, dispatchAt, unitLast, pending, finish, request, chanFree);
      if (t === Infinity) {
        const op = ops[next]!;
        const reason = op.queue >= 0 && depths[op.queue]! <= 0
          ? `can never be dispatched: the ${WORK_QUEUES[op.queue]} queue has depth ${depths[op.queue]} (scoreboard deadlock)`
          : fixedOrder && pending.length > 0
            ? `cannot make progress: the fixed DRAM channel order waits for instruction ${fixedOrder[granted.length]}`
            : 'cannot make progress: scoreboard deadlock';
        throw onDeadlock(next, reason);
      }
    }
    ran = true;
    // (2) dispatch.
    // The end of the stream acts as a HALT; SYNC and HALT (barriers) wait for the machine to
    // drain. One path serves all: code a replay reaches only at its end would have no type
    // feedback when V8 optimises the loop mid-replay, and reaching it would deoptimise the loop.
    if (t >= lastDispatch + 1) {
      const op = next < n ? ops[next]! : undefined;
      const barrier = op === undefined || op.queue < 0;
      if (barrier || tail[op.queue]! - head[op.queue]! < depths[op.queue]!) {
        const busy = dropDone(t, finish, unitMembers, unitAt, unitDone, unitTail);
        if (!barrier) {
          if (deps.length - depCount < nu) {
            const grown = new Int32Array(2 * deps.length + nu);
            grown.set(deps.subarray(0, depCount));
            deps = grown;
          }
          depAt[next] = depCount;
          depCount = watchConflicts(ops, next, boxes, unitAt, unitMembers, unitDone, unitTail, deps, depCount);
          depEnd[next] = depCount;
          unitTail[op.unit]!++;
          tail[op.queue]!++;
        }
        if (!barrier || !busy) {
          if (op === undefined) { done = true; break; }
          dispatch[next] = t;
          if (barrier) issue[next] = finish[next] = t;
          stallSum[barrier ? SYNC : QUEUE_FULL] += t - (lastDispatch + 1);
          lastDispatch = t;
          if (op.kind === 'halt') { done = true; break; }
          next++;
        }
      }
    }
    // (3) issue: the head of each queue, in order
    for (let q = 0; q < nq; q++) {
      if (head[q]! >= tail[q]! || lastIssue[q]! >= t) continue;
      const i = members[memberAt[q]! + head[q]!]!;
      const op = ops[i]!;
      const prev = unitLast[op.unit]!;
      if (prev >= 0 && !(finish[prev]! <= t)) continue;
      let d = depAt[i]!;
      const dEnd = depEnd[i]!;
      while (d < dEnd && finish[deps[d]!]! <= t) d++;
      depAt[i] = d;
      if (d < dEnd) continue;
      const ready = Math.max(dispatch[i]!, lastIssue[q]! + 1, prev >= 0 ? finish[prev]! : 0);
      stallSum[HAZARD] += t - ready;
      issue[i] = t;
      head[q]!++;
      lastIssue[q] = t;
      unitLast[op.unit] = i;
      if (op.kind === 'dma') {
        request[i] = t + op.cycles;
        pending.push(i);
      } else {
        finish[i] = t + op.cycles;
      }
    }
    // (4) the shared DRAM channel grants the oldest request (or the next one in a fixed order)
    if (chanFree <= t && pending.length > 0) {
      const best = fixedOrder ? fixedGrant(pending, request, t, fixedOrder[granted.length]!) : channelGrant(pending, request, t);
      if (best >= 0) {
        const j = pending[best]!;
        pending.copyWithin(best, best + 1);
        pending.pop();
        granted.push(j);
        grant[j] = t;
        finish[j] = chanFree = t + ops[j]!.transfer;
        stallSum[DRAM] += t - request[j]!;
      }
    }
    if (next === pauseAt) break;
  }
  s.deps = deps;
  count[DEP_COUNT] = depCount; count[NEXT] = next; count[RAN] = ran ? 1 : 0;
  time[T] = t; time[LAST_DISPATCH] = lastDispatch; time[CHAN_FREE] = chanFree;
  return done;
}

/** Moves each unit's run of incomplete work (unitMembers[unitAt[u] + unitDone[u] ..
 * + unitTail[u])) past what has finished by t; whether any is left. */
function dropDone(t: number, finish: number[], unitMembers: Int32Array, unitAt: Int32Array, unitDone: Int32Array, unitTail: Int32Array): boolean {
  let busy = false;
  for (let u = 0; u < unitDone.length; u++) {
    let d = unitDone[u]!;
    while (d < unitTail[u]! && finish[unitMembers[unitAt[u]! + d]!]! <= t) d++;
    unitDone[u] = d;
    if (d < unitTail[u]!) busy = true;
  }
  return busy;
}

/** Appends to `deps` (from `depCount`; returns the new count) what op `next`, now dispatched,
 * must wait for. An op issues only after every earlier op of its own unit is done, so
 * conflicts with those never hold it back; of another unit's incomplete ops (its run
 * unitMembers[unitAt[u] + unitDone[u] .. + unitTail[u])), which finish in order, only the
 * latest conflicting one needs watching. A function of its own: V8 optimises it separately
 * and early, and the scheduler's loop stays small enough to optimise cheaply in a short process. */
function watchConflicts(
  ops: readonly TimedOp[], next: number, boxes: number[], unitAt: Int32Array, unitMembers: Int32Array,
  unitDone: Int32Array, unitTail: Int32Array, deps: Int32Array, depCount: number,
): number {
  const op = ops[next]!;
  const boxWidth = BOX_WIDTH;
  fillBox(op.footprint, boxes, next);
  for (let u = 0; u < unitAt.length - 1; u++) {
    if (u === op.unit) continue;
    for (let r = unitAt[u]! + unitTail[u]! - 1, stop = unitAt[u]! + unitDone[u]!; r >= stop; r--) {
      const j = unitMembers[r]!;
      // Do the two ops' boxes (fillBox) meet? Written out: this test runs for most in-flight pairs.
      let meet = false;
      for (let e = j * boxWidth, l = next * boxWidth, end = e + boxWidth; e < end && !meet; e += 4, l += 4) {
        meet = (boxes[e]! < boxes[l + 3]! && boxes[l + 2]! < boxes[e + 1]!) || (boxes[e + 2]! < boxes[l + 1]! && boxes[l]! < boxes[e + 3]!);
      }
      if (meet && footprintsConflict(ops[j]!.footprint, op.footprint)) {
        deps[depCount++] = j;
        break;
      }
    }
  }
  return depCount;
}

/** Numbers per op in ReplayStream.boxes: four per memory space. */
const BOX_WIDTH = 4 * SPACES.length;
/** A box that meets nothing, in every space. */
const EMPTY_BOX = taggedArray(BOX_WIDTH, Infinity);
for (let k = 1; k < BOX_WIDTH; k += 2) EMPTY_BOX[k] = -Infinity;

/** Op i's row of `box`: per memory space, the byte ranges [lo, hi) covered by its writes and
 * by all its accesses. Two ops share no byte unless, in some space, the earlier one's writes
 * meet the later one's accesses or its accesses meet the later one's writes (the box test in
 * watchConflicts), so the exact span test runs only for pairs that pass it. */
function fillBox(footprint: Footprint, box: number[], i: number): void {
  const at = i * BOX_WIDTH;
  for (let k = 0; k < BOX_WIDTH; k++) box[at + k] = EMPTY_BOX[k]!;
  const { reads, writes } = footprint;
  for (let k = 0; k < writes.length; k++) {
    const w = writes[k]!;
    const b = at + 4 * SPACE_INDEX[w.space];
    const start = w.start;
    const end = spanEnd(w);
    if (start < box[b]!) box[b] = start;
    if (end > box[b + 1]!) box[b + 1] = end;
    if (start < box[b + 2]!) box[b + 2] = start;
    if (end > box[b + 3]!) box[b + 3] = end;
  }
  for (let k = 0; k < reads.length; k++) {
    const r = reads[k]!;
    const b = at + 4 * SPACE_INDEX[r.space];
    const start = r.start;
    const end = spanEnd(r);
    if (start < box[b + 2]!) box[b + 2] = start;
    if (end > box[b + 3]!) box[b + 3] = end;
  }
}

/** Position in `pending` of `want` if its request has come, else −1. */
function fixedGrant(pending: readonly number[], request: ArrayLike<number>, t: number, want: number): number {
  const k = pending.indexOf(want);
  return k >= 0 && request[want]! <= t ? k : -1;
}

/** The earliest future cycle at which any waiting condition can change. Only the last op
 * issued on each unit can still be running (a unit starts an op once the previous finished). */
function nextEventTime(
  t: number, dispatchAt: number, unitLast: Int32Array, pending: readonly number[],
  finish: number[], request: number[], chanFree: number,
): number {
  let best = dispatchAt > t ? dispatchAt : Infinity;
  for (let u = 0; u < unitLast.length; u++) {
    const j = unitLast[u]!;
    if (j >= 0 && finish[j]! > t && finish[j]! < best) best = finish[j]!;
  }
  for (let k = 0; k < pending.length; k++) {
    const j = pending[k]!;
    if (request[j]! > t && request[j]! < best) best = request[j]!;
  }
  if (pending.length > 0 && chanFree > t && chanFree < best) best = chanFree;
  return best;
}

/** Cycles of an instruction stream on `hw`: when its HALT (or its end) dispatches. The
 * compiler's replay of candidate schedules; the simulator's report has the same number.
 * `footprints` (footprintOf of each instruction) saves computing them again. */
export function scheduleCycles(instrs: readonly Instr[], hw: HardwareConfig, footprints?: readonly Footprint[]): number {
  return opsCycles(prepareOps(instrs, hw, footprints), hw);
}

/** scheduleCycles of ops already prepared (prepareOps), e.g. one stream's ops in two orders.
 * With `below`, a caller that only needs the cycles if they are less: the replay may stop
 * once they are sure to be at least `below`, and the answer is then Infinity. */
export function opsCycles(ops: readonly TimedOp[], hw: HardwareConfig, below = Infinity): number {
  // The replay alone: the compiler needs no per-instruction times or unit busy totals.
  const s = freshReplay(ops.length);
  return replayBelow(streamOf(ops), s, queueDepths(hw), below) ? s.time[T]! : Infinity;
}

function deadlockError(i: number, reason: string): Error {
  return new DlpError(`instruction ${i}: ${reason}`);
}

function busyOf(ops: readonly TimedOp[], issue: number[], finish: number[]): number[] {
  const busy = new Array<number>(WORK_UNITS.length).fill(0);
  ops.forEach((op, i) => { if (op.unit >= 0) busy[op.unit]! += finish[i]! - issue[i]!; });
  return busy;
}
