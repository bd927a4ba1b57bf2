// Load hoisting: a LOAD is moved up the instruction stream past the MATMUL / ACT / STORE
// instructions before it that it does not conflict with (no shared bytes read or written).
// The machine dispatches in program order into depth-limited queues, so a LOAD written after
// the previous step's compute waits for that compute to dispatch; when the compute queue is
// full, the DMA idles although the LOAD's double-buffer slot is already free. Hoisted, the
// LOAD enters the load queue one step earlier (software pipelining) and the scoreboard still
// orders it after every earlier instruction that touches its bytes. Results are unchanged:
// only instructions with disjoint footprints trade places, and LOADs keep their own order.
import type { Instr } from '../../isa/spec.js';
import type { HardwareConfig } from '../../isa/hardware.js';
import { hoistedOrder, opsCycles, prepareOps, type TimedOp } from '../../isa/schedule.js';

/** Most instructions one LOAD moves past: a step's compute and stores, not a whole loop. */
const WINDOW = 24;

/** The stream with every LOAD hoisted as far as its footprint allows (within WINDOW, never
 * past another LOAD, a SYNC or the start); `ops`, prepared on `hw`, may be given. */
export function hoistLoads(instrs: readonly Instr[], hw: HardwareConfig, ops = prepareOps(instrs, hw)): Instr[] {
  return hoistOrder(ops).map((i) => instrs[i]!);
}

/** hoistLoads as positions into the stream whose prepared ops are `ops`, so a caller holding
 * per-instruction data (timed ops) can reorder it alongside (the engine places each LOAD:
 * isa/schedule.ts, hoistedOrder). */
export function hoistOrder(ops: readonly TimedOp[]): number[] {
  return hoistedOrder(ops, WINDOW);
}

/** Which of a stream's two load orders runs: as emitted, or with loads hoisted (hoistLoads). */
export type LoadOrder = 'emitted' | 'hoisted';

/** The faster of the stream as emitted and hoisted, by replay, with its cycles. Hoisting is
 * usually faster but not always (an early LOAD can take the DRAM channel from a STORE the next
 * step waits for); ties keep the hoisted order. */
export function fasterLoadOrder(instrs: Instr[], hw: HardwareConfig): { instrs: Instr[]; cycles: number; order: LoadOrder } {
  const s = loadOrders(instrs, hw);
  const early = opsCycles(s.hoisted, hw);
  // The emitted order matters only if it is faster: its replay may stop once it is not.
  const plain = opsCycles(s.plain, hw, early);
  return early <= plain ? { instrs: s.order.map((i) => instrs[i]!), cycles: early, order: 'hoisted' } : { instrs, cycles: plain, order: 'emitted' };
}

/** What replaying a stream in both load orders needs, each computed once: its instructions'
 * timed ops in emitted order (`plain`), and the hoisted order as positions (`order`) and as
 * timed ops (`hoisted`). A caller that has either already (e.g. shared with a longer stream)
 * passes it. */
export interface LoadOrders { plain: TimedOp[]; order: number[]; hoisted: TimedOp[] }

export function loadOrders(instrs: readonly Instr[], hw: HardwareConfig, plain = prepareOps(instrs, hw), order = hoistOrder(plain)): LoadOrders {
  return { plain, order, hoisted: order.map((i) => plain[i]!) };
}
