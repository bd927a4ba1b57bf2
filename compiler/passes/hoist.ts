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
import { footprintOf, footprintsConflict, type Footprint } from '../../isa/footprint.js';
import { scheduleCycles } from '../../isa/schedule.js';

/** Most instructions one LOAD moves past: a step's compute and stores, not a whole loop. */
const WINDOW = 24;

/** The stream with every LOAD hoisted as far as its footprint allows (within WINDOW, never
 * past another LOAD, a SYNC or the start); `footprint` may look up footprints already known. */
export function hoistLoads(instrs: readonly Instr[], footprint: (ins: Instr) => Footprint = footprintOf): Instr[] {
  const out: Instr[] = [];
  // Footprints of the trailing run of non-LOAD instructions in `out` (the only ones a LOAD
  // can pass), aligned with the end of `out`.
  let tail: Footprint[] = [];
  for (const ins of instrs) {
    if (ins.op === 'MATMUL' || ins.op === 'ACT' || ins.op === 'STORE') {
      out.push(ins);
      tail.push(footprint(ins));
      if (tail.length > WINDOW) tail = tail.slice(-WINDOW);
      continue;
    }
    if (ins.op !== 'LOAD') {
      out.push(ins);
      tail = [];
      continue;
    }
    const r = footprint(ins);
    let at = tail.length;
    while (at > 0 && !footprintsConflict(r, tail[at - 1]!)) at--;
    const pos = out.length - (tail.length - at);
    out.splice(pos, 0, ins);
    // Instructions after the hoisted LOAD can no longer be passed by later LOADs.
    tail = tail.slice(at);
  }
  return out;
}

/** The faster of the stream as emitted and hoisted, by replay, with its cycles. Hoisting is
 * usually faster but not always (an early LOAD can take the DRAM channel from a STORE the next
 * step waits for); ties keep the hoisted order. */
export function fasterLoadOrder(instrs: Instr[], hw: HardwareConfig): { instrs: Instr[]; cycles: number } {
  // Each instruction's footprint once, for hoisting and both replays.
  const footprints = instrs.map(footprintOf);
  const at = new Map(instrs.map((ins, i) => [ins, i]));
  const footprint = (ins: Instr): Footprint => footprints[at.get(ins)!]!;
  const hoisted = hoistLoads(instrs, footprint);
  const plain = scheduleCycles(instrs, hw, footprints);
  const early = scheduleCycles(hoisted, hw, hoisted.map(footprint));
  return early <= plain ? { instrs: hoisted, cycles: early } : { instrs, cycles: plain };
}
