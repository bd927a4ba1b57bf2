// The fast front end of the assembler: .dlps text → statements, one line at a time. The grammar
// (asm-grammar.ts) stays the single authority on syntax; this file only avoids asking ohm the same
// question twice, because ohm costs ~5 µs per character (and far more per character on one
// big match, whose memo table spans the whole file):
// - The grammar is line-oriented (no rule crosses a line break), so each line is matched on
//   its own with the `Line` rule. A failing line is re-matched, with its line break, by the
//   whole-program rule: that reproduces exactly the position and expected-set of one match
//   over the whole file, because that match can never get past the failing line.
// - Instruction lines that differ only in their number literals (a compiled program has a few
//   dozen such shapes in thousands of lines) share one ohm parse, a template; see `scanShape`
//   for why substituting the literals is exact.
// - The number list of `.region … = data(…)` (up to 2^20 weights) is split by hand when every
//   value is a plain signed literal; ohm still checks the line with a one-value list in its
//   place, and any other spelling goes to ohm whole.
import {
  explainFailure, matchLine, parseAsmWhole, type ExprAst, type InitAst, type OperandAst, type ParseResult, type StatementAst,
} from './asm-semantics.js';

/** How to move an AST parsed from one text into another: positions, and number literals. */
interface Relocation {
  pos(p: number): number;
  num(at: number, value: number): number;
}

/** One ohm parse of an instruction line, reusable for every line with the same shape. */
interface Template {
  stmt: StatementAst;
  /** Start and length of each number literal in the template's own line. */
  starts: number[];
  lengths: number[];
}

/** The number literals of a line (the grammar's `number`, where a token can start) and the
 * line with each replaced by NUL: two lines with the same key differ only in their literals. */
interface Shape {
  key: string;
  starts: number[];
  ends: number[];
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHexDigit = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 11 || c === 12;
/** Characters that may continue an identifier (non-ASCII counts: ohm's `letter` is Unicode). */
const continuesIdent = (c: number): boolean =>
  isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;

/** End of the longest `number` (hexNumber | decNumber, PEG-greedy) at i; i if there is none. */
function scanNumber(s: string, i: number): number {
  if (s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 0x20) === 120 && isHexDigit(s.charCodeAt(i + 2))) {
    let j = i + 3;
    while (isHexDigit(s.charCodeAt(j))) j++;
    return j;
  }
  let j = i;
  while (isDigit(s.charCodeAt(j))) j++;
  if (j === i) return i;
  if (s.charCodeAt(j) === 46 && isDigit(s.charCodeAt(j + 1))) {
    j += 2;
    while (isDigit(s.charCodeAt(j))) j++;
  }
  const e = s.charCodeAt(j);
  if (e === 101 || e === 69) {
    let k = j + 1;
    const sign = s.charCodeAt(k);
    if (sign === 43 || sign === 45) k++;
    if (isDigit(s.charCodeAt(k))) {
      while (isDigit(s.charCodeAt(k))) k++;
      j = k;
    }
  }
  return j;
}

/** The value the semantics give a `number` literal (asm-semantics.ts: hexNumber, decNumber). */
function numberValue(text: string): number {
  const x = text.charCodeAt(1) | 0x20;
  return x === 120 ? Number.parseInt(text.slice(2), 16) : Number(text);
}

/** numberValue of line[at, end), without a substring for short decimal integers (weights). */
function readNumber(line: string, at: number, end: number): number {
  if (end - at > 9) return numberValue(line.slice(at, end));
  let v = 0;
  for (let i = at; i < end; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return numberValue(line.slice(at, end));
    v = v * 10 + d;
  }
  return v;
}

/**
 * Why substituting literals is exact: a literal is taken where an ASCII digit follows a
 * character that cannot continue an identifier, and extends as far as the grammar's `number`
 * would. In instruction syntax every other expression fails on a leading digit, so whatever
 * parsed the template's literal as a `number` leaf parses any other literal in that slot the
 * same way, and the text around it is identical. `buildTemplate` checks the premise: every
 * literal of the template must be a `num` leaf (not, say, inside a comment). NUL cannot
 * appear in a line with a key, so keys cannot collide.
 */
