// Public face of the isa layer (browser-safe: no Node APIs; file helpers are in node.ts): the
// spec, program types, errors, hardware configs, and the assembler / printer / encoder / decoder / validator / DRAM image builder.
export * from './spec.js';
export * from './program.js';
export * from './errors.js';
export * from './hardware.js';
export { assemble, REGION_ALIGN } from './assemble.js';
export { printInstr, printProgram } from './print.js';
export { encodeInstr, decodeInstr, encodeProgram, decodeProgram, FILE_MAGIC, FILE_VERSION, HEADER_BYTES } from './encode.js';
export {
  validateInstr, validateProgram, checkInstr, checkRegion, findRegionOverlap, regionSize, regionElements,
  dtypeRange, INSTR_RULES, type InstrIssue,
} from './validate.js';
export { materializeDram, regionValues, writeElements, dramBytesNeeded } from './image.js';
export { createRng, drawInt } from './rng.js';
export { footprintOf, spansOverlap, visitSpans, type Footprint, type Span, type SpanSink } from './footprint.js';
export { opsConflict, prepareOps, scheduleOps, scheduleCycles, queueDepths, WORK_QUEUES, WORK_UNITS, type Schedule, type Stalls, type TimedOp } from './schedule.js';
export { generateIsaDoc } from './docs.js';
export { formatF32 } from './format.js';
