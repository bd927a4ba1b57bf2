// Front end for the dlpkit model language (.mlp): grammar in mlp-grammar.ts, meaning here. Parsing is
// two steps — ohm matches the text (syntax errors carry ohm's expected-set and a caret), then
// the declarations are checked (units, softmax position, names, alpha ranges) and turned into
// the ModelGraph IR, each semantic error located at its declaration.
import * as ohm from 'ohm-js';
import { MLP_GRAMMAR_RECIPE } from './mlp-grammar-recipe.js';
import { grammarFromRecipe } from '../../isa/grammar-recipe.js';
import { DlpError, caretExcerpt } from '../../isa/errors.js';
import { stripBom } from '../../isa/format.js';
import type { SourceLoc } from '../../isa/program.js';
import type { Activation, DenseLayer, ModelGraph } from '../model.js';
import { MAX_FEATURES, alphaProblem, modelLimitProblem } from './limits.js';

/** Built on first use from its precompiled recipe (scripts/grammar-recipes.ts; parsing the
 * grammar text would cost ~0.3 s of CPU at every start). A pure cache. */
let compiled: ohm.Grammar | undefined;
const mlpGrammar = (): ohm.Grammar => (compiled ??= grammarFromRecipe(MLP_GRAMMAR_RECIPE));

type Decl =
  | { kind: 'input'; size: number; loc: SourceLoc }
  | { kind: 'dense'; name?: string; units: number; activation: Activation; loc: SourceLoc }
  | { kind: 'softmax'; loc: SourceLoc };

interface ActivationSpec {
  word: string;
  arg?: number;
}

interface ParsedModel {
  name: string;
  loc: SourceLoc;
  decls: Decl[];
}

/** Parses `.mlp` source into a ModelGraph; every error is a located DlpError. */
export function parseMlp(text: string, file?: string): ModelGraph {
  const source = stripBom(text);
  const nul = source.indexOf('\0');
  if (nul >= 0) {
    const pos = lineAndColumn(source, nul);
    throw new DlpError('NUL character (U+0000) in the model text', { file, line: pos.line, column: pos.column });
  }
  const match = mlpGrammar().match(source);
  if (match.failed()) {
    const pos = lineAndColumn(source, match.getRightmostFailurePosition());
    throw new DlpError(
      `Expected ${match.getExpectedText()}`,
      { file, line: pos.line, column: pos.column },
      caretExcerpt(source, pos.line, pos.column),
    );
  }
  const parsed = createSemantics(source, file)(match).model() as ParsedModel;
  return buildModel(parsed, source, file);
}

function createSemantics(source: string, file: string | undefined) {
  const locOf = (node: ohm.Node): SourceLoc => {
    const { lineNum, colNum } = node.source.getLineAndColumn();
    return file === undefined ? { line: lineNum, column: colNum } : { file, line: lineNum, column: colNum };
  };
  const toNumber = (node: ohm.Node): number => Number(node.sourceString);
  const failAt = (message: string, loc: SourceLoc): never => failLocated(message, loc, source, file);
  const semantics = mlpGrammar().createSemantics();
  semantics.addOperation<ParsedModel>('model', {
    Model(_kw, name, _open, decls, _close) {
      return { name: name.sourceString, loc: locOf(this), decls: decls.children.map((d) => d['decl']() as Decl) };
    },
  });
  semantics.addOperation<Decl>('decl', {
    Decl(inner) {
      return inner['decl']() as Decl;
    },
    Input(_kw, size) {
      return { kind: 'input', size: toNumber(size), loc: locOf(this) };
    },
    Dense(_kw, layerName, units, activation) {
      const name = layerName.children[0]?.child(0).sourceString;
      const spec = activation.children[0]?.['activation']() as ActivationSpec | undefined;
      const loc = locOf(this);
      const act = spec ? toActivation(spec, (m) => failAt(m, loc)) : { kind: 'identity' as const };
      const decl: Decl = { kind: 'dense', units: toNumber(units), activation: act, loc };
      if (name !== undefined) decl.name = name;
      return decl;
    },
    Softmax(_kw) {
      return { kind: 'softmax', loc: locOf(this) };
    },
  });
  semantics.addOperation<ActivationSpec>('activation', {
    Activation(word, arg) {
      const argNode = arg.children[0];
      const spec: ActivationSpec = { word: word.sourceString };
      if (argNode !== undefined) spec.arg = toNumber(argNode.child(1));
      return spec;
    },
  });
  return semantics;
}

