// The cost model's exact path: replays an emitted instruction stream on the machine's timing
// rules (docs/simulator.md, "Timing rules") without executing anything. The analytic model in
// cost.ts ranks thousands of candidate plans in microseconds but cannot see the in-order
// dispatch, queue-depth and channel-arbitration effects that decide short pipelines (one output
// step of many k-tiles, small batches); the replay sees them. The compiler may not import the
// simulator, so this mirrors its rules with two simplifications: footprints are bounding byte
// ranges per operand (codegen's buffers are disjoint slots, so this adds no false conflicts
// that matter), and the DRAM channel is granted in program order among requests already made,
// placed into the first gap of the channel's timeline that holds it, which differs from the
// simulator only when two transfers contend and the later-placed one requested first.
import { DTYPE_BYTES, ISA, type Instr } from '../../isa/spec.js';
import type { HardwareConfig } from '../../isa/hardware.js';
import { actCycles, channelGrant, dmaTransferCycles, matmulCycles, type MatmulDType } from '../../isa/timing.js';

const SPACE = { dram: 0, nram: 1, wram: 2 } as const;

/** Bounding byte ranges one instruction reads and writes: [space, lo, hi) triples, flat. */
export interface Ranges { reads: number[]; writes: number[] }

function box(out: number[], space: number, start: number, rows: number, rowBytes: number, pitchBytes: number): void {
  out.push(space, start, start + (rows - 1) * pitchBytes + rowBytes);
}

export function rangesOf(i: Instr): Ranges {
  const reads: number[] = [];
  const writes: number[] = [];
  switch (i.op) {
    case 'LOAD': {
      const eb = DTYPE_BYTES[i.dtype];
      box(reads, SPACE.dram, i.src, i.rows, i.cols * eb, i.stride);
      box(writes, SPACE[i.space], i.dst, i.rows, i.cols * eb, i.pitch * eb);
      break;
    }
    case 'STORE': {
      const eb = DTYPE_BYTES[i.dtype];
      box(reads, SPACE.nram, i.src, i.rows, i.cols * eb, i.pitch * eb);
      box(writes, SPACE.dram, i.dst, i.rows, i.cols * eb, i.stride);
      break;
    }
    case 'MATMUL': {
      const eb = DTYPE_BYTES[i.dtype];
      box(reads, SPACE.nram, i.in, i.m, i.k * eb, i.inPitch * eb);
      box(reads, SPACE.wram, i.w, i.k, i.n * eb, i.wPitch * eb);
      if (i.acc) box(reads, SPACE.nram, i.out, i.m, i.n * 4, i.outPitch * 4);
      box(writes, SPACE.nram, i.out, i.m, i.n * 4, i.outPitch * 4);
      break;
    }
    case 'ACT': {
      const ie = DTYPE_BYTES[i.inType];
      const oe = DTYPE_BYTES[i.outType];
      box(reads, SPACE.nram, i.src, i.rows, i.cols * ie, i.srcPitch * ie);
      // Biases, then PReLU slopes right after them (docs/isa.md, actAuxBytes).
      if (i.bias || i.func === 'prelu') box(reads, SPACE.nram, i.aux, 1, i.cols * 4 * ((i.bias ? 1 : 0) + (i.func === 'prelu' ? 1 : 0)), 0);
      box(writes, SPACE.nram, i.dst, i.rows, i.cols * oe, i.dstPitch * oe);
      break;
    }
    default:
      break;
  }
  return { reads, writes };
}

function meets(a: number[], b: number[]): boolean {
  for (let x = 0; x < a.length; x += 3) {
    for (let y = 0; y < b.length; y += 3) {
      if (a[x] === b[y] && a[x + 1]! < b[y + 2]! && b[y + 1]! < a[x + 2]!) return true;
    }
  }
  return false;
}

/** RAW, WAR or WAW between two instructions' ranges. */
export function conflicts(a: Ranges, b: Ranges): boolean {
  return meets(a.writes, b.reads) || meets(a.writes, b.writes) || meets(a.reads, b.writes);
}

/** Predicted cycles of a program: the cycle its HALT would dispatch. An event-driven port of
 * the simulator's scheduler: dispatch in order into depth-limited queues, in-order issue per
 * queue when the unit is idle and no earlier incomplete instruction conflicts, and the shared
 * DRAM channel granting the earliest request (ties: program order). */