function scanShape(line: string): Shape | undefined {
  const starts: number[] = [];
  const ends: number[] = [];
  let key = '';
  let from = 0;
  for (let i = 0; i < line.length;) {
    const c = line.charCodeAt(i);
    if (c === 0) return undefined;
    if (isDigit(c) && (i === 0 || !continuesIdent(line.charCodeAt(i - 1)))) {
      const end = scanNumber(line, i);
      key += `${line.slice(from, i)}\0`;
      starts.push(i);
      ends.push(end);
      from = i = end;
    } else i++;
  }
  return { key: key + line.slice(from), starts, ends };
}

// ---- relocation of ASTs ----

function relocateExpr(e: ExprAst, r: Relocation): ExprAst {
  switch (e.kind) {
    case 'num': return { kind: 'num', value: r.num(e.at, e.value), at: r.pos(e.at) };
    case 'sym': return { kind: 'sym', name: e.name, at: r.pos(e.at) };
    case 'neg': return { kind: 'neg', arg: relocateExpr(e.arg, r), at: r.pos(e.at) };
    case 'bin': return { kind: 'bin', op: e.op, left: relocateExpr(e.left, r), right: relocateExpr(e.right, r), at: r.pos(e.at) };
  }
}

function relocateOperand(o: OperandAst, r: Relocation): OperandAst {
  const v = o.value;
  return {
    name: o.name, at: r.pos(o.at),
    value: v.kind === 'addr'
      ? { kind: 'addr', space: v.space, spaceAt: r.pos(v.spaceAt), expr: relocateExpr(v.expr, r), at: r.pos(v.at) }
      : { kind: 'expr', expr: relocateExpr(v.expr, r), at: r.pos(v.at) },
  };
}

function relocateInit(i: InitAst, r: Relocation): InitAst {
  if (i.kind === 'zero') return { kind: 'zero', at: r.pos(i.at) };
  if (i.kind === 'data') return { kind: 'data', values: i.values.map((e) => relocateExpr(e, r)), at: r.pos(i.at) };
  if (i.kind === 'numbers') return { kind: 'numbers', values: i.values, valueAt: i.valueAt.map((p) => r.pos(p)), at: r.pos(i.at) };
  return { kind: 'random', args: i.args.map((a) => ({ name: a.name, at: r.pos(a.at), expr: relocateExpr(a.expr, r) })), at: r.pos(i.at) };
}

function relocateStmt(s: StatementAst, r: Relocation): StatementAst {
  switch (s.kind) {
    case 'instr': return { kind: 'instr', mnemonic: s.mnemonic, operands: s.operands.map((o) => relocateOperand(o, r)), at: r.pos(s.at) };
    case 'layer': return { ...s, tag: relocateExpr(s.tag, r), nameAt: r.pos(s.nameAt), at: r.pos(s.at) };
    case 'const': return { ...s, expr: relocateExpr(s.expr, r), nameAt: r.pos(s.nameAt), at: r.pos(s.at) };
    case 'unknownDir': return { ...s, at: r.pos(s.at) };
    case 'region': {
      const out: StatementAst = {
        kind: 'region', name: s.name, nameAt: r.pos(s.nameAt), dtype: s.dtype, dtypeAt: r.pos(s.dtypeAt),
        shape: s.shape.map((e) => relocateExpr(e, r)), shapeAt: r.pos(s.shapeAt), at: r.pos(s.at),
      };
      if (s.addr) out.addr = relocateExpr(s.addr, r);
      if (s.scale) out.scale = relocateExpr(s.scale, r);
      if (s.init) out.init = relocateInit(s.init, r);
      return out;
    }
  }
}

const shiftBy = (offset: number): Relocation => ({ pos: (p) => p + offset, num: (_at, v) => v });

// ---- templates ----

/** A template from a line's own parse, or null if the line is not one that substitution suits. */
function buildTemplate(stmt: StatementAst | null, shape: Shape): Template | null {
  if (stmt === null || stmt.kind !== 'instr') return null;
  const leaves: number[] = [];
  relocateStmt(stmt, { pos: (p) => p, num: (at, v) => { leaves.push(at); return v; } });
  leaves.sort((a, b) => a - b);
  if (leaves.length !== shape.starts.length || leaves.some((at, k) => at !== shape.starts[k])) return null;
  return { stmt, starts: shape.starts, lengths: shape.starts.map((s, k) => shape.ends[k]! - s) };
}

