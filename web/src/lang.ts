// Syntax highlighting for .mlp and .dlps with CodeMirror's StreamLanguage: a tokenizer per
// language (keywords, mnemonics, operands, numbers, comments). Parsing proper stays with the
// grammars in isa/ and compiler/; errors come from them through the worker.
import { StreamLanguage, type StringStream } from '@codemirror/language';

const MLP_KEYWORDS = new Set(['model', 'input', 'dense', 'softmax']);
const MLP_ACTIVATIONS = new Set(['relu', 'sigmoid', 'tanh', 'leaky', 'elu', 'prelu', 'gelu', 'identity', 'linear', 'relu6', 'hardswish']);

export const mlpLanguage = StreamLanguage.define<object>({
  name: 'mlp',
  token(stream: StringStream): string | null {
    if (stream.eatSpace()) return null;
    if (stream.match('#')) { stream.skipToEnd(); return 'comment'; }
    if (stream.match(/^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) return 'number';
    const w = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/) as RegExpMatchArray | null;
    if (w) return MLP_KEYWORDS.has(w[0]) ? 'keyword' : MLP_ACTIVATIONS.has(w[0]) ? 'atom' : 'variableName';
    stream.next();
    return 'punctuation';
  },
  languageData: { commentTokens: { line: '#' } },
});

export const dlpsLanguage = StreamLanguage.define<object>({
  name: 'dlps',
  token(stream: StringStream): string | null {
    if (stream.eatSpace()) return null;
    if (stream.match(';')) { stream.skipToEnd(); return 'comment'; }
    if (stream.match(/^\.[A-Za-z]+/)) return 'meta';
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string';
    if (stream.match(/^0x[0-9A-Fa-f]+/) || stream.match(/^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) return 'number';
    if (stream.match(/^[A-Z][A-Z]+\b/)) return 'keyword';
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*(?=\s*=)/)) return 'propertyName';
    if (stream.match(/^(nram|wram|dram|int8|int16|int32|fp32)\b/)) return 'typeName';
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) return 'variableName';
    stream.next();
    return 'operator';
  },
  languageData: { commentTokens: { line: ';' } },
});
