// The tick-by-tick reference model: the timing rules of docs/simulator.md applied one cycle at
// a time, as naively as possible (hazards by enumerating bytes, queue occupancy by scanning the
// whole program every cycle). It exists only to prove the event-driven model exact.
import { footprintOf, type Span } from '../../isa/footprint.js';
import type { Stalls, TimedOp } from '../../isa/schedule.js';

export interface TickSchedule {
  cycles: number;
  dispatch: number[];
  issue: number[];
  finish: number[];
  stalls: Stalls;
  unitBusy: number[];
}

function bytesOf(spans: Span[]): Set<string> {
  const set = new Set<string>();
  for (const s of spans) {
    for (let r = 0; r < s.rows; r++) {
      for (let b = 0; b < s.rowBytes; b++) set.add(`${s.space}:${s.start + r * s.pitch + b}`);
    }
  }
  return set;
}

const meet = (a: Set<string>, b: Set<string>): boolean => [...a].some((x) => b.has(x));

export function tickSchedule(ops: TimedOp[], depths: number[], maxCycles = 1_000_000): TickSchedule {
  const n = ops.length;
  const reads = ops.map((op) => bytesOf(footprintOf(op.instr).reads));
  const writes = ops.map((op) => bytesOf(footprintOf(op.instr).writes));
  const conflict = (j: number, i: number): boolean =>
    meet(writes[j]!, reads[i]!) || meet(writes[j]!, writes[i]!) || meet(reads[j]!, writes[i]!);
  const d = new Array<number>(n).fill(-1), s = new Array<number>(n).fill(-1);
  const req = new Array<number>(n).fill(-1), g = new Array<number>(n).fill(-1);
  const f = new Array<number>(n).fill(Infinity);
  const stalls: Stalls = { hazard: 0, queueFull: 0, dram: 0, sync: 0 };
  const lastIssue = [-1, -1, -1];
  let next = 0, lastD = -1, channelBusyUntil = 0;

  for (let t = 0; t < maxCycles; t++) {
    const complete = (j: number): boolean => f[j]! <= t;
    // dispatch
    if (next < n && t >= lastD + 1) {
      const op = ops[next]!;
      if (op.kind === 'sync' || op.kind === 'halt') {
        let drained = true;
        for (let j = 0; j < next; j++) if (!complete(j)) drained = false;
        if (drained) {
          d[next] = s[next] = f[next] = t;
          lastD = t;
          if (op.kind === 'halt') {
            const unitBusy = [0, 0, 0, 0];
            ops.forEach((o, i) => { if (o.unit >= 0) unitBusy[o.unit]! += f[i]! - s[i]!; });
            return { cycles: t, dispatch: d, issue: s, finish: f, stalls, unitBusy };
          }
          next++;
        } else {
          stalls.sync++;
        }
      } else {
        let waiting = 0;
        for (let j = 0; j < next; j++) if (ops[j]!.queue === op.queue && d[j]! >= 0 && s[j]! < 0) waiting++;
        if (waiting < depths[op.queue]!) {
          d[next] = t;
          lastD = t;
          next++;
        } else {
          stalls.queueFull++;
        }
      }
    }
    // issue
    for (let q = 0; q < 3; q++) {
      let head = -1;
      for (let j = 0; j < n && head < 0; j++) if (ops[j]!.queue === q && d[j]! >= 0 && s[j]! < 0) head = j;
      if (head < 0 || lastIssue[q] === t) continue;
      const op = ops[head]!;
      let unitBusy = false;
      for (let j = 0; j < n; j++) if (ops[j]!.unit === op.unit && s[j]! >= 0 && !complete(j)) unitBusy = true;
      if (unitBusy) continue;
      let hazard = false;
      for (let j = 0; j < head; j++) if (!complete(j) && conflict(j, head)) hazard = true;
      if (hazard) { stalls.hazard++; continue; }
      s[head] = t;
      lastIssue[q] = t;
      if (op.kind === 'dma') req[head] = t + op.cycles;
      else f[head] = t + op.cycles;
    }
    // the DRAM channel
    const asking: number[] = [];
    for (let j = 0; j < n; j++) if (req[j]! >= 0 && req[j]! <= t && g[j]! < 0) asking.push(j);
    asking.sort((a, b) => req[a]! - req[b]! || a - b);
    if (channelBusyUntil <= t && asking.length > 0) {
      const j = asking.shift()!;
      g[j] = t;
      f[j] = channelBusyUntil = t + ops[j]!.transfer;
    }
    stalls.dram += asking.length;
  }
  throw new Error('tick model did not halt');
}