function instantiate(t: Template, line: string, shape: Shape, lineStart: number): StatementAst {
  const n = t.starts.length;
  return relocateStmt(t.stmt, {
    pos(p) {
      let q = lineStart + p;
      for (let k = 0; k < n && t.starts[k]! < p; k++) q += shape.ends[k]! - shape.starts[k]! - t.lengths[k]!;
      return q;
    },
    num(at) {
      const k = t.starts.indexOf(at);
      return numberValue(line.slice(shape.starts[k], shape.ends[k]));
    },
  });
}

// ---- data lists ----

/** `.region … = data(v, v, …)` with plain signed literals: the region with its values, or
 * undefined to let ohm parse the line whole (any other spelling, or any doubt). */
function parseDataLine(line: string, lineStart: number): StatementAst | undefined {
  let open = -1;
  for (let i = line.indexOf('data'); i >= 0; i = line.indexOf('data', i + 4)) {
    if (i > 0 && continuesIdent(line.charCodeAt(i - 1))) continue;
    let j = i + 4;
    while (isBlank(line.charCodeAt(j))) j++;
    if (line.charCodeAt(j) === 40) {
      open = j + 1;
      break;
    }
  }
  if (open < 0) return undefined;
  const values: number[] = [];
  const valueAt: number[] = [];
  let i = open;
  while (isBlank(line.charCodeAt(i))) i++;
  const first = i;
  let last: number;
  for (;;) {
    const sign = line.charCodeAt(i);
    const at = sign === 45 || sign === 43 ? i + 1 : i;
    const end = scanNumber(line, at);
    if (end === at) return undefined;
    const v = readNumber(line, at, end);
    // As the semantics would: `-x` is a neg node at the sign, `+x` is x itself.
    values.push(sign === 45 ? -v : v);
    valueAt.push(lineStart + (sign === 45 ? i : at));
    last = end;
    i = end;
    while (isBlank(line.charCodeAt(i))) i++;
    if (line.charCodeAt(i) === 41) break;
    if (line.charCodeAt(i) !== 44) return undefined;
    i++;
    while (isBlank(line.charCodeAt(i))) i++;
  }
  // Ohm checks the rest of the line with the list reduced to one literal in the same slot.
  const stmt = matchLine(`${line.slice(0, first)}0${line.slice(last)}`);
  const init = stmt?.kind === 'region' ? stmt.init : undefined;
  const slot = init?.kind === 'data' && init.values.length === 1 ? init.values[0]! : undefined;
  if (!stmt || slot?.kind !== 'num' || slot.at !== first) return undefined;
  const moved = relocateStmt(stmt, { pos: (p) => lineStart + (p > first ? p + last - first - 1 : p), num: (_at, v) => v });
  if (moved.kind === 'region' && moved.init) moved.init = { kind: 'numbers', values, valueAt, at: moved.init.at };
  return moved;
}

// ---- limits ----

/** Deepest parenthesis nesting in one expression. Parsing and evaluation recurse once per
 * level (and per operator), so unbounded input would overflow the stack; real programs nest
 * a handful of levels. Documented in docs/isa.md, "Limits". */
export const MAX_EXPR_DEPTH = 32;
/** Most operators (+, -, *, unary or binary) in one comma-separated item of a line. */
export const MAX_EXPR_OPERATORS = 128;

/** Whether the + or - at i is the exponent sign of a decimal literal (digits, 'e', sign,
 * digit), not an operator after a hex literal (0x1e-1) or an identifier (a1e-1). */
function isExponentSign(line: string, i: number): boolean {
  if (!isDigit(line.charCodeAt(i + 1)) || (line.charCodeAt(i - 1) | 0x20) !== 101) return false;
  let j = i - 2;
  while (j >= 0 && (isDigit(line.charCodeAt(j)) || line.charCodeAt(j) === 46)) j--;
  return j < i - 2 && (j < 0 || !continuesIdent(line.charCodeAt(j)));
}

