// Hardware configuration: one schema (zod) for every preset and user file, plus the derived
// quantities (peak MACs per cycle, element sizes) that the compiler's cost model and the
// simulator both read. Presets are JSON data in isa/presets/; reading a
// hardware file from disk is Node-only (hardware-file.ts).
import * as z from 'zod/mini';
import { DlpError } from './errors.js';
import { stripBom } from './format.js';
import { PRESET_JSON } from './presets/index.js';

// zod/mini: the same checks as zod's chained API as plain functions, so a bundle carries only
// the checks used here (zod's full API and its locales cost ~30 ms of every command's start).
// Every message is written here, so no locale is needed.

// Every field has a physical range (docs/simulator.md, "Limits"): a typo such as
// dramBytePj 1e308 or bytesPerCycle 1e-300 would otherwise give Infinity energy or 1e305 cycles.
// A range's schema is built once and shared by the fields that have it (one per field, ~45, cost
// about 2 ms more of every command's start): its messages name the field from the issue's path, which
// is complete when zod words an issue (at the end of a parse).
type Issue = { path?: PropertyKey[] };
const field = (iss: Issue) => (iss.path ?? []).join('.');
const ranges = new Map<string, z.ZodMiniNumber<number>>();
function range(kind: 'number' | 'integer', min: number, max: number, above = false): z.ZodMiniNumber<number> {
  const key = `${kind} ${min} ${max} ${above}`;
  let r = ranges.get(key);
  if (!r) {
    const type = { error: (iss: Issue) => `${field(iss)} must be ${kind === 'number' ? 'a number' : 'an integer'}` };
    const low = above ? z.positive({ error: (iss: Issue) => `${field(iss)} must be > 0` }) : z.minimum(min, { error: (iss: Issue) => `${field(iss)} must be >= ${min}` });
    r = (kind === 'number' ? z.number(type) : z.int(type)).check(low, z.maximum(max, { error: (iss: Issue) => `${field(iss)} must be <= ${max}` }));
    ranges.set(key, r);
  }
  return r;
}
/** A positive number at most `max`. */
const pos = (max: number) => range('number', 0, max, true);
/** A number in [min, max]. */
const between = (min: number, max: number) => range('number', min, max);
/** An integer in [min, max]. */
const intIn = (min: number, max: number) => range('integer', min, max);
/** Energy per event: at most 1 µJ (10^6 pJ), far above any real circuit. */
const PJ_MAX = 1e6;
const posInt = (max = 2 ** 31) => intIn(1, max);

/** An object with exactly these keys; an unknown key is named, with the keys allowed. */
function strict<T extends z.core.$ZodLooseShape>(shape: T, what?: string) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')} (allowed: ${allowed})`
        : issue.code === 'invalid_type' ? `${what ?? 'the config'} must be an object` : undefined,
  });
}

const adderTree = strict({
  kind: z.literal('adder-tree'),
  /** M processing elements, one output column each, linked by an H-tree. */
  pes: posInt(4096),
  /** N multipliers per PE feeding an adder tree (the reduction width per cycle). */
  lanes: posInt(4096),
}, 'mfu');

const systolic = strict({
  kind: z.literal('systolic'),
  rows: posInt(4096),
  cols: posInt(4096),
  dataflow: z.enum(['os', 'ws', 'is'], { error: 'mfu.dataflow must be one of os, ws, is' }),
}, 'mfu');

