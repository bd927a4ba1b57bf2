import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DlpError } from '../../../isa/errors.js';
import { modelToJson, parseModelJson } from '../../../compiler/frontend/json.js';
import { parseMlp } from '../../../compiler/frontend/mlp.js';

describe('parseModelJson', () => {
  it('parses string and object activations with defaults', () => {
    const m = parseModelJson(
      JSON.stringify({
        name: 'm',
        input: 784,
        layers: [
          { units: 128, activation: 'relu' },
          { name: 'hidden', units: 64, activation: { kind: 'leaky', alpha: 0.1 } },
          { units: 32, activation: 'elu' },
          { units: 16, activation: { kind: 'prelu' } },
          { units: 10 },
        ],
        softmax: true,
      }),
      'm.json',
    );
    expect(m).toEqual({
      name: 'm',
      inputSize: 784,
      softmax: true,
      file: 'm.json',
      layers: [
        { kind: 'dense', name: 'fc1', units: 128, activation: { kind: 'relu' } },
        { kind: 'dense', name: 'hidden', units: 64, activation: { kind: 'leaky', alpha: 0.1 } },
        { kind: 'dense', name: 'fc3', units: 32, activation: { kind: 'elu', alpha: 1 } },
        { kind: 'dense', name: 'fc4', units: 16, activation: { kind: 'prelu' } },
        { kind: 'dense', name: 'fc5', units: 10, activation: { kind: 'identity' } },
      ],
    });
  });

  it('round-trips through modelToJson and matches the .mlp example', () => {
    const fromMlp = parseMlp(readFileSync('examples/mnist.mlp', 'utf8'));
    const fromJson = parseModelJson(readFileSync('examples/mnist.json', 'utf8'));
    const strip = (m: typeof fromMlp) => m.layers.map((l) => [l.name, l.units, l.activation]);
    expect(strip(fromJson)).toEqual(strip(fromMlp));
    expect(modelToJson(fromJson)).toBe(readFileSync('examples/mnist.json', 'utf8'));
    const elu = parseMlp('model e { input 3 dense 2 elu(0.5) dense 1 leaky(0.2) }');
    expect(parseModelJson(modelToJson(elu)).layers.map((l) => l.activation)).toEqual([
      { kind: 'elu', alpha: 0.5 },
      { kind: 'leaky', alpha: 0.2 },
    ]);
  });

  const base = { name: 'm', input: 4, layers: [{ units: 3 }] };
  const activationHint =
    'must be one of "identity", "none", "relu", "leaky", "prelu", "elu", "sigmoid", "tanh" or an object {"kind": "leaky" | "elu", "alpha": number}';
  const failures: [string, unknown, string][] = [
    ['zero units', { ...base, layers: [{ units: 0 }] }, 'm.json: layers[0].units: must be >= 1'],
    ['fractional input', { ...base, input: 1.5 }, 'm.json: input: must be an integer'],
    ['string input', { ...base, input: '4' }, 'm.json: input: must be a number'],
    ['missing name', { input: 4, layers: [{ units: 3 }] }, 'm.json: name: is required (string)'],
    ['no layers', { ...base, layers: [] }, 'm.json: layers: must have at least 1 element(s)'],
    ['unknown activation', { ...base, layers: [{ units: 3, activation: 'rel' }] }, `m.json: layers[0].activation: ${activationHint}`],
    ['unknown kind', { ...base, layers: [{ units: 3, activation: { kind: 'gelu' } }] }, `m.json: layers[0].activation: ${activationHint}`],
    ['alpha out of range', { ...base, layers: [{ units: 3, activation: { kind: 'leaky', alpha: 100 } }] }, 'm.json: layers[0].activation.alpha: must be <= 64'],
    ['unknown layer key', { ...base, layers: [{ units: 3, size: 1 }] }, 'm.json: layers[0]: unknown key "size" (allowed: name, units, activation)'],
    ['unknown model key', { ...base, inputs: 4 }, 'm.json: model: unknown key "inputs" (allowed: name, input, layers, softmax)'],
    ['softmax not boolean', { ...base, softmax: 'yes' }, 'm.json: softmax: must be a boolean'],
    ['bad layer name', { ...base, layers: [{ name: '1x', units: 3 }] }, 'm.json: layers[0].name: must be an identifier (letters, digits, _ and .)'],
    ['duplicate names', { ...base, layers: [{ units: 3 }, { name: 'fc1', units: 2 }] }, 'm.json: layers[1].name: duplicate layer name fc1 (also layers[0])'],
    ['not an object', [1], 'm.json: model: must be an object'],
  ];
  it.each(failures)('rejects %s', (_label, value, message) => {
    let caught: unknown;
    try {
      parseModelJson(JSON.stringify(value), 'm.json');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DlpError);
    expect((caught as DlpError).message).toBe(message);
  });

  it('reports JSON syntax errors with the file', () => {
    expect(() => parseModelJson('{"name": "m",\n "input": }', 'm.json')).toThrow(/^m\.json: (\d+:\d+: )?invalid JSON: /);
  });
});
