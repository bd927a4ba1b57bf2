// Public face of the simulator: run a program on a hardware config, read the report, write
// the trace. Everything else in this folder is internal.
export { simulate, type SimOptions, type SimResult } from './simulate.js';
export type { SimReport, UnitStats, LayerStats, EnergyBreakdown } from './report.js';
export type { Stalls } from '../isa/schedule.js';
export { CYCLE_CAUSES, CYCLE_CAUSE_INFO, barWidths, breakdownCycles, type CycleBreakdown, type CycleCause } from './cycle-breakdown.js';
export { formatCycleBar } from './format.js';
export { formatReport } from './format.js';
export { alignRow, columnWidths, formatBytes, formatInt, formatJoules, formatPercent, formatSeconds, formatTable } from './text-format.js';
export { traceToJson, type TraceEvent } from './trace.js';
export { roundShift } from '../isa/act.js';
export { footprintOf, type Footprint, type Span } from '../isa/footprint.js';
