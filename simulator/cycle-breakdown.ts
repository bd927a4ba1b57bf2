// Where the cycles went: an account along the critical path that sums exactly to `cycles`.
// Starting at HALT (the run ends when it dispatches), the walk asks of each event what it waited
// for, the timing rule that was binding when it happened (docs/simulator.md, "Timing"), and
// steps to that earlier event, charging the cycles in between to one cause:
//   finish of a MATMUL/ACT      ← its issue                  mfu / vfu (the unit computing)
//   finish of a DMA             ← its channel grant           dmaLoad / dmaStore (transfer)
//   channel grant               ← the transfer that held the channel until then (0 cycles),
//                                 else ← its request          dramChannelWait
//   DMA request                 ← its issue                   dramLatency
//   issue                       ← finish of a RAW/WAR/WAW producer, or of the unit's previous
//                                 instruction (0 cycles: a dependency wait is charged to the
//                                 producer's own work), ← the previous issue of its queue
//                                 (issueOrder: one per queue per cycle, in order), ← its dispatch
//   dispatch                    ← the issue that freed its queue slot (queueFull), ← the
//                                 previous dispatch (dispatch: one per cycle, in order)
//   SYNC/HALT dispatch          ← the last finish it drained (0 cycles), ← previous dispatch
// Every step moves back in time or to an event that precedes it causally at the same cycle, so
// the charged intervals tile [0, cycles) exactly. Pure data: the report, the CLI and the browser
// playground all read the same object. A stream without HALT (the compiler replays) is walked
// from its last finish.
import { opsConflict, WORK_UNITS, type Schedule, type TimedOp } from '../isa/schedule.js';

const VFU = WORK_UNITS.indexOf('vfu');

/** The causes, in display order. */
export const CYCLE_CAUSES = [
  'mfu', 'vfu', 'dmaLoad', 'dmaStore', 'dramLatency', 'dramChannelWait', 'queueFull', 'issueOrder', 'dispatch', 'other',
] as const;
export type CycleCause = (typeof CYCLE_CAUSES)[number];

/** For display: a one-letter key (text bars) and what the cause means. */
export const CYCLE_CAUSE_INFO: Record<CycleCause, { key: string; label: string }> = {
  mfu: { key: 'M', label: 'MFU computing (MATMUL)' },
  vfu: { key: 'V', label: 'VFU computing (ACT)' },
  dmaLoad: { key: 'L', label: 'DRAM channel transferring a LOAD' },
  dmaStore: { key: 'S', label: 'DRAM channel transferring a STORE' },
  dramLatency: { key: 'l', label: 'DRAM access latency' },
  dramChannelWait: { key: 'w', label: 'waiting for an idle DRAM channel (fixed grant order)' },
  queueFull: { key: 'q', label: 'dispatch waiting for a queue slot' },
  issueOrder: { key: 'i', label: 'in-order issue, one per queue per cycle' },
  dispatch: { key: 'd', label: 'in-order dispatch, one per cycle' },
  other: { key: '?', label: 'not explained by a timing rule (never expected)' },
};

/**
 * Characters per cause for a stacked bar of `width` characters, by largest remainder so the
 * widths add up to `width` exactly (a cause under half a character may get none).
 */
export function barWidths(b: CycleBreakdown, width: number): CycleBreakdown {
  const sum = CYCLE_CAUSES.reduce((a, c) => a + b[c], 0);
  const out = emptyBreakdown();
  if (sum === 0) return out;
  const exact = CYCLE_CAUSES.map((c) => ({ c, x: (b[c] * width) / sum }));
  let used = 0;
  for (const e of exact) { out[e.c] = Math.floor(e.x); used += out[e.c]; }
  exact.sort((p, q) => (q.x - Math.floor(q.x)) - (p.x - Math.floor(p.x)));
  for (let k = 0; used < width && k < exact.length; k++, used++) out[exact[k]!.c]++;
  return out;
}
/** Cycles per cause; the values sum to the run's cycles. */
export type CycleBreakdown = Record<CycleCause, number>;

export interface CycleAccount {
  total: CycleBreakdown;
  /** Per layer tag (program.instrs[i].layer), each charged with the steps of its own instructions. */
  perLayer: Map<number, CycleBreakdown>;
}

export function emptyBreakdown(): CycleBreakdown {
  return Object.fromEntries(CYCLE_CAUSES.map((c) => [c, 0])) as CycleBreakdown;
}

type Node = { i: number; ev: 'dispatch' | 'issue' | 'request' | 'grant' | 'finish' };

/**
 * Walks the critical path of `sched`. `ops` and `depths` are what the schedule was computed from;
 * `layerOf(i)` tags the instruction whose step is charged; `dmaStore(i)` tells a STORE from a LOAD.
 */
