// AssemblyScript: the timing engine of isa/schedule.ts, compiled to WebAssembly by
// scripts/build-engine.mjs into isa/replay-wasm.ts (docs/simulator.md, "Timing rules"). It is the one
// implementation of the timing rules' event loop, of the DRAM channel's grant rule and of the
// exact span overlap test: the simulator, the compiler's replays and load hoisting, and
// validation all run it. WebAssembly because the compiler replays a few dozen streams per compile
// and is done before V8 would have optimised the same loop written in JavaScript.
//
// Memory holds the op records (written once per op by the host, kept across calls) and an arena
// that the host resets before each top-level call; everything lives in flat arrays addressed by
// byte pointers. Times are f64 and every sum is formed in the order the rules in
// docs/simulator.md state it, so results are those of plain doubles.

// ---- The op records the host writes (schedule.ts, prepareOps) --------------------------------

// An op record (isa/engine.ts writes them) is 29 f64: kind, queue, unit, cycles, transfer, then
// MAX_SPANS spans of SPAN_W, each: 1 written / 0 read / -1 no span, then space, start, rows,
// rowBytes, pitch.
const SPAN_AT: i32 = 5;
const SPAN_W: i32 = 6;
const MAX_SPANS: i32 = 4;
/** Op kinds (isa/engine.ts, KINDS). */
const KIND_UNIT: i32 = 0;
const KIND_DMA: i32 = 1;
const KIND_HALT: i32 = 3;

// Stall totals, in State.stall.
const HAZARD: i32 = 0;
const QUEUE_FULL: i32 = 1;
const DRAM: i32 = 2;
const SYNC: i32 = 3;

/** Dispatches between two looks at the work left (runBelow). */
const LOOK_EVERY: i32 = 8;
/** The work left is a difference of sums; with cycles that are not whole numbers it may round
 * above the true difference by far less than this fraction. */
const SUM_SLACK: f64 = 1 - 1e-9;
/** Ops after a unit's last op that tails looks at. */
const TAIL_WINDOW: i32 = 8;

let NQ: i32 = 0;
let NU: i32 = 0;
let BW: i32 = 0;

/** The machine's numbers of work queues, work units and memory spaces (isa/spec.ts). */
export function configure(queues: i32, units: i32, spaces: i32): void {
  NQ = queues;
  NU = units;
  BW = 4 * spaces;
}

// ---- Arena ---------------------------------------------------------------------------------

// Memory from the heap base up to `floor` holds op records kept between calls (keep); each
// top-level call allocates above it and is dropped by the next reset.
let top: usize = 0;
let floor: usize = 0;

