// What the simulator checks before anything runs, on top of the ISA's own rules
// (isa/validate.ts: field ranges, alignment, pitches, type combinations, the HALT rule), which
// it applies unchanged: the hardware's limits — every operand inside its memory's capacity —
// and the operand overlaps one instruction may not have. Each failure names the instruction.
import { DTYPE_BYTES, type Instr } from '../isa/spec.js';
import type { Program } from '../isa/program.js';
import type { HardwareConfig } from '../isa/hardware.js';
import { checkInstr, findHaltIssue } from '../isa/validate.js';
import { type Footprint, type Span, footprintOf, spanEnd, spansEqual, spansOverlap } from '../isa/footprint.js';
import { instrError, ruleError } from './errors.js';

const hex = (n: number): string => `0x${n.toString(16)}`;

function capacityOf(hw: HardwareConfig, span: Span): number {
  return span.space === 'dram' ? hw.dram.capacityBytes : hw[span.space].bytes;
}

function checkCapacity(hw: HardwareConfig, span: Span): string | undefined {
  const cap = capacityOf(hw, span);
  const end = spanEnd(span);
  if (span.start < 0 || end > cap) {
    return `${span.operand} ${span.space}[${hex(span.start)}..${hex(end)}) is out of range (${span.space} has ${cap} bytes)`;
  }
  return undefined;
}

/** checkCapacity's first complaint about `spans`, in order. */
function firstCapacityProblem(hw: HardwareConfig, spans: readonly Span[]): string | undefined {
  // Indexed loops here and below: this runs once per instruction, cold, where for-of pays for
  // an iterator per loop.
  for (let k = 0; k < spans.length; k++) {
    const problem = checkCapacity(hw, spans[k]!);
    if (problem) return problem;
  }
  return undefined;
}

/** Operand overlaps that are illegal within one instruction. */
function checkOverlaps(instr: Instr, fp: Footprint): string | undefined {
  const find = (name: string) => fp.reads.find((s) => s.operand === name) ?? fp.writes.find((s) => s.operand === name);
  if (instr.op === 'MATMUL') {
    const out = find('out')!, input = find('in')!;
    if (spansOverlap(out, input)) return 'out overlaps in';
  }
  if (instr.op === 'ACT') {
    const dst = find('dst')!, src = find('src')!, aux = find('aux');
    const sameSize = DTYPE_BYTES[instr.inType] === DTYPE_BYTES[instr.outType];
    if (spansOverlap(dst, src) && !(sameSize && spansEqual(dst, src))) {
      return 'dst partially overlaps src (only exact aliasing with equal element sizes is allowed)';
    }
    if (aux && spansOverlap(dst, aux)) return 'dst overlaps aux';
  }
  return undefined;
}

/** Checks the whole program against the ISA rules and `hw`; returns each instruction's
 * footprint and the highest DRAM byte touched (so the DRAM image can be sized). */
export function checkProgramOnHardware(program: Program, hw: HardwareConfig): { footprints: Footprint[]; dramEnd: number } {
  const { instrs } = program;
  if (instrs.length === 0) throw instrError(program, 0, 'program is empty (every program must end with HALT)');
  const footprints: Footprint[] = [];
  let dramEnd = 0;
  const halt = findHaltIssue(instrs);
  for (let i = 0; i < instrs.length; i++) {
    const instr = instrs[i]!;
    if (halt && halt.index === i) throw ruleError(program, i, halt.reason);
    const issue = checkInstr(instr);
    if (issue) throw ruleError(program, i, issue.reason);
    const fp = footprintOf(instr);
    const problem = firstCapacityProblem(hw, fp.reads) ?? firstCapacityProblem(hw, fp.writes) ?? checkOverlaps(instr, fp);
    if (problem) throw instrError(program, i, problem);
    for (let k = 0; k < fp.reads.length; k++) if (fp.reads[k]!.space === 'dram') dramEnd = Math.max(dramEnd, spanEnd(fp.reads[k]!));
    for (let k = 0; k < fp.writes.length; k++) if (fp.writes[k]!.space === 'dram') dramEnd = Math.max(dramEnd, spanEnd(fp.writes[k]!));
    footprints.push(fp);
  }
  return { footprints, dramEnd };
}
