// Errors about one instruction of a program: a DlpError carrying the instruction index and,
// for assembled programs, its source line, so the user can jump to the offending line.
import { DlpError } from '../isa/errors.js';
import type { Program } from '../isa/program.js';

/** `instruction #i: OP message`, prefixed by file:line:column when the program has locations. */
export function instrError(program: Program, index: number, message: string): DlpError {
  const op = program.instrs[index]?.op ?? '';
  const loc = program.locs?.[index];
  const what = `${op} ${message}`.trim();
  if (loc) {
    return new DlpError(`instruction #${index}: ${what}`, { file: loc.file, line: loc.line, column: loc.column, instr: index });
  }
  return new DlpError(what, { instr: index });
}

/** An instruction error whose message already names the op (the ISA rules' wording). */
export function ruleError(program: Program, index: number, message: string): DlpError {
  const loc = program.locs?.[index];
  if (loc) return new DlpError(`instruction #${index}: ${message}`, { file: loc.file, line: loc.line, column: loc.column, instr: index });
  return new DlpError(message, { instr: index });
}
