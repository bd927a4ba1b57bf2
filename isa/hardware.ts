// Hardware configuration: one schema (zod) for every preset and user file, plus the derived
// quantities (peak MACs per cycle, element sizes) that the compiler's cost model and the
// simulator both read. Presets are JSON data in isa/presets/; reading a
// hardware file from disk is Node-only (hardware-file.ts).
import { z } from 'zod';
import { DlpError } from './errors.js';
import { PRESET_JSON } from './presets/index.js';

const pos = (what: string) => z.number({ error: `${what} must be a number` }).positive(`${what} must be > 0`);
const posInt = (what: string, max = 2 ** 31) =>
  z.number({ error: `${what} must be an integer` }).int(`${what} must be an integer`)
    .min(1, `${what} must be >= 1`).max(max, `${what} must be <= ${max}`);

const adderTree = z.object({
  kind: z.literal('adder-tree'),
  /** M processing elements, one output column each, linked by an H-tree. */
  pes: posInt('mfu.pes', 4096),
  /** N multipliers per PE feeding an adder tree (the reduction width per cycle). */
  lanes: posInt('mfu.lanes', 4096),
}).strict();

const systolic = z.object({
  kind: z.literal('systolic'),
  rows: posInt('mfu.rows', 4096),
  cols: posInt('mfu.cols', 4096),
  dataflow: z.enum(['os', 'ws', 'is'], { error: 'mfu.dataflow must be one of os, ws, is' }),
}).strict();

export const HardwareSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  /** Clock frequency in Hz (cycles → seconds). */
  clockHz: pos('clockHz'),
  dram: z.object({
    /** Sustained bandwidth in bytes per cycle, shared by loads and stores. */
    bytesPerCycle: pos('dram.bytesPerCycle'),
    /** Fixed access latency in cycles paid once per DMA instruction. */
    latencyCycles: z.number().int().min(0, 'dram.latencyCycles must be >= 0').max(1_000_000),
    /** Burst size in bytes: every row transfer is rounded up to whole bursts. */
    burstBytes: posInt('dram.burstBytes', 4096),
    /** DRAM capacity in bytes (programs touching beyond it are invalid). */
    capacityBytes: posInt('dram.capacityBytes', 2 ** 32),
  }).strict(),
  nram: z.object({ bytes: posInt('nram.bytes', 2 ** 24) }).strict(),
  wram: z.object({ bytes: posInt('wram.bytes', 2 ** 24) }).strict(),
  mfu: z.discriminatedUnion('kind', [adderTree, systolic]),
  /** MFU throughput divisor per operand type (1 = full rate). */
  mfuRate: z.object({ int8: posInt('mfuRate.int8', 64), int16: posInt('mfuRate.int16', 64), fp32: posInt('mfuRate.fp32', 64) }).strict(),
  vfu: z.object({
    /** Elements processed per cycle. */
    lanes: posInt('vfu.lanes', 4096),
    /** Cycles per vector of `lanes` elements for cheap ops (bias, identity, ReLU, leaky, PReLU, requant). */
    cheapCycles: posInt('vfu.cheapCycles', 1024),
    /** Cycles per vector for transcendental ops (sigmoid, tanh, ELU, exp in softmax). */
    dearCycles: posInt('vfu.dearCycles', 1024),
    /** Pipeline fill latency per ACT instruction. */
    startupCycles: z.number().int().min(0).max(1024),
  }).strict(),
  queues: z.object({
    load: posInt('queues.load', 1024),
    compute: posInt('queues.compute', 1024),
    store: posInt('queues.store', 1024),
  }).strict(),
  /** Energy per event in picojoules; the presets derive theirs from Horowitz ISSCC 2014 (45 nm) by the rules in isa/energy.ts. */
  energy: z.object({
    macPj: z.object({ int8: pos('energy.macPj.int8'), int16: pos('energy.macPj.int16'), fp32: pos('energy.macPj.fp32') }).strict(),
    vfuOpPj: pos('energy.vfuOpPj'),
    nramBytePj: pos('energy.nramBytePj'),
    wramBytePj: pos('energy.wramBytePj'),
    dramBytePj: pos('energy.dramBytePj'),
    /** Static (leakage + clock) power in watts, charged for every cycle. */
    staticWatts: z.number().min(0),
  }).strict(),
}).strict();

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

/** Parses the text of a hardware JSON file (`file` names it in errors). */
export function parseHardwareText(text: string, file?: string): HardwareConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
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

/** Returns a copy with a dotted-path parameter replaced (used by design-space sweeps),
 * validated again so a sweep cannot produce an invalid machine. */
export function withParam(hw: HardwareConfig, path: string, value: number | string): HardwareConfig {
  const copy = structuredClone(hw) as Record<string, unknown>;
  const keys = path.split('.');
  let node = copy as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) throw new DlpError(`unknown hardware parameter '${path}'`);
    node = node[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (!(last in node)) throw new DlpError(`unknown hardware parameter '${path}'`);
  node[last] = value;
  return parseHardware(copy, `${hw.name} with ${path}=${value}`);
}
