// The assembler: .dlps text → checked Program. Parsing is ohm's (asm-grammar.ts + asm-semantics.ts,
// driven line by line by asm-parse.ts);
// this file gives the AST its meaning: symbols, directives, operands, defaults, and every
// check, each failure a DlpError at file:line:column with a caret excerpt.
import { parseAsm } from './asm-parse.js';
import type { ExprAst, InitAst, OperandAst, StatementAst } from './asm-semantics.js';
import { DlpError, caretExcerpt } from './errors.js';
import { findNearest, formatChoices, formatNumber, stripBom } from './format.js';
import type { Program, Region, RegionInit, SourceLoc } from './program.js';
import { DTYPES, ISA, MNEMONICS, SPACES, type DType, type FieldSpec, type Instr, type Mnemonic } from './spec.js';
import {
  checkElement, checkInstr, checkLayerName, checkRegion, dtypeRange, findRegionOverlap, regionSize,
  type RegionPart,
} from './validate.js';

/** Regions declared without `@ address` are placed after the previous ones at this alignment. */
export const REGION_ALIGN = 64;
const DIRECTIVES = ['.layer', '.const', '.region'];

type RegionStmt = Extract<StatementAst, { kind: 'region' }>;
type InstrStmt = Extract<StatementAst, { kind: 'instr' }>;

/** Assembles source text into a Program (with `locs`), or throws a located DlpError. */
export function assemble(source: string, file?: string): Program {
  return new Assembler(stripBom(source), file).run();
}

class Assembler {
  private readonly lineStarts: number[] = [0];
  private readonly symbols = new Map<string, { value: number; at: number }>();
  /** Where every symbol is defined, to explain uses before definition. */
  private readonly definedAt = new Map<string, number>();
  private readonly program: Program = { instrs: [], regions: [], layerNames: {}, consts: {}, locs: [] };
  private readonly regionAt: number[] = [];

  constructor(private readonly source: string, private readonly file?: string) {
    for (let k = 0; k < source.length; k++) {
      const c = source[k];
      if (c === '\n' || (c === '\r' && source[k + 1] !== '\n')) this.lineStarts.push(k + 1);
    }
  }

  run(): Program {
    const parsed = parseAsm(this.source);
    if (!parsed.ok) throw this.fail(parsed.pos, 'message' in parsed ? parsed.message : `expected ${parsed.expected}`);
    for (const s of parsed.statements) {
      if (s.kind === 'const' || s.kind === 'region') if (!this.definedAt.has(s.name)) this.definedAt.set(s.name, s.nameAt);
    }
    const instrs: InstrStmt[] = [];
    for (const s of parsed.statements) {
      if (s.kind === 'instr') instrs.push(s);
      else if (s.kind === 'unknownDir') throw this.fail(s.at, `unknown directive '${s.name}' (expected ${formatChoices(DIRECTIVES)})`);
      else if (s.kind === 'layer') this.defineLayer(s);
      else if (s.kind === 'const') this.defineConst(s);
      else this.defineRegion(s);
    }
    const overlap = findRegionOverlap(this.program.regions);
    if (overlap) throw this.fail(this.regionAt[overlap.index]!, overlap.reason);
    // Instructions see every symbol, wherever it is defined.
    this.definedAt.clear();
    for (const s of instrs) {
      this.program.instrs.push(this.buildInstr(s));
      this.program.locs!.push(this.locate(s.at));
    }
    this.checkHalt(instrs);
    return this.program;
  }

  // ---- locations and errors ----

  private locate(pos: number): SourceLoc & { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    const loc = { line: lo + 1, column: pos - this.lineStarts[lo]! + 1 };
    return this.file === undefined ? loc : { file: this.file, ...loc };
  }

  private fail(pos: number, reason: string): DlpError {
    const loc = this.locate(pos);
    return new DlpError(reason, loc, caretExcerpt(this.source, loc.line, loc.column));
  }

  // ---- expressions ----

  private evaluate(e: ExprAst): number {
    switch (e.kind) {
      case 'num': return e.value;
      case 'neg': return -this.evaluate(e.arg);
      case 'bin': {
        const l = this.evaluate(e.left);
        const r = this.evaluate(e.right);
        return e.op === '+' ? l + r : e.op === '-' ? l - r : l * r;
      }
      case 'sym': {
        const sym = this.symbols.get(e.name);
        if (sym) return sym.value;
        const later = this.definedAt.get(e.name);
        if (later !== undefined) throw this.fail(e.at, `symbol '${e.name}' is used before its definition on line ${this.locate(later).line}`);
        const near = findNearest(e.name, [...this.symbols.keys()]);
        throw this.fail(e.at, `unknown symbol '${e.name}'${near ? ` (did you mean '${near}'?)` : ''}`);
      }
    }
  }