/** Where a line breaks an expression limit, and why; undefined if it does not. Strings and
 * comments are skipped; the sign of an exponent (1e-5) is not an operator. Counting every
 * other + - * between commas bounds the operators of each expression from above. */
export function exprLimitProblem(line: string): { pos: number; message: string } | undefined {
  let depth = 0;
  let ops = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34) { // a string: skip to its closing quote
      for (i++; i < line.length && line.charCodeAt(i) !== 34; i++) if (line.charCodeAt(i) === 92) i++;
    } else if (c === 59 || c === 35) {
      return undefined; // a comment runs to the end of the line
    } else if (c === 40) {
      if (++depth > MAX_EXPR_DEPTH) return { pos: i, message: `expression nested more than ${MAX_EXPR_DEPTH} parentheses deep (the assembler's limit)` };
    } else if (c === 41) {
      depth--;
    } else if (c === 44) {
      ops = 0;
    } else if (c === 43 || c === 45 || c === 42) {
      if (!(c !== 42 && isExponentSign(line, i)) && ++ops > MAX_EXPR_OPERATORS) return { pos: i, message: `expression has more than ${MAX_EXPR_OPERATORS} operators (the assembler's limit)` };
    }
  }
  return undefined;
}

// ---- lines ----

/** A line's statement (offsets into the whole source), null if blank, undefined if it fails. */
function parseLine(line: string, lineStart: number, templates: Map<string, Template | null>): StatementAst | null | undefined {
  let i = 0;
  while (isBlank(line.charCodeAt(i))) i++;
  const c = line.charCodeAt(i);
  if (i === line.length || c === 59 || c === 35) return null; // blank, or only a comment
  if (c === 46) { // a directive
    if (line.startsWith('.region', i)) {
      const data = parseDataLine(line, lineStart);
      if (data) return data;
    }
    const stmt = matchLine(line);
    return stmt ? relocateStmt(stmt, shiftBy(lineStart)) : stmt;
  }
  const shape = scanShape(line);
  const known = shape ? templates.get(shape.key) : null;
  if (known && shape) return instantiate(known, line, shape, lineStart);
  const stmt = matchLine(line);
  if (stmt === undefined) return undefined;
  if (shape && known === undefined) {
    const t = buildTemplate(stmt, shape);
    templates.set(shape.key, t);
    if (t) return instantiate(t, line, shape, lineStart);
  }
  return stmt ? relocateStmt(stmt, shiftBy(lineStart)) : null;
}

/** Parses assembly text into statements (blank lines dropped), or reports where and what
 * the grammar expected — the same result as `parseAsmWhole`, many times faster. */
export function parseAsm(source: string): ParseResult {
  const templates = new Map<string, Template | null>();
  const statements: StatementAst[] = [];
  for (let start = 0; ;) {
    let end = start;
    for (let c = source.charCodeAt(end); end < source.length && c !== 10 && c !== 13; c = source.charCodeAt(++end));
    const brk = end === source.length ? 0 : source.charCodeAt(end) === 13 && source.charCodeAt(end + 1) === 10 ? 2 : 1;
    const line = source.slice(start, end);
    const tooBig = exprLimitProblem(line);
    if (tooBig) return { ok: false, pos: start + tooBig.pos, message: tooBig.message };
    const stmt = parseLine(line, start, templates);
    if (stmt === undefined) {
      const why = explainFailure(source.slice(start, end + brk));
      // The line matched alone must fail with its break too; if not, trust the whole match.
      if (why) return { ok: false, pos: start + why.pos, expected: why.expected };
      // The whole match reads the lines after this one too: check their limits first.
      for (let from = start; from < source.length;) {
        let to = from;
        while (to < source.length && source.charCodeAt(to) !== 10 && source.charCodeAt(to) !== 13) to++;
        const later = exprLimitProblem(source.slice(from, to));
        if (later) return { ok: false, pos: from + later.pos, message: later.message };
        from = to + 1;
      }
      return parseAsmWhole(source);
    }
    if (stmt) statements.push(stmt);
    if (brk === 0) return { ok: true, statements };
    start = end + brk;
  }
}