export function cycleAccount(
  ops: readonly TimedOp[], sched: Schedule, depths: readonly number[],
  layerOf: (i: number) => number, isStore: (i: number) => boolean,
): CycleAccount {
  const n = ops.length;
  const total = emptyBreakdown();
  const perLayer = new Map<number, CycleBreakdown>();
  const { dispatch, issue, request, grant, finish } = sched;

  // Per instruction: the previous member of its queue, of its unit, and the member `depth`
  // places earlier in its queue (whose issue frees the slot it dispatches into).
  const prevQ = new Int32Array(n).fill(-1);
  const prevU = new Int32Array(n).fill(-1);
  const slotFrom = new Int32Array(n).fill(-1);
  const members: number[][] = depths.map(() => []);
  const lastOfUnit = new Map<number, number>();
  ops.forEach((op, i) => {
    if (op.queue < 0 || issue[i]! < 0) return;
    const m = members[op.queue]!;
    if (m.length > 0) prevQ[i] = m[m.length - 1]!;
    const d = depths[op.queue]!;
    if (m.length >= d) slotFrom[i] = m[m.length - d]!;
    m.push(i);
    const u = lastOfUnit.get(op.unit);
    if (u !== undefined) prevU[i] = u;
    lastOfUnit.set(op.unit, i);
  });
  // Work instructions by finish time, to find which one ended at a given cycle.
  const finishing = new Map<number, number[]>();
  ops.forEach((op, i) => {
    if (op.queue < 0 || !Number.isFinite(finish[i]!)) return;
    const list = finishing.get(finish[i]!);
    if (list) list.push(i); else finishing.set(finish[i]!, [i]);
  });

  const charge = (i: number, cause: CycleCause, from: number, to: number): void => {
    if (to <= from) return;
    total[cause] += to - from;
    const tag = layerOf(i);
    let b = perLayer.get(tag);
    if (!b) perLayer.set(tag, (b = emptyBreakdown()));
    b[cause] += to - from;
  };
  const at = (node: Node): number => {
    switch (node.ev) {
      case 'dispatch': return dispatch[node.i]!;
      case 'issue': return issue[node.i]!;
      case 'request': return request[node.i]!;
      case 'grant': return grant[node.i]!;
      case 'finish': return finish[node.i]!;
    }
  };

  /** The earlier event the given one waited for, charging the interval between them. */
  const step = (node: Node): Node | undefined => {
    const { i } = node;
    const op = ops[i]!;
    const t = at(node);
    switch (node.ev) {
      case 'finish':
        if (op.kind === 'dma') {
          charge(i, isStore(i) ? 'dmaStore' : 'dmaLoad', grant[i]!, t);
          return { i, ev: 'grant' };
        }
        charge(i, op.unit === VFU ? 'vfu' : 'mfu', issue[i]!, t);
        return { i, ev: 'issue' };
      case 'grant': {
        if (t > request[i]!) {
          // The channel was held by a transfer ending now (a 0-cycle step into its work).
          const holder = (finishing.get(t) ?? []).find((j) => j !== i && ops[j]!.kind === 'dma' && grant[j]! < t);
          if (holder !== undefined) return { i: holder, ev: 'finish' };
          charge(i, 'dramChannelWait', request[i]!, t);
        }
        return { i, ev: 'request' };
      }
      case 'request':
        charge(i, 'dramLatency', issue[i]!, t);
        return { i, ev: 'issue' };
      case 'issue': {
        if (op.queue < 0) return { i, ev: 'dispatch' };
        // A producer (RAW/WAR/WAW) that was in flight at dispatch and finished now.
        const producer = (finishing.get(t) ?? []).find((j) => j < i && finish[j]! > dispatch[i]!
          && opsConflict(ops[j]!, op));
        if (producer !== undefined) return { i: producer, ev: 'finish' };
        const pu = prevU[i]!;
        if (pu >= 0 && finish[pu]! === t) return { i: pu, ev: 'finish' };
        const pq = prevQ[i]!;
        if (pq >= 0 && issue[pq]! + 1 === t && t > dispatch[i]!) {
          charge(i, 'issueOrder', issue[pq]!, t);
          return { i: pq, ev: 'issue' };
        }
        if (dispatch[i]! < t) charge(i, 'other', dispatch[i]!, t);
        return { i, ev: 'dispatch' };
      }
      case 'dispatch': {
        if (op.kind === 'sync' || op.kind === 'halt') {
          const drained = (finishing.get(t) ?? []).filter((j) => j < i).pop();
          if (drained !== undefined) return { i: drained, ev: 'finish' };
        }
        const s = slotFrom[i]!;
        if (s >= 0 && issue[s]! + 1 === t) {
          charge(i, 'queueFull', issue[s]!, t);
          return { i: s, ev: 'issue' };
        }
        if (i === 0) {
          charge(i, 'other', 0, t);
          return undefined;
        }
        const prev = dispatch[i - 1]!;
        if (prev + 1 === t) {
          charge(i, 'dispatch', prev, t);
          return { i: i - 1, ev: 'dispatch' };
        }
        // Not explained by a rule above (should not happen): keep the account whole.
        charge(i, 'other', prev, t);
        return { i: i - 1, ev: 'dispatch' };
      }
    }
  };

  /** A stream without HALT (the compiler's replays) ends when the last work finishes, or one
   * cycle after the last dispatch. */
  function endWithoutHalt(): Node | undefined {
    const T = sched.cycles;
    const last = (finishing.get(T) ?? []).pop();
    if (last !== undefined) return { i: last, ev: 'finish' };
    if (n > 0 && dispatch[n - 1]! + 1 === T) {
      charge(n - 1, 'dispatch', T - 1, T);
      return { i: n - 1, ev: 'dispatch' };
    }
    if (T > 0) charge(Math.max(0, n - 1), 'other', 0, T);
    return undefined;
  }

  const halt = ops.findIndex((op) => op.kind === 'halt');
  let node: Node | undefined = halt >= 0 ? { i: halt, ev: 'dispatch' } : endWithoutHalt();
  while (node && at(node) > 0) node = step(node);
  return { total, perLayer };
}

/** Sum of a breakdown's cycles. */
export function breakdownCycles(b: CycleBreakdown): number {
  return CYCLE_CAUSES.reduce((a, c) => a + b[c], 0);
}
