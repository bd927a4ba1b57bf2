// Semantic actions for the assembly grammar (isa/asm-grammar.ts): turn a successful ohm match into a plain AST with source
// offsets. Nothing here checks meaning (symbols, ranges, spaces); assemble.ts does that, so
// the grammar and this file stay a faithful picture of the syntax alone.
import * as ohm from 'ohm-js';
import { ASM_GRAMMAR_RECIPE } from './asm-grammar-recipe.js';
import { grammarFromRecipe } from './grammar-recipe.js';

/** Source offsets (0-based character index) travel with every node so errors can point. */
export type ExprAst =
  | { kind: 'num'; value: number; at: number }
  | { kind: 'sym'; name: string; at: number }
  | { kind: 'neg'; arg: ExprAst; at: number }
  | { kind: 'bin'; op: '+' | '-' | '*'; left: ExprAst; right: ExprAst; at: number };

export type OperandValueAst =
  | { kind: 'addr'; space: string; spaceAt: number; expr: ExprAst; at: number }
  | { kind: 'expr'; expr: ExprAst; at: number };

export interface OperandAst {
  name: string;
  at: number;
  value: OperandValueAst;
}

export interface NamedArgAst {
  name: string;
  at: number;
  expr: ExprAst;
}

export type InitAst =
  | { kind: 'zero'; at: number }
  | { kind: 'data'; values: ExprAst[]; at: number }
  /** A data list of plain signed literals, split by asm-parse.ts without a node per value
   * (weights run to 2^20 values): each value with the offset its ExprAst would have. */
  | { kind: 'numbers'; values: number[]; valueAt: number[]; at: number }
  | { kind: 'random'; args: NamedArgAst[]; at: number };

export type StatementAst =
  | { kind: 'layer'; tag: ExprAst; name: string; quoted: boolean; nameAt: number; at: number }
  | { kind: 'const'; name: string; nameAt: number; expr: ExprAst; at: number }
  | {
      kind: 'region'; name: string; nameAt: number; dtype: string; dtypeAt: number;
      shape: ExprAst[]; shapeAt: number; addr?: ExprAst; scale?: ExprAst; init?: InitAst; at: number;
    }
  | { kind: 'instr'; mnemonic: string; operands: OperandAst[]; at: number }
  | { kind: 'unknownDir'; name: string; at: number };

export type ParseResult =
  | { ok: true; statements: StatementAst[] }
  | { ok: false; pos: number; expected: string }
  /** A limit broken before parsing (expression size, asm-parse.ts). */
  | { ok: false; pos: number; message: string };

/** The grammar and its semantics, compiled on first use: compiling the grammar costs a large
 * part of start-up, and commands that never assemble (run, scalesim) must not pay it. A pure
 * cache: both are immutable once built. The grammar comes from its precompiled recipe
 * (scripts/grammar-recipes.ts), which rebuilds it without parsing the grammar text. */
let built: { grammar: ohm.Grammar; semantics: ohm.Semantics } | undefined;

