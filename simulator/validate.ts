// Static checks of a program against a hardware config, before anything runs: every
// instruction's operands in range and aligned, legal operand overlaps, supported type
// combinations, and exactly one HALT at the end. Each failure names the instruction.
import { DTYPE_BYTES, type Instr } from '../isa/spec.js';
import type { Program } from '../isa/program.js';
import type { HardwareConfig } from '../isa/hardware.js';
import { type Footprint, type Span, footprintOf, spanEnd, spansEqual, spansOverlap } from '../isa/footprint.js';
import { instrError } from './errors.js';

const hex = (n: number): string => `0x${n.toString(16)}`;

function capacityOf(hw: HardwareConfig, span: Span): number {
  return span.space === 'dram' ? hw.dram.capacityBytes : hw[span.space].bytes;
}

/** Field-level rules the footprint cannot express: pitches, strides, types, constants. */
function checkFields(instr: Instr): string | undefined {
  switch (instr.op) {
    case 'LOAD':
    case 'STORE': {
      const rowBytes = instr.cols * DTYPE_BYTES[instr.dtype];
      if (instr.pitch < instr.cols) return `pitch ${instr.pitch} is less than cols ${instr.cols}`;
      if (instr.rows > 1 && instr.stride < rowBytes) return `stride ${instr.stride} is less than a row (${rowBytes} bytes)`;
      if (instr.stride % DTYPE_BYTES[instr.dtype] !== 0) return `stride ${instr.stride} is not a multiple of the ${instr.dtype} size`;
      return undefined;
    }
    case 'MATMUL':
      if (instr.dtype === 'int32') return 'dtype int32 is not supported (int8, int16 or fp32)';
      if (instr.outPitch < instr.n) return `outPitch ${instr.outPitch} is less than n ${instr.n}`;
      if (instr.inPitch < instr.k) return `inPitch ${instr.inPitch} is less than k ${instr.k}`;
      if (instr.wPitch < instr.n) return `wPitch ${instr.wPitch} is less than n ${instr.n}`;
      return undefined;
    case 'ACT':
      if (instr.func === 'softmax' && instr.outType !== 'fp32') return `softmax needs outType fp32, not ${instr.outType}`;
      if (instr.dstPitch < instr.cols) return `dstPitch ${instr.dstPitch} is less than cols ${instr.cols}`;
      if (instr.srcPitch < instr.cols) return `srcPitch ${instr.srcPitch} is less than cols ${instr.cols}`;
      if (instr.mult > 32767 || instr.mult < 0) return `mult ${instr.mult} is out of range (0..32767)`;
      if (instr.shift > 47 || instr.shift < 0) return `shift ${instr.shift} is out of range (0..47)`;
      if (instr.func === 'leaky' && !(Math.abs(instr.alpha) <= 64)) return `leaky alpha ${instr.alpha} is out of range (|alpha| <= 64)`;
      return undefined;
    default:
      return undefined;
  }
}

/** Element size a span's operand is accessed with (for alignment). */
function elementSize(instr: Instr, span: Span): number {
  switch (instr.op) {
    case 'LOAD':
    case 'STORE': return DTYPE_BYTES[instr.dtype];
    case 'MATMUL': return span.operand === 'out' ? 4 : DTYPE_BYTES[instr.dtype];
    case 'ACT': return span.operand === 'aux' ? 4 : DTYPE_BYTES[span.operand === 'src' ? instr.inType : instr.outType];
    default: return 1;
  }
}

function checkSpan(hw: HardwareConfig, instr: Instr, span: Span): string | undefined {
  const cap = capacityOf(hw, span);
  const end = spanEnd(span);
  if (span.start < 0 || end > cap) {
    return `${span.operand} ${span.space}[${hex(span.start)}..${hex(end)}) is out of range (${span.space} has ${cap} bytes)`;
  }
  const size = elementSize(instr, span);
  if (span.start % size !== 0) return `${span.operand} address ${hex(span.start)} is not aligned to ${size} bytes`;
  return undefined;
}

/** Operand overlaps that are illegal within one instruction. */
function checkOverlaps(instr: Instr, fp: Footprint): string | undefined {
  const find = (name: string) => [...fp.reads, ...fp.writes].find((s) => s.operand === name);
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

/** Validates the whole program; returns each instruction's footprint and the highest DRAM
 * byte touched (so the DRAM image can be sized). */
export function validateProgram(program: Program, hw: HardwareConfig): { footprints: Footprint[]; dramEnd: number } {
  const { instrs } = program;
  if (instrs.length === 0) throw instrError(program, 0, 'program is empty (every program must end with HALT)');
  const footprints: Footprint[] = [];
  let dramEnd = 0;
  for (let i = 0; i < instrs.length; i++) {
    const instr = instrs[i]!;
    if (i > 0 && instrs[i - 1]!.op === 'HALT') throw instrError(program, i, 'follows HALT (HALT must be the last instruction)');
    const fp = footprintOf(instr);
    const problem = checkFields(instr)
      ?? [...fp.reads, ...fp.writes].map((s) => checkSpan(hw, instr, s)).find((m) => m !== undefined)
      ?? checkOverlaps(instr, fp);
    if (problem) throw instrError(program, i, problem);
    for (const s of [...fp.reads, ...fp.writes]) if (s.space === 'dram') dramEnd = Math.max(dramEnd, spanEnd(s));
    footprints.push(fp);
  }
  const last = instrs.length - 1;
  if (instrs[last]!.op !== 'HALT') throw instrError(program, last, 'is the last instruction but the program has no HALT');
  return { footprints, dramEnd };
}