  private evaluateInt(e: ExprAst, what: string, min: number, max: number): number {
    const v = this.evaluate(e);
    if (!Number.isInteger(v)) throw this.fail(e.at, `${what} ${formatNumber(v)} is not an integer`);
    if (v < min || v > max) throw this.fail(e.at, `${what} ${formatNumber(v)} is out of range ${min}..${max}`);
    return v + 0; // -0 → 0
  }

  // ---- directives ----

  private defineSymbol(name: string, at: number, value: number): void {
    if ((SPACES as readonly string[]).includes(name)) throw this.fail(at, `'${name}' is a memory space and cannot name a symbol`);
    const prev = this.symbols.get(name);
    if (prev) throw this.fail(at, `symbol '${name}' is already defined on line ${this.locate(prev.at).line}`);
    this.symbols.set(name, { value, at });
  }

  private defineLayer(s: Extract<StatementAst, { kind: 'layer' }>): void {
    const tag = this.evaluateInt(s.tag, 'layer tag', 0, 255);
    let name = s.name;
    if (s.quoted) {
      try {
        name = JSON.parse(s.name) as string;
      } catch {
        throw this.fail(s.nameAt, `invalid string ${s.name} (use JSON escapes such as \\" and \\n)`);
      }
    }
    const bad = checkLayerName(name);
    if (bad) throw this.fail(s.nameAt, `layer name ${bad}`);
    if (this.program.layerNames[tag] !== undefined) throw this.fail(s.tag.at, `layer ${tag} is already named '${this.program.layerNames[tag]}'`);
    this.program.layerNames[tag] = name;
  }

  private defineConst(s: Extract<StatementAst, { kind: 'const' }>): void {
    const value = this.evaluate(s.expr);
    if (!Number.isFinite(value)) throw this.fail(s.expr.at, `constant '${s.name}' is not a finite number`);
    this.defineSymbol(s.name, s.nameAt, value);
    this.program.consts![s.name] = value;
  }

  private defineRegion(s: RegionStmt): void {
    if (!(DTYPES as readonly string[]).includes(s.dtype)) {
      throw this.fail(s.dtypeAt, `unknown dtype '${s.dtype}' (expected ${formatChoices(DTYPES)})`);
    }
    const dtype = s.dtype as DType;
    const shape = s.shape.map((d) => this.evaluateInt(d, `region '${s.name}': dimension`, 1, 2 ** 32 - 1));
    const addr = s.addr ? this.evaluateInt(s.addr, `region '${s.name}': address`, 0, 2 ** 32 - 1) : this.nextFreeAddress();
    const region: Region = { name: s.name, dtype, shape, addr, init: this.buildInit(s, dtype, shape) };
    if (s.scale) region.scale = this.evaluate(s.scale);
    const bad = checkRegion(region);
    if (bad) throw this.fail(this.regionPartAt(s, bad.part), bad.reason);
    this.defineSymbol(s.name, s.nameAt, addr);
    this.program.regions.push(region);
    this.regionAt.push(s.at);
  }

  private nextFreeAddress(): number {
    const end = Math.max(0, ...this.program.regions.map((r) => r.addr + regionSize(r)));
    return Math.ceil(end / REGION_ALIGN) * REGION_ALIGN;
  }

  private regionPartAt(s: RegionStmt, part: RegionPart): number {
    const at: Record<RegionPart, number | undefined> = {
      name: s.nameAt, dtype: s.dtypeAt, shape: s.shapeAt, addr: s.addr?.at, scale: s.scale?.at, init: s.init?.at,
    };
    return at[part] ?? s.at;
  }

  private buildInit(s: RegionStmt, dtype: DType, shape: number[]): RegionInit {
    const init: InitAst | undefined = s.init;
    if (!init || init.kind === 'zero') return { kind: 'zero' };
    const what = `region '${s.name}':`;
    if (init.kind === 'data' || init.kind === 'numbers') {
      const count = shape.reduce((a, b) => a * b, 1);
      if (init.values.length !== count) {
        throw this.fail(init.at, `${what} data has ${init.values.length} values but shape [${shape.join(', ')}] holds ${count}`);
      }
      const values: number[] = [];
      for (let k = 0; k < count; k++) {
        const v = init.kind === 'numbers' ? init.values[k]! : this.evaluate(init.values[k]!);
        const bad = checkElement(dtype, v);
        if (bad) throw this.fail(init.kind === 'numbers' ? init.valueAt[k]! : init.values[k]!.at, `${what} data value ${formatNumber(v)} at index ${k} ${bad}`);
        values.push(dtype === 'fp32' ? Math.fround(v) : v + 0);
      }
      return { kind: 'data', values };
    }
    const args = new Map<string, number>();
    for (const a of init.args) {
      if (!['seed', 'min', 'max'].includes(a.name)) throw this.fail(a.at, `${what} random() has no argument '${a.name}' (expected seed, min or max)`);
      if (args.has(a.name)) throw this.fail(a.at, `${what} duplicate argument '${a.name}'`);
      args.set(a.name, a.name === 'seed' ? this.evaluateInt(a.expr, `${what} random seed`, 0, 2 ** 32 - 1) : this.evaluate(a.expr));
    }
    const seed = args.get('seed');
    if (seed === undefined) throw this.fail(init.at, `${what} random() needs seed=...`);
    const full = dtype === 'fp32' ? { min: -1, max: 1 } : dtypeRange(dtype);
    return { kind: 'random', seed, min: args.get('min') ?? full.min, max: args.get('max') ?? full.max };
  }