function asm(): { grammar: ohm.Grammar; semantics: ohm.Semantics } {
  if (built) return built;
  const grammar = grammarFromRecipe(ASM_GRAMMAR_RECIPE);

  const at = (n: ohm.Node): number => n.source.startIdx;
  const optional = <T>(n: ohm.Node, f: (c: ohm.Node) => T): T | undefined =>
    n.children.length > 0 ? f(n.children[0]!) : undefined;
  const binary = (op: '+' | '-' | '*') =>
    function (this: ohm.NonterminalNode, l: ohm.Node, _op: ohm.Node, r: ohm.Node): ExprAst {
      return { kind: 'bin', op, left: l['expr']() as ExprAst, right: r['expr']() as ExprAst, at: at(this) };
    };

  const semantics = grammar.createSemantics();

  semantics.addOperation<ExprAst>('expr', {
    Expr(e) { return e['expr'](); },
    AddExpr_plus: binary('+'),
    AddExpr_minus: binary('-'),
    MulExpr_times: binary('*'),
    UnaryExpr_neg(_m, e) { return { kind: 'neg', arg: e['expr'](), at: at(this) }; },
    UnaryExpr_pos(_p, e) { return e['expr'](); },
    PrimaryExpr_paren(_l, e, _r) { return e['expr'](); },
    hexNumber(_z, _x, _d) { return { kind: 'num', value: Number.parseInt(this.sourceString.slice(2), 16), at: at(this) }; },
    decNumber(_i, _dot, _f, _e) { return { kind: 'num', value: Number(this.sourceString), at: at(this) }; },
    ident(_a, _b) { return { kind: 'sym', name: this.sourceString, at: at(this) }; },
  });

  semantics.addOperation<OperandAst>('operand', {
    Operand(name, _eq, value) {
      const v = value.children[0]!;
      const operandValue: OperandValueAst = v.ctorName === 'Address'
        ? {
            kind: 'addr', space: v.children[0]!.sourceString, spaceAt: at(v.children[0]!),
            expr: v.children[2]!['expr']() as ExprAst, at: at(v),
          }
        : { kind: 'expr', expr: v['expr']() as ExprAst, at: at(v) };
      return { name: name.sourceString, at: at(name), value: operandValue };
    },
  });

  semantics.addOperation<ExprAst[]>('exprs', {
    Exprs(first, _c, rest) { return [first['expr'](), ...rest.children.map((c) => c['expr']() as ExprAst)]; },
  });

  semantics.addOperation<OperandAst[]>('operands', {
    Operands(first, _c, rest) { return [first['operand'](), ...rest.children.map((c) => c['operand']() as OperandAst)]; },
  });

  semantics.addOperation<NamedArgAst[]>('namedArgs', {
    NamedArgs(first, _c, rest) { return [first['namedArg'](), ...rest.children.map((c) => c['namedArg']() as NamedArgAst)]; },
  });

  semantics.addOperation<NamedArgAst>('namedArg', {
    NamedArg(name, _eq, e) { return { name: name.sourceString, at: at(name), expr: e['expr']() as ExprAst }; },
  });

  semantics.addOperation<InitAst>('init', {
    InitSpec_data(_k, _l, list, _r) {
      return { kind: 'data', values: optional(list, (c) => c['exprs']() as ExprAst[]) ?? [], at: at(this) };
    },
    InitSpec_random(_k, _l, list, _r) {
      return { kind: 'random', args: optional(list, (c) => c['namedArgs']() as NamedArgAst[]) ?? [], at: at(this) };
    },
    InitSpec_zero(_k) { return { kind: 'zero', at: at(this) }; },
  });

  semantics.addOperation<StatementAst | null>('stmt', {
    Line(s) { return optional(s, (c) => c['stmt']() as StatementAst) ?? null; },
    Statement(s) { return s['stmt'](); },
    Directive(d) { return d['stmt'](); },
    UnknownDir(_dot, body) {
      return { kind: 'unknownDir', name: `.${body.children[0]!.sourceString}`, at: at(this) };
    },
    LayerDir(_k, tag, name) {
      const inner = name.children[0]!;
      return {
        kind: 'layer', tag: tag['expr']() as ExprAst, name: name.sourceString,
        quoted: inner.ctorName === 'string', nameAt: at(name), at: at(this),
      };
    },
    ConstDir(_k, name, _eq, e) {
      return { kind: 'const', name: name.sourceString, nameAt: at(name), expr: e['expr']() as ExprAst, at: at(this) };
    },
    RegionDir(_k, name, dtype, shape, place, scale, init) {
      return {
        kind: 'region', name: name.sourceString, nameAt: at(name), dtype: dtype.sourceString, dtypeAt: at(dtype),
        shape: shape.children[1]!['exprs']() as ExprAst[], shapeAt: at(shape),
        addr: optional(place, (p) => p.children[1]!['expr']() as ExprAst),
        scale: optional(scale, (s) => s.children[2]!['expr']() as ExprAst),
        init: optional(init, (i) => i.children[1]!['init']() as InitAst),
        at: at(this),
      };
    },
    Instruction(m, list) {
      const operands = optional(list, (c) => c['operands']() as OperandAst[]) ?? [];
      return { kind: 'instr', mnemonic: m.sourceString, operands, at: at(this) };
    },
  });

  semantics.addOperation<(StatementAst | null)[]>('lines', {
    Program(first, _nls, rest) {
      return [first['stmt']() as StatementAst | null, ...rest.children.map((c) => c['stmt']() as StatementAst | null)];
    },
  });
  built = { grammar, semantics };
  return built;
}

/** Matches one line (no line break in it) with the `Line` rule: its statement with offsets
 * relative to the line, null for a blank or comment-only line, undefined if it does not parse. */
export function matchLine(line: string): StatementAst | null | undefined {
  const { grammar, semantics } = asm();
  const match = grammar.match(line, 'Line');
  return match.failed() ? undefined : (semantics(match)['stmt']() as StatementAst | null);
}

/** Why a text does not parse, as the whole-program rule reports it: the rightmost failure
 * position (relative to `text`) and what was expected there. Undefined if it parses. */
export function explainFailure(text: string): { pos: number; expected: string } | undefined {
  const match = asm().grammar.match(text);
  return match.failed() ? { pos: match.getRightmostFailurePosition(), expected: match.getExpectedText() } : undefined;
}

/** The reference parser: one ohm match over the whole text. It is correct but slow (ohm's
 * memo table over a large input costs ~20 KB/s), so assemble() uses the line-by-line parser
 * of asm-parse.ts; tests check that the two agree. */
export function parseAsmWhole(source: string): ParseResult {
  const { grammar, semantics } = asm();
  const match = grammar.match(source);
  if (match.failed()) {
    return { ok: false, pos: match.getRightmostFailurePosition(), expected: match.getExpectedText() };
  }
  const lines = semantics(match)['lines']() as (StatementAst | null)[];
  return { ok: true, statements: lines.filter((s): s is StatementAst => s !== null) };
}