export const HardwareSchema = strict({
  name: z.string({ error: 'name must be a string' }).check(z.minLength(1, 'name must not be empty'), z.maxLength(200, 'name must be at most 200 characters')),
  description: z.optional(z.string({ error: 'description must be a string' }).check(z.maxLength(10_000, 'description must be at most 10000 characters'))),
  /** Clock frequency in Hz (cycles → seconds): 1 kHz to 100 GHz. */
  clockHz: between(1e3, 1e11),
  dram: strict({
    /** Sustained bandwidth in bytes per cycle, shared by loads and stores. */
    bytesPerCycle: between(1e-3, 65536),
    /** Fixed access latency in cycles paid once per DMA instruction. */
    latencyCycles: intIn(0, 1_000_000),
    /** Burst size in bytes: every row transfer is rounded up to whole bursts. */
    burstBytes: posInt(4096),
    /** DRAM capacity in bytes (programs touching beyond it are invalid). */
    capacityBytes: posInt(2 ** 32),
  }, 'dram'),
  nram: strict({ bytes: posInt(2 ** 24) }, 'nram'),
  wram: strict({ bytes: posInt(2 ** 24) }, 'wram'),
  mfu: z.discriminatedUnion('kind', [adderTree, systolic], { error: 'mfu.kind must be one of adder-tree, systolic' }),
  /** MFU throughput divisor per operand type (1 = full rate). */
  mfuRate: strict({ int8: posInt(64), int16: posInt(64), fp32: posInt(64) }, 'mfuRate'),
  vfu: strict({
    /** Elements processed per cycle. */
    lanes: posInt(4096),
    /** Cycles per vector of `lanes` elements for cheap ops (bias, identity, ReLU, leaky, PReLU, requant). */
    cheapCycles: posInt(1024),
    /** Cycles per vector for transcendental ops (sigmoid, tanh, ELU, exp in softmax). */
    dearCycles: posInt(1024),
    /** Pipeline fill latency per ACT instruction. */
    startupCycles: intIn(0, 1024),
  }, 'vfu'),
  queues: strict({
    load: posInt(1024),
    compute: posInt(1024),
    store: posInt(1024),
  }, 'queues'),
  /** Energy per event in picojoules; the presets derive theirs from Horowitz ISSCC 2014 (45 nm) by the rules in isa/energy.ts. */
  energy: strict({
    macPj: strict({ int8: pos(PJ_MAX), int16: pos(PJ_MAX), fp32: pos(PJ_MAX) }, 'energy.macPj'),
    vfuOpPj: pos(PJ_MAX),
    nramBytePj: pos(PJ_MAX),
    wramBytePj: pos(PJ_MAX),
    dramBytePj: pos(PJ_MAX),
    /** Static (leakage + clock) power in watts, charged for every cycle: at most 1 MW. */
    staticWatts: between(0, 1e6),
  }, 'energy'),
});

export type HardwareConfig = z.infer<typeof HardwareSchema>;
export type MfuConfig = HardwareConfig['mfu'];

/** Names of the bundled presets (the JSON files in isa/presets, listed in presets/index.ts). */
export function presetNames(): string[] {
  return Object.keys(PRESET_JSON).sort();
}

/** Validates an untrusted object as a hardware config; errors name the field and its range. */
export function parseHardware(raw: unknown, file?: string): HardwareConfig {
  const r = HardwareSchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.join('.') || '(root)';
  throw new DlpError(`invalid hardware config: ${path}: ${issue.message}`, { file });
}

/** Parses the text of a hardware JSON file (`file` names it in errors; a leading byte-order
 * mark is skipped). */
export function parseHardwareText(text: string, file?: string): HardwareConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(stripBom(text));
  } catch (e) {
    throw new DlpError(`hardware file is not valid JSON: ${(e as Error).message}`, { file });
  }
  return parseHardware(raw, file);
}

/** Loads a bundled preset by name. Reading a hardware JSON file by path is Node-only:
 * loadHardware in isa/node.ts. */
export function loadPreset(name: string): HardwareConfig {
  const raw = Object.hasOwn(PRESET_JSON, name) ? PRESET_JSON[name] : undefined;
  if (raw === undefined) throw new DlpError(`unknown hardware preset '${name}' (presets: ${presetNames().join(', ')}; or give a .json file)`);
  return parseHardware(structuredClone(raw), name);
}

/** Peak multiply-accumulates per cycle of the MFU for an operand type. */
export function peakMacsPerCycle(hw: HardwareConfig, dtype: 'int8' | 'int16' | 'fp32' = 'int8'): number {
  const units = hw.mfu.kind === 'adder-tree' ? hw.mfu.pes * hw.mfu.lanes : hw.mfu.rows * hw.mfu.cols;
  return units / hw.mfuRate[dtype];
}

/** Path segments that must never be followed: they reach Object.prototype, not the config. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Returns a copy with a dotted-path parameter replaced (used by design-space sweeps),
 * validated again so a sweep cannot produce an invalid machine. Only the config's own
 * fields are followed, and only a number or string field (a leaf) is replaced, so a path
 * such as `__proto__.toString` is an unknown parameter, never a prototype write. */
export function withParam(hw: HardwareConfig, path: string, value: number | string): HardwareConfig {
  const copy = structuredClone(hw) as Record<string, unknown>;
  const keys = path.split('.');
  const unknown = () => new DlpError(`unknown hardware parameter '${path}'`);
  if (keys.some((k) => FORBIDDEN_KEYS.has(k))) throw unknown();
  let node = copy;
  for (const k of keys.slice(0, -1)) {
    const next = Object.hasOwn(node, k) ? node[k] : undefined;
    if (typeof next !== 'object' || next === null || Array.isArray(next)) throw unknown();
    node = next as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (!Object.hasOwn(node, last) || (typeof node[last] !== 'number' && typeof node[last] !== 'string')) throw unknown();
  node[last] = value;
  return parseHardware(copy, `${hw.name} with ${path}=${value}`);
}
