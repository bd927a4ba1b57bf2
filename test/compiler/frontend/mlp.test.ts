import { describe, expect, it } from 'vitest';
import { DlpError } from '../../../isa/errors.js';
import { parseMlp } from '../../../compiler/frontend/mlp.js';

describe('parseMlp', () => {
  it('parses every activation, names, comments and softmax', () => {
    const src = [
      '# a comment line',
      'model mnist {',
      '  input 784',
      '  dense 128 relu        # fc1 by default',
      '  dense 64 leaky(0.1)',
      '  dense 32 prelu',
      '  dense mid: 16 elu(1.5)',
      '  dense 12 elu',
      '  dense 11 leaky',
      '  dense 10 sigmoid dense 9 tanh dense 8 none dense 7 identity',
      '  dense 6',
      '  softmax',
      '}',
    ].join('\n');
    const m = parseMlp(src, 'm.mlp');
    expect(m.name).toBe('mnist');
    expect(m.inputSize).toBe(784);
    expect(m.softmax).toBe(true);
    expect(m.file).toBe('m.mlp');
    expect(m.layers.map((l) => [l.name, l.units, l.activation])).toEqual([
      ['fc1', 128, { kind: 'relu' }],
      ['fc2', 64, { kind: 'leaky', alpha: 0.1 }],
      ['fc3', 32, { kind: 'prelu' }],
      ['mid', 16, { kind: 'elu', alpha: 1.5 }],
      ['fc5', 12, { kind: 'elu', alpha: 1 }],
      ['fc6', 11, { kind: 'leaky', alpha: 0.01 }],
      ['fc7', 10, { kind: 'sigmoid' }],
      ['fc8', 9, { kind: 'tanh' }],
      ['fc9', 8, { kind: 'identity' }],
      ['fc10', 7, { kind: 'identity' }],
      ['fc11', 6, { kind: 'identity' }],
    ]);
    expect(m.layers[0]?.loc).toEqual({ file: 'm.mlp', line: 4, column: 3 });
  });

  it('accepts one-line models, negative and exponent alphas, no softmax', () => {
    const m = parseMlp('model m{input 4 dense 3 leaky(-0.5) dense 2 elu(2e-1)}');
    expect(m.layers.map((l) => l.activation)).toEqual([{ kind: 'leaky', alpha: -0.5 }, { kind: 'elu', alpha: 0.2 }]);
    expect(m.softmax).toBe(false);
    expect(m.file).toBeUndefined();
  });

  const failures: [string, string, string?][] = [
    // Syntax errors: ohm's expected-set at the rightmost failure.
    ['model { }', 'f.mlp:1:7: Expected an identifier', '1 | model { }\n          ^'],
    ['model m { input 4 dense 3 relu', 'f.mlp:1:31: Expected "}"'],
    ['model m {\n  input 4\n  dense 3 leaky(\n}', 'f.mlp:4:1: Expected a number', '4 | }\n    ^'],
    ['model m { input 4 dense x }', 'f.mlp:1:27: Expected ":"'],
    ['model m { input 4 densex 3 }', 'f.mlp:1:24: Expected the end of a word'],
    ['model m { input 4 dense 3 relu 5 }', 'f.mlp:1:32: Expected "}", "softmax", "dense", "input", or "("'],
    ['model m { input -4 }', 'f.mlp:1:17: Expected an integer'],
    ['model m { input 4 dense 3 }\nextra', 'f.mlp:2:1: Expected end of input'],
    // Semantic errors: located at the declaration.
    ['model m { input 4 dense 0 relu }', 'f.mlp:1:19: layer fc1: units must be at least 1', '1 | model m { input 4 dense 0 relu }\n                      ^'],
    ['model m { input 0 dense 2 }', 'f.mlp:1:11: input size must be at least 1'],
    ['model m { input 4 dense 3 softmax dense 2 }', 'f.mlp:1:35: softmax must be the last declaration of model m'],
    ['model m { input 4 softmax }', 'f.mlp:1:19: softmax needs a dense layer before it'],
    ['model m {\n  dense 3\n}', 'f.mlp:2:3: input must be declared before the first dense layer'],
    ['model m { }', 'f.mlp:1:1: model m has no input declaration'],
    ['model m { input 4 }', 'f.mlp:1:1: model m has no dense layers'],
    ['model m { input 4 input 5 dense 1 }', 'f.mlp:1:19: duplicate input declaration'],
    ['model m {\n input 4\n dense 3\n dense fc1: 2 }', 'f.mlp:4:2: duplicate layer name fc1 (first declared at line 3)'],
    ['model m { input 4 dense 3 leaky(64.5) }', 'f.mlp:1:19: layer fc1: leaky alpha 64.5 is outside [-64, 64]'],
    ['model m { input 4 dense 3 leaky(-65) }', 'f.mlp:1:19: layer fc1: leaky alpha -65 is outside [-64, 64]'],
    ['model m { input 4 dense 3 elu(100) }', 'f.mlp:1:19: layer fc1: elu alpha 100 is outside [-64, 64]'],
    ['model m { input 4 dense 3 relux }', 'f.mlp:1:19: unknown activation relux (expected one of none, identity, relu, leaky, prelu, elu, sigmoid, tanh)'],
    ['model m { input 4 dense 3 relu(2) }', 'f.mlp:1:19: activation relu takes no argument'],
  ];
  it.each(failures)('rejects %j', (src, message, excerpt) => {
    let caught: unknown;
    try {
      parseMlp(src, 'f.mlp');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DlpError);
    expect((caught as DlpError).message).toBe(message);
    if (excerpt !== undefined) expect((caught as DlpError).excerpt).toBe(excerpt);
  });
});