/** Checks the declarations and assembles the graph. */
function buildModel(parsed: ParsedModel, source: string, file: string | undefined): ModelGraph {
  const fail = (message: string, loc: SourceLoc): never => failLocated(message, loc, source, file);
  let inputSize: number | undefined;
  let inputLoc: SourceLoc = parsed.loc;
  let softmax = false;
  const layers: DenseLayer[] = [];
  const names = new Map<string, SourceLoc>();
  for (const decl of parsed.decls) {
    if (softmax) fail(`softmax must be the last declaration of model ${parsed.name}`, decl.loc);
    if (decl.kind === 'input') {
      if (inputSize !== undefined) fail('duplicate input declaration', decl.loc);
      if (layers.length > 0) fail('input must be declared before the first dense layer', decl.loc);
      if (decl.size < 1) fail('input size must be at least 1', decl.loc);
      if (decl.size > MAX_FEATURES) fail(`model ${parsed.name}: input size ${decl.size} exceeds dlpkit's limit of ${MAX_FEATURES} features per layer`, decl.loc);
      inputSize = decl.size;
      inputLoc = decl.loc;
    } else if (decl.kind === 'dense') {
      if (inputSize === undefined) fail('input must be declared before the first dense layer', decl.loc);
      const name = decl.name ?? `fc${layers.length + 1}`;
      if (decl.units < 1) fail(`layer ${name}: units must be at least 1`, decl.loc);
      const previous = names.get(name);
      if (previous) fail(`duplicate layer name ${name} (first declared at line ${previous.line})`, decl.loc);
      const badAlpha = alphaProblem(decl.activation, name);
      if (badAlpha) fail(badAlpha, decl.loc);
      names.set(name, decl.loc);
      layers.push({ kind: 'dense', name, units: decl.units, activation: decl.activation, loc: decl.loc });
    } else {
      if (layers.length === 0) fail('softmax needs a dense layer before it', decl.loc);
      softmax = true;
    }
  }
  if (inputSize === undefined) fail(`model ${parsed.name} has no input declaration`, parsed.loc);
  if (layers.length === 0) fail(`model ${parsed.name} has no dense layers`, parsed.loc);
  const model: ModelGraph = { name: parsed.name, inputSize: inputSize as number, layers, softmax };
  const limit = modelLimitProblem(model);
  if (limit) fail(limit.message, limit.layer < 0 ? inputLoc : layers[Math.min(limit.layer, layers.length - 1)]!.loc!);
  if (file !== undefined) model.file = file;
  return model;
}

function failLocated(message: string, loc: SourceLoc, source: string, file: string | undefined): never {
  const column = loc.column ?? 1;
  throw new DlpError(message, { file, line: loc.line, column }, caretExcerpt(source, loc.line, column));
}

/** Activation words and whether they take `(alpha)`; `leaky` and `elu` default as in PyTorch. */
const ACTIVATION_WORDS: Record<string, { make: (alpha?: number) => Activation; alpha?: number }> = {
  none: { make: () => ({ kind: 'identity' }) },
  identity: { make: () => ({ kind: 'identity' }) },
  relu: { make: () => ({ kind: 'relu' }) },
  leaky: { make: (a = 0.01) => ({ kind: 'leaky', alpha: a }), alpha: 0.01 },
  prelu: { make: () => ({ kind: 'prelu' }) },
  elu: { make: (a = 1) => ({ kind: 'elu', alpha: a }), alpha: 1 },
  sigmoid: { make: () => ({ kind: 'sigmoid' }) },
  tanh: { make: () => ({ kind: 'tanh' }) },
};

function toActivation(spec: ActivationSpec, fail: (message: string) => never): Activation {
  const entry = ACTIVATION_WORDS[spec.word];
  if (!entry) {
    fail(`unknown activation ${spec.word} (expected one of ${Object.keys(ACTIVATION_WORDS).join(', ')})`);
  }
  const known = entry as (typeof ACTIVATION_WORDS)[string];
  if (spec.arg !== undefined && known.alpha === undefined) fail(`activation ${spec.word} takes no argument`);
  return known.make(spec.arg);
}

/** 1-based line and column of a character offset. */
function lineAndColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}
