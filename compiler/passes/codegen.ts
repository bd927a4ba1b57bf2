// Pass 4: code generation. Lays out DRAM (dram-layout.ts: weights, bias/slope vectors, input,
// intermediate activations, output as named regions, and the DRAM image), then emits the loop
// nest of every segment in its loop order (loop-orders.ts) as LOAD / MATMUL / ACT / STORE
// with bias, activation and requantisation fused into ACT (loop-steps.ts). Buffers come from
// plan.ts's allocateSegment, so what the search sized is what runs.
import type { Instr } from '../../isa/spec.js';
import type { HardwareConfig } from '../../isa/hardware.js';
import type { Program } from '../../isa/program.js';
import type { QuantModel } from './quantize.js';
import type { Schedule, SegmentPlan } from './plan.js';
import { layoutDram, timingAddrs, type DramAddrs, type RegionRoles } from './dram-layout.js';
import { loadResidentWeights, openSegment } from './loop-steps.js';
import { emitColsOrder, emitRowsOrder } from './loop-orders.js';

export interface Generated {
  program: Program;
  image: Uint8Array;
  /** Region name per role, for the bundle layout. */
  roles: RegionRoles;
}

/** Compiles a schedule into a program and its DRAM image (`inline`: layoutDram's). */
export function generateProgram(q: QuantModel, sched: Schedule, hw: HardwareConfig, inline = true): Generated {
  const { regions, image, roles, dram } = layoutDram(q, sched, hw, inline);
  const instrs: Instr[] = [];
  const layerNames: Record<number, string> = {};
  q.layers.forEach((L, l) => { layerNames[l + 1] = L.name; });
  const softmaxTag = q.layers.length + 1;
  for (const seg of sched.segments) emitSegment(q, seg, sched.batch, hw, dram, instrs, layerNames, softmaxTag);
  instrs.push({ op: 'HALT', layer: 0 });
  return { program: { instrs, regions, layerNames }, image, roles };
}

/** The instructions of one segment over `rows` batch rows, with DRAM regions laid out
 * without data (no image) for `layoutRows` rows: what the cost model's replay times. Ends
 * with HALT. A rows-order segment appends to `blockEnds`, when given, the number of
 * instructions emitted by the end of each row block. */
export function emitSegmentForTiming(q: QuantModel, seg: SegmentPlan, rows: number, hw: HardwareConfig, layoutRows = rows, blockEnds?: number[]): Instr[] {
  return emitSegmentsForTiming(q, [seg], rows, hw, layoutRows, blockEnds);
}

/** emitSegmentForTiming for consecutive segments (a whole schedule), on timingAddrs' layout. */
export function emitSegmentsForTiming(q: QuantModel, segs: readonly SegmentPlan[], rows: number, hw: HardwareConfig, layoutRows = rows, blockEnds?: number[]): Instr[] {
  const dram = timingAddrs(q, segs, layoutRows);
  const instrs: Instr[] = [];
  for (const seg of segs) emitSegment(q, seg, rows, hw, dram, instrs, {}, q.layers.length + 1, blockEnds);
  instrs.push({ op: 'HALT', layer: 0 });
  return instrs;
}

/** One segment's loop nest: the resident weights first, then its loop order. */
function emitSegment(
  q: QuantModel, seg: SegmentPlan, rows: number, hw: HardwareConfig, dram: DramAddrs,
  out: Instr[], layerNames: Record<number, string>, softmaxTag: number, blockEnds?: number[],
): void {
  const c = openSegment(q, seg, rows, hw, dram, out, layerNames, softmaxTag);
  c.blockEnds = blockEnds;
  loadResidentWeights(c);
  if (seg.order === 'rows') emitRowsOrder(c);
  else emitColsOrder(c);
}
