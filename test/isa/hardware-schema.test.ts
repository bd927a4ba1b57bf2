// The hardware schema's messages: every field's own wording (written in isa/hardware.ts, no zod
// locale), for the mistakes a hand-edited hardware file makes.
import { describe, expect, it } from 'vitest';
import { loadPreset, parseHardware, presetNames } from '../../isa/hardware.js';

const base = loadPreset('dlp-s');
/** dlp-s with one field replaced (or deleted with `undefined`) at a dotted path. */
function edited(path: string, value: unknown): unknown {
  const o = structuredClone(base) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let t = o;
  for (const k of keys.slice(0, -1)) t = t[k] as Record<string, unknown>;
  if (value === undefined) delete t[keys.at(-1)!];
  else t[keys.at(-1)!] = value;
  return o;
}
const message = (raw: unknown): string => {
  try {
    parseHardware(raw);
    return 'accepted';
  } catch (e) {
    return (e as Error).message;
  }
};

describe('hardware config errors', () => {
  it.each([
    ['dram.latencyCycles', 1.5, 'dram.latencyCycles: dram.latencyCycles must be an integer'],
    ['dram.latencyCycles', '3', 'dram.latencyCycles: dram.latencyCycles must be an integer'],
    ['dram.latencyCycles', undefined, 'dram.latencyCycles: dram.latencyCycles must be an integer'],
    ['dram.latencyCycles', -1, 'dram.latencyCycles: dram.latencyCycles must be >= 0'],
    ['nram.bytes', 2 ** 25, 'nram.bytes: nram.bytes must be <= 16777216'],
    ['clockHz', Number.NaN, 'clockHz: clockHz must be a number'],
    ['clockHz', Number.POSITIVE_INFINITY, 'clockHz: clockHz must be a number'],
    ['energy.vfuOpPj', 0, 'energy.vfuOpPj: energy.vfuOpPj must be > 0'],
    ['name', '', 'name: name must not be empty'],
    ['mfu.kind', 'tpu', 'mfu.kind: mfu.kind must be one of adder-tree, systolic'],
    ['mfu', { kind: 'systolic', rows: 8, cols: 8, dataflow: 'rs' }, 'mfu.dataflow: mfu.dataflow must be one of os, ws, is'],
    ['mfu', { kind: 'systolic', rows: 8, cols: 8, dataflow: 'os', pes: 4 }, 'mfu: unknown key "pes" (allowed: kind, rows, cols, dataflow)'],
    ['dram.latency', 100, 'dram: unknown key "latency" (allowed: bytesPerCycle, latencyCycles, burstBytes, capacityBytes)'],
    ['queues', 4, 'queues: queues must be an object'],
  ])('%s = %j', (path, value, expected) => {
    expect(message(edited(path, value))).toBe(`invalid hardware config: ${expected}`);
  });

  it('names an unknown top-level key and a root that is not an object', () => {
    expect(message({ ...base, clock: 1 })).toMatch(/^invalid hardware config: \(root\): unknown key "clock" \(allowed: name, description, clockHz, /);
    expect(message([])).toBe('invalid hardware config: (root): the config must be an object');
  });

  it('names each numeric field in its own messages (fields with one range share its schema)', () => {
    const leaves: string[] = [];
    const walk = (o: object, at: string) => {
      for (const [k, v] of Object.entries(o)) {
        if (typeof v === 'object' && v !== null) walk(v, `${at}${k}.`);
        else if (typeof v === 'number') leaves.push(`${at}${k}`);
      }
    };
    walk(base, '');
    expect(leaves.length).toBeGreaterThan(25);
    for (const path of leaves) {
      for (const bad of ['x', 1e300, -1, 0.5]) {
        const m = message(edited(path, bad));
        if (m === 'accepted') continue; // 0.5 is a valid energy, for one
        expect(m.startsWith(`invalid hardware config: ${path}: ${path} must be `), `${path} = ${bad}: ${m}`).toBe(true);
      }
    }
  });

  it('accepts every preset unchanged', () => {
    for (const name of presetNames()) expect(parseHardware(structuredClone(loadPreset(name))), name).toEqual(loadPreset(name));
  });
});