function heapStart(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/** Drops everything above the kept records. */
export function reset(): void {
  if (floor == 0) floor = heapStart();
  top = floor;
}

/** Keeps what is allocated now across resets. */
export function keep(): void {
  floor = top;
}

/** Drops the kept records too. */
export function release(): void {
  floor = heapStart();
  top = floor;
}

/** `bytes` of memory, 16-aligned, growing the memory when needed. */
export function alloc(bytes: i32): usize {
  if (top == 0) reset();
  const p = top;
  top = (p + <usize>bytes + 15) & ~(<usize>15);
  const pages = <i32>((top + 0xffff) >>> 16);
  const have = memory.size();
  if (pages > have && memory.grow(pages - have) < 0) unreachable();
  return p;
}

@inline function gi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function si(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }
@inline function gf(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function sf(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

function ints(n: i32, v: i32): usize {
  const p = alloc(n << 2);
  for (let i = 0; i < n; i++) si(p, i, v);
  return p;
}
function floats(n: i32, v: f64): usize {
  const p = alloc(n << 3);
  for (let i = 0; i < n; i++) sf(p, i, v);
  return p;
}

// ---- Spans ---------------------------------------------------------------------------------

/** Does the run [x, x+len) meet any of `rows` runs of `rowBytes` bytes from `start`, `pitch` apart?
 * O(1): solves for the candidate run indices. */
@inline function runMeets(x: f64, len: f64, start: f64, rows: f64, rowBytes: f64, pitch: f64): bool {
  if (rows == 1) return x < start + rowBytes && start < x + len;
  const qLo = Math.max(0, Math.floor((x - rowBytes - start) / pitch) + 1);
  const qHi = Math.min(rows - 1, Math.ceil((x + len - start) / pitch) - 1);
  return qLo <= qHi;
}

/** Exact test whether two spans (footprint.ts's Span, in one memory space) share a byte:
 * O(min(rows)) after a bounding-box test. */
export function spansMeet(aStart: f64, aRows: f64, aRowBytes: f64, aPitch: f64, bStart: f64, bRows: f64, bRowBytes: f64, bPitch: f64): bool {
  if (aStart + (aRows - 1) * aPitch + aRowBytes <= bStart || bStart + (bRows - 1) * bPitch + bRowBytes <= aStart) return false;
  if (aRows <= bRows) {
    for (let r: f64 = 0; r < aRows; r++) if (runMeets(aStart + r * aPitch, aRowBytes, bStart, bRows, bRowBytes, bPitch)) return true;
  } else {
    for (let r: f64 = 0; r < bRows; r++) if (runMeets(bStart + r * bPitch, bRowBytes, aStart, aRows, aRowBytes, aPitch)) return true;
  }
  return false;
}

/** Do two op records conflict (RAW, WAR or WAW): a span of one meets a span of the other and
 * at least one of the two is written? */
function recordsConflict(a: usize, b: usize): bool {
  for (let i = 0; i < MAX_SPANS; i++) {
    const sa = a + (<usize>(SPAN_AT + i * SPAN_W) << 3);
    const wa = load<f64>(sa);
    if (wa < 0) break;
    for (let j = 0; j < MAX_SPANS; j++) {
      const sb = b + (<usize>(SPAN_AT + j * SPAN_W) << 3);
      const wb = load<f64>(sb);
      if (wb < 0) break;
      if (wa == 0 && wb == 0) continue;
      if (load<f64>(sa, 8) != load<f64>(sb, 8)) continue;
      if (spansMeet(load<f64>(sa, 16), load<f64>(sa, 24), load<f64>(sa, 32), load<f64>(sa, 40), load<f64>(sb, 16), load<f64>(sb, 24), load<f64>(sb, 32), load<f64>(sb, 40))) return true;
    }
  }
  return false;
}

/** Whether the ops whose records start at f64 index `a` and `b` conflict (the scoreboard's
 * RAW/WAR/WAW test, for load hoisting and the simulator's cycle account). */
export function conflict(a: i32, b: i32): bool {
  return recordsConflict(<usize>a << 3, <usize>b << 3);
}

/** Load hoisting's order (compiler/passes/hoist.ts): the positions of the ops whose records
 * start at ids[i]·8 (i < n), written to `out`, with each op of queue `loadQueue` moved up past
 * the ops before it it does not conflict with: at most `window` of them, and only compute and
 * store ops (never past another load, a barrier or the start). Each op is placed looking only
 * at those before it, and nothing placed is reordered later. */
export function hoist(ids: usize, n: i32, loadQueue: i32, window: i32, out: usize): void {
  let len = 0;
  // How many trailing entries of `out` are ops a load may still pass (at most `window`).
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const r = <usize>gi(ids, i) << 3;
    const kind = <i32>load<f64>(r);
    const isLoad = kind == KIND_DMA && <i32>load<f64>(r, 8) == loadQueue;
    if (kind == KIND_UNIT || (kind == KIND_DMA && !isLoad)) {
      si(out, len++, i);
      if (tail < window) tail++;
      continue;
    }
    if (!isLoad) {
      si(out, len++, i);
      tail = 0;
      continue;
    }
    let at = tail;
    while (at > 0 && !recordsConflict(<usize>gi(ids, gi(out, len - tail + at - 1)) << 3, r)) at--;
    const pos = len - (tail - at);
    memory.copy(out + (<usize>(pos + 1) << 2), out + (<usize>pos << 2), <usize>(len - pos) << 2);
    si(out, pos, i);
    len++;
    // Ops after the hoisted load can no longer be passed by later loads.
    tail -= at;
  }
}

// ---- Streams -------------------------------------------------------------------------------

@unmanaged class Stream {
  n: i32;
  /** Each op's record pointer. */
  rec: usize;
  kind: usize;
  queue: usize;
  unit: usize;
  cycles: usize;
  transfer: usize;
  /** Each queue's (unit's) members in program order: queue g is members[memberAt[g] .. memberAt[g + 1]). */
  memberAt: usize;
  members: usize;
  unitAt: usize;
  unitMembers: usize;
  /** Each op's footprint box (fillBox), filled as the op dispatches. */
  boxes: usize;
}

/** A stream of `n` ops whose records start at byte ids[i]·8. */
export function stream(ids: usize, n: i32): usize {
  const s = changetype<Stream>(alloc(offsetof<Stream>()));
  s.n = n;
  s.rec = alloc(n << 2);
  s.kind = alloc(n << 2);
  s.queue = alloc(n << 2);
  s.unit = alloc(n << 2);
  s.cycles = alloc(n << 3);
  s.transfer = alloc(n << 3);
  s.memberAt = ints(NQ + 1, 0);
  s.unitAt = ints(NU + 1, 0);
  for (let i = 0; i < n; i++) {
    const r = <usize>gi(ids, i) << 3;
    si(s.rec, i, <i32>r);
    si(s.kind, i, <i32>load<f64>(r));
    const q = <i32>load<f64>(r, 8);
    const u = <i32>load<f64>(r, 16);
    si(s.queue, i, q);
    si(s.unit, i, u);
    sf(s.cycles, i, load<f64>(r, 24));
    sf(s.transfer, i, load<f64>(r, 32));
    if (q >= 0) si(s.memberAt, q + 1, gi(s.memberAt, q + 1) + 1);
    if (u >= 0) si(s.unitAt, u + 1, gi(s.unitAt, u + 1) + 1);
  }
  for (let g = 0; g < NQ; g++) si(s.memberAt, g + 1, gi(s.memberAt, g + 1) + gi(s.memberAt, g));
  for (let g = 0; g < NU; g++) si(s.unitAt, g + 1, gi(s.unitAt, g + 1) + gi(s.unitAt, g));
  s.members = alloc(gi(s.memberAt, NQ) << 2);
  s.unitMembers = alloc(gi(s.unitAt, NU) << 2);
  const qFill = ints(NQ, 0);
  const uFill = ints(NU, 0);
  for (let g = 0; g < NQ; g++) si(qFill, g, gi(s.memberAt, g));
  for (let g = 0; g < NU; g++) si(uFill, g, gi(s.unitAt, g));
  for (let i = 0; i < n; i++) {
    const q = gi(s.queue, i);
    const u = gi(s.unit, i);
    if (q >= 0) { si(s.members, gi(qFill, q), i); si(qFill, q, gi(qFill, q) + 1); }
    if (u >= 0) { si(s.unitMembers, gi(uFill, u), i); si(uFill, u, gi(uFill, u) + 1); }
  }
  s.boxes = alloc(n * BW << 3);
  return changetype<usize>(s);
}

/** Op i's row of boxes: per memory space, the byte ranges [lo, hi) covered by its writes and by
 * all its accesses. Two ops share no byte unless, in some space, the earlier one's writes meet
 * the later one's accesses or its accesses meet the later one's writes (the box test in
 * watchConflicts), so the exact span test runs only for pairs that pass it. */
function fillBox(s: Stream, i: i32): void {
  const at = i * BW;
  for (let k = 0; k < BW; k += 2) {
    sf(s.boxes, at + k, Infinity);
    sf(s.boxes, at + k + 1, -Infinity);
  }
  const r = <usize>gi(s.rec, i);
  for (let k = 0; k < MAX_SPANS; k++) {
    const sp = r + (<usize>(SPAN_AT + k * SPAN_W) << 3);
    const w = load<f64>(sp);
    if (w < 0) break;
    const b = at + 4 * <i32>load<f64>(sp, 8);
    const start = load<f64>(sp, 16);
    const end = start + (load<f64>(sp, 24) - 1) * load<f64>(sp, 40) + load<f64>(sp, 32);
    if (w > 0) {
      if (start < gf(s.boxes, b)) sf(s.boxes, b, start);
      if (end > gf(s.boxes, b + 1)) sf(s.boxes, b + 1, end);
    }
    if (start < gf(s.boxes, b + 2)) sf(s.boxes, b + 2, start);
    if (end > gf(s.boxes, b + 3)) sf(s.boxes, b + 3, end);
  }
}

// ---- Replay state --------------------------------------------------------------------------

@unmanaged class State {
  /** Per op (cycles; -1 where not applicable, finish Infinity until known). */
  dispatch: usize;
  issue: usize;
  request: usize;
  grant: usize;
  finish: usize;
  /** HAZARD, QUEUE_FULL, DRAM and SYNC stall totals. */
  stall: usize;
  /** Per queue: next member to issue, members dispatched so far, last issue cycle. */
  head: usize;
  tail: usize;
  lastIssue: usize;
  /** Per unit: its last issued op, and its dispatched members done / so far. A unit's ops
   * finish in program order and at most one runs, so its dispatched work not yet complete is
   * unitMembers[unitAt[u] + unitDone[u] .. + unitTail[u]). */
  unitLast: usize;
  unitDone: usize;
  unitTail: usize;
  /** Instruction i waits for deps[depAt[i] .. depEnd[i]); depAt advances past those seen done. */
  deps: usize;
  depAt: usize;
  depEnd: usize;
  /** DMAs issued and waiting for the channel; DMAs in grant order. */
  pending: usize;
  granted: usize;
  /** A fixed grant order (DMA indices), or 0. */
  fixed: usize;
  pendingLen: i32;
  grantedLen: i32;
  depCount: i32;
  next: i32;
  ran: i32;
  n: i32;
  t: f64;
  lastDispatch: f64;
  chanFree: f64;
}

/** A replay of `n` ops at its start; `fixed` a grant order (0 for first-come-first-served). */
export function state(n: i32, fixed: usize): usize {
  const s = changetype<State>(alloc(offsetof<State>()));
  s.n = n;
  s.dispatch = floats(n, -1);
  s.issue = floats(n, -1);
  s.request = floats(n, -1);
  s.grant = floats(n, -1);
  s.finish = floats(n, Infinity);
  s.stall = floats(4, 0);
  s.head = ints(NQ, 0);
  s.tail = ints(NQ, 0);
  s.lastIssue = floats(NQ, -Infinity);
  s.unitLast = ints(NU, -1);
  s.unitDone = ints(NU, 0);
  s.unitTail = ints(NU, 0);
  // Each dispatch adds at most one dependence per other unit.
  s.deps = alloc((n * NU + 16) << 2);
  s.depAt = ints(n, 0);
  s.depEnd = ints(n, 0);
  s.pending = alloc(n << 2);
  s.granted = alloc(n << 2);
  s.fixed = fixed;
  s.pendingLen = 0;
  s.grantedLen = 0;
  s.depCount = 0;
  s.next = 0;
  s.ran = 0;
  s.t = 0;
  s.lastDispatch = -1;
  s.chanFree = 0;
  return changetype<usize>(s);
}

/** A copy of paused replay `sp` of stream `fromp` for stream `top_` (whose first s.next ops are
 * the same): only dispatched ops have per-op entries yet. */
export function fork(sp: usize, fromp: usize, top_: usize): usize {
  const s = changetype<State>(sp);
  const from = changetype<Stream>(fromp);
  const to = changetype<Stream>(top_);
  const f = changetype<State>(state(to.n, s.fixed));
  const next = s.next;
  memory.copy(to.boxes, from.boxes, <usize>(next * BW) << 3);
  memory.copy(f.dispatch, s.dispatch, <usize>next << 3);
  memory.copy(f.issue, s.issue, <usize>next << 3);
  memory.copy(f.request, s.request, <usize>next << 3);
  memory.copy(f.grant, s.grant, <usize>next << 3);
  memory.copy(f.finish, s.finish, <usize>next << 3);
  memory.copy(f.depAt, s.depAt, <usize>next << 2);
  memory.copy(f.depEnd, s.depEnd, <usize>next << 2);
  memory.copy(f.deps, s.deps, <usize>s.depCount << 2);
  memory.copy(f.stall, s.stall, 4 << 3);
  memory.copy(f.head, s.head, <usize>NQ << 2);
  memory.copy(f.tail, s.tail, <usize>NQ << 2);
  memory.copy(f.lastIssue, s.lastIssue, <usize>NQ << 3);
  memory.copy(f.unitLast, s.unitLast, <usize>NU << 2);
  memory.copy(f.unitDone, s.unitDone, <usize>NU << 2);
  memory.copy(f.unitTail, s.unitTail, <usize>NU << 2);
  memory.copy(f.pending, s.pending, <usize>s.pendingLen << 2);
  memory.copy(f.granted, s.granted, <usize>s.grantedLen << 2);
  f.pendingLen = s.pendingLen;
  f.grantedLen = s.grantedLen;
  f.depCount = s.depCount;
  f.next = s.next;
  f.ran = s.ran;
  f.t = s.t;
  f.lastDispatch = s.lastDispatch;
  f.chanFree = s.chanFree;
  return changetype<usize>(f);
}

// Read by the host once a replay has returned.
export function stateCycles(sp: usize): f64 { return changetype<State>(sp).t; }
export function stateNext(sp: usize): i32 { return changetype<State>(sp).next; }
export function statePending(sp: usize): i32 { return changetype<State>(sp).pendingLen; }
export function stateGranted(sp: usize): i32 { return changetype<State>(sp).grantedLen; }
/** Pointer to an array of the state: 0-4 dispatch, issue, request, grant, finish; 5 the stall
 * totals; 6 the grant order. */
export function stateArray(sp: usize, which: i32): usize {
  const s = changetype<State>(sp);
  switch (which) {
    case 0: return s.dispatch;
    case 1: return s.issue;
    case 2: return s.request;
    case 3: return s.grant;
    case 4: return s.finish;
    case 5: return s.stall;
    default: return s.granted;
  }
}

// ---- The event loop ------------------------------------------------------------------------

/** Results of run and runBelow. */
const PAUSED: i32 = 0;
const DONE: i32 = 1;
const STOPPED: i32 = 2;
const DEADLOCK: i32 = -1;

/** Runs replay `sp` of stream `stp` on to the end (DONE), or pauses (PAUSED) after the cycle
 * in which op `pauseAt` becomes the next to dispatch, before anything looks at it; DEADLOCK
 * when nothing can ever make progress (stateNext is the op stuck at dispatch). `depths`: the
 * queue depths (f64 per work queue). The end of a stream without HALT acts as one. */
export function run(stp: usize, sp: usize, depths: usize, pauseAt: i32): i32 {
  const st = changetype<Stream>(stp);
  const s = changetype<State>(sp);
  const n = st.n;
  const kind = st.kind, queue = st.queue, unit = st.unit, cycles = st.cycles, transfer = st.transfer;
  const memberAt = st.memberAt, members = st.members;
  const dispatch = s.dispatch, issue = s.issue, request = s.request, grant = s.grant, finish = s.finish;
  const stall = s.stall, head = s.head, tail = s.tail, lastIssue = s.lastIssue, unitLast = s.unitLast;
  const deps = s.deps, depAt = s.depAt, depEnd = s.depEnd, pending = s.pending, granted = s.granted, fixed = s.fixed;
  let pendingLen = s.pendingLen, grantedLen = s.grantedLen;
  let depCount = s.depCount, next = s.next;
  let ran = s.ran != 0;
  let t = s.t, lastDispatch = s.lastDispatch, chanFree = s.chanFree;
  let result = PAUSED;
  while (true) {
    if (ran) {
      // The next cycle at which something can happen: a dispatch once paced and its queue has
      // room, a queue's next issue after one at t, and the completions, requests and channel
      // release the rest wait for.
      let dispatchAt = lastDispatch + 1;
      if (next < n && gi(queue, next) >= 0) {
        const q = gi(queue, next);
        dispatchAt = <f64>(gi(tail, q) - gi(head, q)) >= gf(depths, q) ? Infinity : Math.max(dispatchAt, t + 1);
      }
      let issueAgain = false;
      for (let q = 0; q < NQ; q++) {
        if (gi(head, q) >= gi(tail, q) || gf(lastIssue, q) != t) continue;
        const prev = gi(unitLast, gi(unit, gi(members, gi(memberAt, q) + gi(head, q))));
        if (prev < 0 || gf(finish, prev) <= t + 1) issueAgain = true;
      }
      if (issueAgain) t = t + 1;
      else {
        // The earliest future cycle at which a waiting condition can change; only the last op
        // issued on each unit can still be running.
        let best = dispatchAt > t ? dispatchAt : Infinity;
        for (let u = 0; u < NU; u++) {
          const j = gi(unitLast, u);
          if (j >= 0 && gf(finish, j) > t && gf(finish, j) < best) best = gf(finish, j);
        }
        for (let k = 0; k < pendingLen; k++) {
          const j = gi(pending, k);
          if (gf(request, j) > t && gf(request, j) < best) best = gf(request, j);
        }
        if (pendingLen > 0 && chanFree > t && chanFree < best) best = chanFree;
        t = best;
      }
      if (t == Infinity) {
        result = DEADLOCK;
        break;
      }
    }
    ran = true;
    // (2) dispatch. SYNC, HALT and the end of the stream wait for the machine to drain.
    if (t >= lastDispatch + 1) {
      const barrier = next >= n || gi(queue, next) < 0;
      if (barrier || <f64>(gi(tail, gi(queue, next)) - gi(head, gi(queue, next))) < gf(depths, gi(queue, next))) {
        const busy = dropDone(st, s, t);
        if (!barrier) {
          si(depAt, next, depCount);
          depCount = watchConflicts(st, s, next, depCount);
          si(depEnd, next, depCount);
          si(s.unitTail, gi(unit, next), gi(s.unitTail, gi(unit, next)) + 1);
          si(tail, gi(queue, next), gi(tail, gi(queue, next)) + 1);
        }
        if (!barrier || !busy) {
          if (next >= n) {
            result = DONE;
            break;
          }
          sf(dispatch, next, t);
          if (barrier) {
            sf(issue, next, t);
            sf(finish, next, t);
          }
          const which = barrier ? SYNC : QUEUE_FULL;
          sf(stall, which, gf(stall, which) + (t - (lastDispatch + 1)));
          lastDispatch = t;
          if (gi(kind, next) == KIND_HALT) {
            result = DONE;
            break;
          }
          next++;
        }
      }
    }
    // (3) issue: the head of each queue, in order.
    for (let q = 0; q < NQ; q++) {
      if (gi(head, q) >= gi(tail, q) || gf(lastIssue, q) >= t) continue;
      const i = gi(members, gi(memberAt, q) + gi(head, q));
      const u = gi(unit, i);
      const prev = gi(unitLast, u);
      if (prev >= 0 && !(gf(finish, prev) <= t)) continue;
      let d = gi(depAt, i);
      const dEnd = gi(depEnd, i);
      while (d < dEnd && gf(finish, gi(deps, d)) <= t) d++;
      si(depAt, i, d);
      if (d < dEnd) continue;
      const ready = Math.max(Math.max(gf(dispatch, i), gf(lastIssue, q) + 1), prev >= 0 ? gf(finish, prev) : 0);
      sf(stall, HAZARD, gf(stall, HAZARD) + (t - ready));
      sf(issue, i, t);
      si(head, q, gi(head, q) + 1);
      sf(lastIssue, q, t);
      si(unitLast, u, i);
      if (gi(kind, i) == KIND_DMA) {
        sf(request, i, t + gf(cycles, i));
        si(pending, pendingLen++, i);
      } else {
        sf(finish, i, t + gf(cycles, i));
      }
    }
    // (4) the shared DRAM channel grants the oldest request (earliest request time, then
    // program order), or the next one in a fixed order.
    if (chanFree <= t && pendingLen > 0) {
      let best = -1;
      if (fixed != 0) {
        const want = gi(fixed, grantedLen);
        for (let k = 0; k < pendingLen; k++) {
          if (gi(pending, k) == want) {
            if (gf(request, want) <= t) best = k;
            break;
          }
        }
      } else {
        for (let k = 0; k < pendingLen; k++) {
          const j = gi(pending, k);
          if (gf(request, j) > t) continue;
          if (best < 0) { best = k; continue; }
          const b = gi(pending, best);
          if (gf(request, j) < gf(request, b) || (gf(request, j) == gf(request, b) && j < b)) best = k;
        }
      }
      if (best >= 0) {
        const j = gi(pending, best);
        memory.copy(pending + (<usize>best << 2), pending + (<usize>(best + 1) << 2), <usize>(pendingLen - best - 1) << 2);
        pendingLen--;
        si(granted, grantedLen++, j);
        sf(grant, j, t);
        chanFree = t + gf(transfer, j);
        sf(finish, j, chanFree);
        sf(stall, DRAM, gf(stall, DRAM) + (t - gf(request, j)));
      }
    }
    if (next == pauseAt) break;
  }
  s.pendingLen = pendingLen;
  s.grantedLen = grantedLen;
  s.depCount = depCount;
  s.next = next;
  s.ran = ran ? 1 : 0;
  s.t = t;
  s.lastDispatch = lastDispatch;
  s.chanFree = chanFree;
  return result;
}

/** Moves each unit's run of incomplete work past what has finished by t; whether any is left. */
function dropDone(st: Stream, s: State, t: f64): bool {
  let busy = false;
  for (let u = 0; u < NU; u++) {
    let d = gi(s.unitDone, u);
    const base = gi(st.unitAt, u);
    const end = gi(s.unitTail, u);
    while (d < end && gf(s.finish, gi(st.unitMembers, base + d)) <= t) d++;
    si(s.unitDone, u, d);
    if (d < end) busy = true;
  }
  return busy;
}

/** Appends to deps (from depCount; returns the new count) what op `next`, now dispatched, must
 * wait for. An op issues only after every earlier op of its own unit is done, so conflicts with
 * those never hold it back; of another unit's incomplete ops, which finish in order, only the
 * latest conflicting one needs watching. */
function watchConflicts(st: Stream, s: State, next: i32, depCount: i32): i32 {
  const boxes = st.boxes;
  fillBox(st, next);
  const own = gi(st.unit, next);
  const l0 = next * BW;
  for (let u = 0; u < NU; u++) {
    if (u == own) continue;
    const base = gi(st.unitAt, u);
    for (let r = base + gi(s.unitTail, u) - 1, stop = base + gi(s.unitDone, u); r >= stop; r--) {
      const j = gi(st.unitMembers, r);
      let meet = false;
      for (let e = j * BW, l = l0, end = e + BW; e < end && !meet; e += 4, l += 4) {
        meet = (gf(boxes, e) < gf(boxes, l + 3) && gf(boxes, l + 2) < gf(boxes, e + 1)) || (gf(boxes, e + 2) < gf(boxes, l + 1) && gf(boxes, l) < gf(boxes, e + 3));
      }
      if (meet && recordsConflict(<usize>gi(st.rec, j), <usize>gi(st.rec, next))) {
        si(s.deps, depCount++, j);
        break;
      }
    }
  }
  return depCount;
}

// ---- Stopping early ------------------------------------------------------------------------

/** Whether `later` can issue only after `earlier` (before it in program order) has finished. */
function waitsFor(st: Stream, earlier: i32, later: i32): bool {
  if (gi(st.queue, earlier) < 0 || gi(st.queue, later) < 0) return true;
  return gi(st.unit, earlier) == gi(st.unit, later) || recordsConflict(<usize>gi(st.rec, earlier), <usize>gi(st.rec, later));
}

/** Per unit (f64 at the returned pointer), cycles that must pass after its last op (in program
 * order) finishes before the stream can end: the longest chain of later ops, each waiting for
 * the one before it (it conflicts with it, or runs on the same unit; a SYNC or HALT waits for,
 * and holds back, everything), each taking at least its cycles (a DMA its latency and
 * transfer). A lower bound: ops past TAIL_WINDOW are not looked at. */
export function tails(stp: usize): usize {
  const st = changetype<Stream>(stp);
  const out = floats(NU, 0);
  const chain = floats(TAIL_WINDOW + 1, 0);
  for (let u = 0; u < NU; u++) {
    if (gi(st.unitAt, u + 1) == gi(st.unitAt, u)) continue;
    const first = gi(st.unitMembers, gi(st.unitAt, u + 1) - 1);
    const end = min(st.n, first + TAIL_WINDOW + 1);
    for (let k = end - 1; k >= first; k--) {
      let best: f64 = 0;
      for (let j = k + 1; j < end; j++) {
        if (waitsFor(st, k, j)) best = Math.max(best, gf(st.cycles, j) + gf(st.transfer, j) + gf(chain, j - first));
      }
      sf(chain, k - first, best);
    }
    sf(out, u, gf(chain, 0));
  }
  return out;
}

/** run to the end (DONE), unless the stream's cycles are sure to reach `stopAt` first
 * (STOPPED). The replay pauses every LOOK_EVERY dispatches. After cycle t, each unit's ops not
 * issued yet run one after another, the first once its last issued op has finished and none
 * before t, each keeping the unit busy its cycles (a DMA its latency and transfer at least);
 * the channel's transfers not granted likewise follow its current one. After a unit's last op,
 * the ops that wait for it still run one after another (tails). The end is at least the latest
 * of those finishes. */
export function runBelow(stp: usize, sp: usize, depths: usize, stopAt: f64): i32 {
  if (stopAt == Infinity) return run(stp, sp, depths, -1);
  const st = changetype<Stream>(stp);
  const s = changetype<State>(sp);
  const n = st.n;
  // Per unit, its work left (issue to finish) and its first member not yet taken off it; last,
  // the channel's transfers left, by grants seen.
  const left = floats(NU + 1, 0);
  for (let i = 0; i < n; i++) {
    const u = gi(st.unit, i);
    if (u < 0) continue;
    sf(left, u, gf(left, u) + (gf(st.cycles, i) + gf(st.transfer, i)));
    sf(left, NU, gf(left, NU) + gf(st.transfer, i));
  }
  const taken = ints(NU, 0);
  for (let u = 0; u < NU; u++) si(taken, u, gi(st.unitAt, u));
  const tail = tails(stp);
  let channelLeft = gf(left, NU);
  let seen = 0;
  while (true) {
    const pauseAt = s.next + LOOK_EVERY;
    const r = run(stp, sp, depths, pauseAt < n ? pauseAt : -1);
    if (r != PAUSED) return r;
    for (; seen < s.grantedLen; seen++) channelLeft -= gf(st.transfer, gi(s.granted, seen));
    const t = s.t;
    // The channel grants its next transfer once free, after t.
    let end = Math.max(t, s.chanFree) + channelLeft * SUM_SLACK;
    for (let u = 0; u < NU && end < stopAt; u++) {
      // A unit issues its members in program order: those up to its last issued op are begun,
      // and the next starts once that one has finished (a DMA at least its transfer after its
      // request).
      const last = gi(s.unitLast, u);
      const stop = gi(st.unitAt, u + 1);
      for (let m = gi(taken, u); m < stop && gi(st.unitMembers, m) <= last; m = gi(taken, u)) {
        const j = gi(st.unitMembers, m);
        sf(left, u, gf(left, u) - (gf(st.cycles, j) + gf(st.transfer, j)));
        si(taken, u, m + 1);
      }
      const free = last < 0 ? t : gf(s.finish, last) < Infinity ? gf(s.finish, last) : gf(s.request, last) + gf(st.transfer, last);
      // Once every member has issued, `free` is (at least) when the last one finishes, whatever
      // t is: some ops after it may have run already, so t does not bound their start.
      if (gi(taken, u) != stop) end = Math.max(end, Math.max(t, free) + (gf(left, u) + gf(tail, u)) * SUM_SLACK);
      else if (last >= 0) end = Math.max(end, free + gf(tail, u) * SUM_SLACK);
    }
    if (end >= stopAt) return STOPPED;
  }
}
