// Front end for JSON model files: the same graph as a .mlp file, for programs that generate
// models. The zod schema is the format's definition; every validation failure becomes one
// DlpError naming the JSON path and what is allowed there.
import * as z from 'zod/mini';
import { DlpError } from '../../isa/errors.js';
import { stripBom } from '../../isa/format.js';
import type { Activation, ActivationKind, DenseLayer, ModelGraph } from '../model.js';
import { SLOPE_LIMIT } from '../../isa/act.js';
import { MAX_FEATURES, MAX_LAYERS, modelLimitProblem } from './limits.js';

/** Activations written as a bare string; leaky/elu take their PyTorch default alpha. */
const NAMED_ACTIVATIONS: Record<string, Activation> = {
  identity: { kind: 'identity' },
  none: { kind: 'identity' },
  relu: { kind: 'relu' },
  leaky: { kind: 'leaky', alpha: 0.01 },
  prelu: { kind: 'prelu' },
  elu: { kind: 'elu', alpha: 1 },
  sigmoid: { kind: 'sigmoid' },
  tanh: { kind: 'tanh' },
};
const ACTIVATION_HINT =
  `must be one of ${Object.keys(NAMED_ACTIVATIONS).map((n) => JSON.stringify(n)).join(', ')}` +
  ` or an object {"kind": "leaky" | "elu", "alpha": number}`;

/** A strict object whose unknown-key error lists the keys it allows. */
function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')} (allowed: ${allowed})` : undefined,
  });
}

/** The model schema, built on first use (a pure cache): constructing zod schemas is a few
 * milliseconds that a command reading a .mlp or .onnx file need not pay. */
let schema: ReturnType<typeof buildModelSchema> | undefined;
const modelSchema = () => (schema ??= buildModelSchema());

function buildModelSchema() {
  const alpha = z.number().check(z.minimum(-SLOPE_LIMIT), z.maximum(SLOPE_LIMIT));
  const simpleKinds = ['identity', 'relu', 'prelu', 'sigmoid', 'tanh'] as const;

  const activationSchema = z.union(
    [
      z.pipe(z.enum(Object.keys(NAMED_ACTIVATIONS) as [string, ...string[]]), z.transform((name: string) => NAMED_ACTIVATIONS[name] as Activation)),
      z.discriminatedUnion('kind', [
        strictObject({ kind: z.literal('leaky'), alpha }),
        strictObject({ kind: z.literal('elu'), alpha }),
        strictObject({ kind: z.enum(simpleKinds) }),
      ]),
    ],
    { error: ACTIVATION_HINT },
  );

  const layerSchema = strictObject({
    name: z.optional(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'must be an identifier (letters, digits, _ and .)'))),
    units: z.int().check(z.minimum(1), z.maximum(MAX_FEATURES)),
    activation: z.optional(activationSchema),
  });

  return strictObject({
    name: z.string().check(z.minLength(1)),
    input: z.int().check(z.minimum(1), z.maximum(MAX_FEATURES)),
    layers: z.array(layerSchema).check(z.minLength(1), z.maxLength(MAX_LAYERS)),
    softmax: z.optional(z.boolean()),
  }).check(z.superRefine((m, ctx) => {
    const seen = new Map<string, number>();
    m.layers.forEach((layer, i) => {
      const name = layer.name ?? `fc${i + 1}`;
      const first = seen.get(name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['layers', i, 'name'], message: `duplicate layer name ${name} (also layers[${first}])` });
      } else seen.set(name, i);
    });
  }));
}

/** Parses and validates a JSON model file. */
export function parseModelJson(source: string, file?: string): ModelGraph {
  const text = stripBom(source);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw jsonSyntaxError(text, (e as Error).message, file);
  }
  const result = modelSchema().safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0] as z.core.$ZodIssue;
    throw new DlpError(`${formatPath(issue.path)}: ${describeIssue(issue, valueAt(raw, issue.path) === undefined)}`, { file });
  }
  const m = result.data;
  const layers: DenseLayer[] = m.layers.map((l, i) => ({
    kind: 'dense',
    name: l.name ?? `fc${i + 1}`,
    units: l.units,
    activation: l.activation ?? { kind: 'identity' },
  }));
  const model: ModelGraph = { name: m.name, inputSize: m.input, layers, softmax: m.softmax ?? false };
  const limit = modelLimitProblem(model);
  if (limit) throw new DlpError(`${limit.layer < 0 ? 'input' : `layers[${limit.layer}]`}: ${limit.message}`, { file });
  if (file !== undefined) model.file = file;
  return model;
}

/** The JSON form of a model (stable key order, 2-space indent, trailing newline). */
export function modelToJson(model: ModelGraph): string {
  const layers = model.layers.map((l) => ({ name: l.name, units: l.units, activation: activationToJson(l.activation) }));
  return `${JSON.stringify({ name: model.name, input: model.inputSize, layers, softmax: model.softmax }, null, 2)}\n`;
}

function activationToJson(act: Activation): string | { kind: ActivationKind; alpha: number } {
  return act.kind === 'leaky' || act.kind === 'elu' ? { kind: act.kind, alpha: act.alpha } : act.kind;
}

/** `layers[1].activation`, or `model` for the root. */
function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || 'model';
}

/** The value at an issue's path in the parsed JSON (undefined where a key is missing). */
function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const key of path) v = v !== null && typeof v === 'object' && Object.hasOwn(v, key) ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

function describeIssue(issue: z.core.$ZodIssue, missing: boolean): string {
  switch (issue.code) {
    case 'invalid_type':
      return missing ? `is required (${issue.expected})` : `must be ${article(issue.expected)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `must have at least ${String(issue.minimum)} element(s)`
        : issue.origin === 'string'
          ? 'must not be empty'
          : `must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `must have at most ${String(issue.maximum)} element(s)`
        : `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    case 'invalid_format':
      return issue.message;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  if (type === 'int') return 'an integer';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Turns JSON.parse's "... at position N" into a located error. */
function jsonSyntaxError(text: string, message: string, file: string | undefined): DlpError {
  const reason = `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/s, '').replace(/,? (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '')}`;
  const pos = /position (\d+)/.exec(message);
  if (!pos) return new DlpError(reason, { file });
  const offset = Number(pos[1]);
  const before = text.slice(0, offset).split('\n');
  return new DlpError(reason, { file, line: before.length, column: (before.at(-1) ?? '').length + 1 });
}