export function replayCycles(instrs: readonly Instr[], hw: HardwareConfig): number {
  const n = instrs.length;
  const depth = [hw.queues.load, hw.queues.compute, hw.queues.store];
  const lat = hw.dram.latencyCycles;
  const issue = new Float64Array(n).fill(-1);
  const request = new Float64Array(n).fill(-1);
  const finish = new Float64Array(n).fill(Infinity);
  const cost = new Float64Array(n);
  const queueOf = new Int8Array(n).fill(-1);
  const ranges: Ranges[] = new Array(n);
  const members: number[][] = [[], [], []];
  instrs.forEach((ins, i) => {
    if (ins.op === 'SYNC' || ins.op === 'HALT') return;
    const q = ISA[ins.op].queue === 'load' ? 0 : ISA[ins.op].queue === 'compute' ? 1 : 2;
    queueOf[i] = q;
    members[q]!.push(i);
    ranges[i] = rangesOf(ins);
    if (ins.op === 'LOAD' || ins.op === 'STORE') cost[i] = dmaTransferCycles(hw, ins.rows, ins.cols * DTYPE_BYTES[ins.dtype], ins.stride);
    else if (ins.op === 'MATMUL') cost[i] = matmulCycles(hw, ins.m, ins.k, ins.n, ins.dtype as MatmulDType, ins.swap === 1);
    else if (ins.op === 'ACT') cost[i] = actCycles(hw, ins.rows, ins.cols, ins.func);
  });
  const head = [0, 0, 0];
  const tail = [0, 0, 0];
  const lastIssue = [-Infinity, -Infinity, -Infinity];
  // Units: dma-in, mfu, vfu, dma-out (the compute queue feeds two units).
  const unitLast = [-1, -1, -1, -1];
  const unitOf = (i: number) => (instrs[i]!.op === 'LOAD' ? 0 : instrs[i]!.op === 'MATMUL' ? 1 : instrs[i]!.op === 'ACT' ? 2 : 3);
  const deps: number[][] = new Array(n);
  let inflight: number[] = [];
  const pending: number[] = [];
  let chanFree = 0;
  let next = 0;
  let lastDispatch = -1;
  let t = 0;
  const done = (j: number) => finish[j]! <= t;
  for (;;) {
    let progressed = false;
    if (t >= lastDispatch + 1) {
      inflight = inflight.filter((j) => !done(j));
      if (next >= n || instrs[next]!.op === 'SYNC' || instrs[next]!.op === 'HALT') {
        if (inflight.length === 0) {
          if (next >= n - 1) return t;
          issue[next] = finish[next] = t;
          lastDispatch = t;
          next++;
          progressed = true;
        }
      } else {
        const q = queueOf[next]!;
        if (tail[q]! - head[q]! < depth[q]!) {
          const r = ranges[next]!;
          deps[next] = inflight.filter((j) => ranges[j] !== undefined && conflicts(ranges[j]!, r));
          inflight.push(next);
          tail[q]!++;
          lastDispatch = t;
          next++;
          progressed = true;
        }
      }
    }
    for (let q = 0; q < 3; q++) {
      if (head[q]! >= tail[q]! || lastIssue[q]! >= t) continue;
      const i = members[q]![head[q]!]!;
      const u = unitOf(i);
      const prev = unitLast[u]!;
      if (prev >= 0 && !done(prev)) continue;
      if (deps[i]!.some((j) => !done(j))) continue;
      issue[i] = t;
      head[q]!++;
      lastIssue[q] = t;
      unitLast[u] = i;
      progressed = true;
      if (u === 0 || u === 3) {
        request[i] = t + lat;
        pending.push(i);
      } else {
        finish[i] = t + cost[i]!;
      }
    }
    if (chanFree <= t && pending.length > 0) {
      const best = channelGrant(pending, request, t);
      if (best >= 0) {
        const j = pending.splice(best, 1)[0]!;
        finish[j] = chanFree = t + cost[j]!;
        progressed = true;
      }
    }
    if (progressed) {
      t++;
      continue;
    }
    let nt = lastDispatch + 1 > t ? lastDispatch + 1 : Infinity;
    for (const j of inflight) if (finish[j]! > t && finish[j]! < nt) nt = finish[j]!;
    for (const j of pending) if (request[j]! > t && request[j]! < nt) nt = request[j]!;
    if (pending.length > 0 && chanFree > t && chanFree < nt) nt = chanFree;
    if (nt === Infinity) return t; // cannot happen for codegen's programs
    t = nt;
  }
}
