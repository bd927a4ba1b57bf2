// Chrome trace-event / Perfetto output: one track (thread) per unit plus one for the shared
// DRAM channel, one complete ("X") slice per instruction carrying its operands, so load,
// compute and store overlap is visible in ui.perfetto.dev. Timestamps are microseconds of
// simulated time; every slice also carries its start and end cycle.
import type { HardwareConfig } from '../isa/hardware.js';
import type { Program } from '../isa/program.js';
import type { Schedule, TimedOp } from '../isa/schedule.js';
import { WORK_UNITS } from '../isa/schedule.js';

export interface TraceEvent {
  name: string;
  ph: 'X' | 'M';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  args?: Record<string, unknown>;
}

const CHANNEL_TID = WORK_UNITS.length + 1;

/** Builds the trace events of one simulated run. */
export function buildTrace(program: Program, hw: HardwareConfig, ops: readonly TimedOp[], sched: Schedule): TraceEvent[] {
  const us = (cycle: number): number => (cycle * 1e6) / hw.clockHz;
  const events: TraceEvent[] = [
    { name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: `dlpkit ${hw.name}` } },
    ...WORK_UNITS.map((u, k) => ({ name: 'thread_name', ph: 'M' as const, pid: 1, tid: k + 1, args: { name: u } })),
    { name: 'thread_name', ph: 'M', pid: 1, tid: CHANNEL_TID, args: { name: 'dram-channel' } },
  ];
  program.instrs.forEach((instr, i) => {
    const op = ops[i]!;
    if (op.unit < 0) return;
    const layer = program.layerNames[instr.layer] ?? (instr.layer ? `layer ${instr.layer}` : undefined);
    const { op: name, ...operands } = instr;
    const start = sched.issue[i]!, end = sched.finish[i]!;
    events.push({
      name, ph: 'X', pid: 1, tid: op.unit + 1, ts: us(start), dur: us(end - start), cat: layer ?? 'program',
      args: { index: i, ...operands, dispatchCycle: sched.dispatch[i], startCycle: start, endCycle: end },
    });
    if (op.kind === 'dma') {
      const g = sched.grant[i]!;
      events.push({
        name: `${name} #${i}`, ph: 'X', pid: 1, tid: CHANNEL_TID, ts: us(g), dur: us(end - g), cat: 'dram',
        args: { index: i, requestCycle: sched.request[i], grantCycle: g, endCycle: end },
      });
    }
  });
  return events;
}

/** Serialises events as a Chrome trace JSON object. */
export function traceToJson(events: readonly TraceEvent[]): string {
  return JSON.stringify({ traceEvents: events, displayTimeUnit: 'ns' });
}
