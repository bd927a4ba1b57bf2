// The one error type of dlpkit: every user-facing failure (assembly, model files, hardware
// files, invalid programs) is a DlpError with an optional location, printed as one line.

export interface ErrorLoc {
  file?: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** Index of the offending instruction in its program. */
  instr?: number;
}

export class DlpError extends Error {
  override readonly name = 'DlpError';
  constructor(
    /** The message without the location prefix. */
    readonly reason: string,
    readonly loc: ErrorLoc = {},
    /** A source excerpt with a caret, when available (shown under the one-line message). */
    readonly excerpt?: string,
  ) {
    super(formatMessage(reason, loc));
  }
}

function formatMessage(message: string, loc: ErrorLoc): string {
  const where: string[] = [];
  if (loc.file !== undefined) where.push(loc.file);
  if (loc.line !== undefined) where.push(String(loc.line));
  if (loc.line !== undefined && loc.column !== undefined) where.push(String(loc.column));
  const prefix = where.length ? `${where.join(':')}: ` : '';
  const instr = loc.instr !== undefined && loc.line === undefined ? `instruction #${loc.instr}: ` : '';
  return `${prefix}${instr}${message}`;
}

/** Builds the `line | text` excerpt with a caret under `column` (both 1-based). */
export function caretExcerpt(source: string, line: number, column: number): string {
  const text = source.split(/\r?\n/)[line - 1] ?? '';
  const gutter = `${line} | `;
  return `${gutter}${text}\n${' '.repeat(gutter.length + Math.max(0, column - 1))}^`;
}
