// Design-space sweeps: `--sweep KEY=V1,V2,...` axes over a base hardware config, expanded into
// the cartesian product of points in a fixed order (first axis slowest), so a run's point list
// — and therefore its results — never depend on how many workers evaluate them. Keys are
// friendly aliases (pes, nramKiB, dtype, ...) or any dotted hardware path withParam accepts;
// every point's hardware is validated here, before any work starts.
import { DlpError } from '../../isa/errors.js';
import { withParam, type HardwareConfig } from '../../isa/hardware.js';
import type { ComputeDType } from '../../compiler/passes/quantize.js';

/** How a friendly sweep key maps onto the hardware config (or onto a compile option). */
interface Alias {
  /** Dotted hardware path, or a compile option. */
  target: string | 'dtype' | 'batch';
  /** User value → config value (e.g. KiB → bytes). */
  scale?: number;
  kind: 'number' | 'string';
  what: string;
}

export const SWEEP_ALIASES: Readonly<Record<string, Alias>> = {
  pes: { target: 'mfu.pes', kind: 'number', what: 'processing elements of an adder-tree MFU' },
  lanes: { target: 'mfu.lanes', kind: 'number', what: 'multipliers per PE of an adder-tree MFU' },
  rows: { target: 'mfu.rows', kind: 'number', what: 'rows of a systolic MFU' },
  cols: { target: 'mfu.cols', kind: 'number', what: 'columns of a systolic MFU' },
  dataflow: { target: 'mfu.dataflow', kind: 'string', what: 'dataflow of a systolic MFU (os, ws, is)' },
  nramKiB: { target: 'nram.bytes', scale: 1024, kind: 'number', what: 'NRAM capacity in KiB' },
  wramKiB: { target: 'wram.bytes', scale: 1024, kind: 'number', what: 'WRAM capacity in KiB' },
  dramBytesPerCycle: { target: 'dram.bytesPerCycle', kind: 'number', what: 'DRAM bandwidth in bytes per cycle' },
  dramLatency: { target: 'dram.latencyCycles', kind: 'number', what: 'DRAM latency in cycles' },
  clockMHz: { target: 'clockHz', scale: 1e6, kind: 'number', what: 'clock frequency in MHz' },
  dtype: { target: 'dtype', kind: 'string', what: 'operand type (int8, int16, fp32)' },
  batch: { target: 'batch', kind: 'number', what: 'rows per program run' },
};

const DTYPES: readonly ComputeDType[] = ['int8', 'int16', 'fp32'];

export type SweepValue = number | string;

export interface SweepAxis {
  /** The key as the user wrote it (a column of the CSV). */
  key: string;
  values: SweepValue[];
}

export interface ExplorePoint {
  /** Position in the expanded order (the CSV row order). */
  index: number;
  /** Axis key → value, as the user wrote them. */
  params: Record<string, SweepValue>;
  hw: HardwareConfig;
  dtype: ComputeDType;
  batch: number;
}

/** Parses one `KEY=V1,V2,...` sweep; bad syntax or values are one-line DlpErrors. */
export function parseSweep(spec: string): SweepAxis {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new DlpError(`--sweep must look like KEY=V1,V2,... (e.g. pes=8,16,32), got '${spec}'`);
  const key = spec.slice(0, eq).trim();
  // Aliases or dotted identifiers only; withParam also refuses anything but the config's own
  // fields (no `__proto__.x`).
  if (!Object.hasOwn(SWEEP_ALIASES, key) && !/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/.test(key)) {
    throw new DlpError(`--sweep: '${key}' is not a sweep key; use one of ${Object.keys(SWEEP_ALIASES).join(', ')} or a dotted hardware path such as dram.latencyCycles`);
  }
  const raw = spec.slice(eq + 1).split(',').map((v) => v.trim());
  if (raw.some((v) => v === '')) throw new DlpError(`--sweep ${key}: empty value in '${spec.slice(eq + 1)}'`);
  const alias = Object.hasOwn(SWEEP_ALIASES, key) ? SWEEP_ALIASES[key] : undefined;
  const numeric = alias ? alias.kind === 'number' : raw.every((v) => Number.isFinite(Number(v)));
  const values: SweepValue[] = raw.map((v) => {
    if (!numeric) return v;
    const x = Number(v);
    if (!Number.isFinite(x)) throw new DlpError(`--sweep ${key}: '${v}' is not a number`);
    return x;
  });
  if (new Set(values).size !== values.length) throw new DlpError(`--sweep ${key}: repeated value in '${spec.slice(eq + 1)}'`);
  if (key === 'dtype') {
    const bad = values.find((v) => !DTYPES.includes(v as ComputeDType));
    if (bad !== undefined) throw new DlpError(`--sweep dtype: '${bad}' is not one of ${DTYPES.join(', ')}`);
  }
  if (key === 'batch') {
    const bad = values.find((v) => !Number.isInteger(v) || (v as number) < 1);
    if (bad !== undefined) throw new DlpError(`--sweep batch: '${bad}' is not a positive integer`);
  }
  return { key, values };
}

/** Applies one axis value to a point under construction. */
function applyValue(hw: HardwareConfig, key: string, value: SweepValue): HardwareConfig {
  const alias = Object.hasOwn(SWEEP_ALIASES, key) ? SWEEP_ALIASES[key] : undefined;
  const path = alias?.target ?? key;
  const v = alias?.scale !== undefined ? (value as number) * alias.scale : value;
  try {
    return withParam(hw, path, v);
  } catch (e) {
    if (!(e instanceof DlpError)) throw e;
    if (/^unknown hardware parameter/.test(e.reason)) {
      const mfuHint = path.startsWith('mfu.') ? ` (the ${hw.name} MFU is ${hw.mfu.kind})` : '';
      const known = Object.keys(SWEEP_ALIASES).join(', ');
      throw new DlpError(`--sweep ${key}: '${path}' is not a parameter of ${hw.name}${mfuHint}; use one of ${known} or a dotted hardware path`);
    }
    throw new DlpError(`--sweep ${key}=${value}: ${e.reason.replace(/^invalid hardware config: /, '')}`);
  }
}

/** Expands axes into points (first axis varies slowest), validating every hardware config. */
export function expandSweep(base: HardwareConfig, axes: readonly SweepAxis[], defaults: { dtype: ComputeDType; batch: number }): ExplorePoint[] {
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(a.key)) throw new DlpError(`--sweep ${a.key} is given twice; list all its values in one --sweep`);
    seen.add(a.key);
  }
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > 100_000) throw new DlpError(`the sweep has ${total} points; at most 100000 are allowed`);
  const points: ExplorePoint[] = [];
  for (let index = 0; index < total; index++) {
    let rest = index;
    const params: Record<string, SweepValue> = {};
    for (let a = axes.length - 1; a >= 0; a--) {
      const axis = axes[a]!;
      params[axis.key] = axis.values[rest % axis.values.length]!;
      rest = Math.floor(rest / axis.values.length);
    }
    let hw = base;
    let { dtype, batch } = defaults;
    for (const axis of axes) {
      const value = params[axis.key]!;
      if (axis.key === 'dtype') dtype = value as ComputeDType;
      else if (axis.key === 'batch') batch = value as number;
      else hw = applyValue(hw, axis.key, value);
    }
    // Key order of params follows the axes, not the reverse loop above.
    const ordered = Object.fromEntries(axes.map((a) => [a.key, params[a.key]!]));
    points.push({ index, params: ordered, hw, dtype, batch });
  }
  return points;
}