  // ---- instructions ----

  private buildInstr(s: InstrStmt): Instr {
    const op = s.mnemonic.toUpperCase() as Mnemonic;
    if (!Object.hasOwn(ISA, op)) {
      const near = findNearest(s.mnemonic, MNEMONICS);
      throw this.fail(s.at, `unknown mnemonic '${s.mnemonic}'${near ? ` (did you mean ${near}?)` : ''}`);
    }
    const fields = ISA[op].fields as readonly FieldSpec[];
    const given = new Map<string, OperandAst>();
    for (const o of s.operands) {
      const f = fields.find((x) => x.name === o.name);
      if (!f) {
        const near = findNearest(o.name, fields.filter((x) => !x.implicit).map((x) => x.name));
        throw this.fail(o.at, `${op} has no operand '${o.name}'${near ? ` (did you mean '${near}'?)` : ''}`);
      }
      if (f.implicit) {
        const from = fields.find((x) => x.spaceField === f.name);
        throw this.fail(o.at, `${op} operand '${o.name}' is implicit: it is set by the memory space of ${from?.name ?? 'another operand'}`);
      }
      if (given.has(o.name)) throw this.fail(o.at, `duplicate operand '${o.name}'`);
      given.set(o.name, o);
    }
    const values: Record<string, number | string> = { op };
    for (const f of fields) {
      if (f.implicit) continue;
      const o = given.get(f.name);
      if (o) values[f.name] = this.operandValue(op, f, o, values);
      else if (f.default !== undefined) values[f.name] = f.default;
      else if (f.defaultFrom === undefined) throw this.fail(s.at, `${op} is missing operand '${f.name}'`);
    }
    for (const f of fields) if (values[f.name] === undefined && f.defaultFrom) values[f.name] = values[f.defaultFrom]!;
    const issue = checkInstr(values as unknown as Instr);
    if (issue) {
      const setter = fields.find((x) => x.spaceField === issue.field)?.name;
      const o = given.get(issue.field ?? '') ?? given.get(setter ?? '');
      throw this.fail(o ? o.value.at : s.at, issue.reason);
    }
    return values as unknown as Instr;
  }

  private operandValue(op: Mnemonic, f: FieldSpec, o: OperandAst, values: Record<string, number | string>): number | string {
    const v = o.value;
    if (f.kind === 'addr') {
      const allowed = f.spaces ?? [f.space!];
      if (v.kind !== 'addr') throw this.fail(v.at, `${op} ${f.name} must be an address like ${allowed[0]}[...]`);
      if (!(SPACES as readonly string[]).includes(v.space)) {
        throw this.fail(v.spaceAt, `unknown memory space '${v.space}' (expected ${formatChoices(SPACES)})`);
      }
      if (!(allowed as readonly string[]).includes(v.space)) {
        throw this.fail(v.spaceAt, `${op} ${f.name} must be in ${formatChoices(allowed)}, not ${v.space}`);
      }
      if (f.spaceField) values[f.spaceField] = v.space;
      return this.evaluate(v.expr) + 0;
    }
    if (v.kind === 'addr') throw this.fail(v.at, `${op} ${f.name} is not an address; write ${f.name}=value`);
    if (f.kind === 'enum') {
      if (v.expr.kind !== 'sym') throw this.fail(v.at, `${op} ${f.name} must be one of ${formatChoices(f.values!)}`);
      return v.expr.name;
    }
    const n = this.evaluate(v.expr);
    if (f.kind === 'f32') {
      if (!Number.isFinite(Math.fround(n))) throw this.fail(v.at, `${op} ${f.name}=${formatNumber(n)} is out of the fp32 range`);
      return Math.fround(n);
    }
    return n + 0;
  }

  private checkHalt(instrs: InstrStmt[]): void {
    const k = this.program.instrs.findIndex((i) => i.op === 'HALT');
    if (k >= 0 && k !== instrs.length - 1) throw this.fail(instrs[k]!.at, 'HALT must be the last instruction');
    if (k < 0) throw this.fail(instrs.length ? instrs[instrs.length - 1]!.at : this.source.length, 'the program must end with HALT');
  }
}
