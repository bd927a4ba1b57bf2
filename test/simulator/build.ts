// Test helpers: instructions built as objects with the spec's defaults filled in, and small
// programs/hardware configs for hand-computed cases.
import { ISA, type FieldSpec, type Instr, type Mnemonic, type InstrOf } from '../../isa/spec.js';
import type { Program, Region } from '../../isa/program.js';
import { type HardwareConfig } from '../../isa/hardware.js';
import { loadHardware } from '../../isa/node.js';

type Partial<M extends Mnemonic> = { [K in keyof Omit<InstrOf<M>, 'op'>]?: InstrOf<M>[K] };

/** An instruction with omitted operands taken from `default` / `defaultFrom` in the spec. */
export function instr<M extends Mnemonic>(op: M, fields: Partial<M>): InstrOf<M> {
  const out: Record<string, unknown> = { op };
  const given = fields as Record<string, unknown>;
  for (const f of ISA[op].fields as readonly FieldSpec[]) {
    if (given[f.name] !== undefined) out[f.name] = given[f.name];
    else if (f.default !== undefined) out[f.name] = f.default;
  }
  for (const f of ISA[op].fields as readonly FieldSpec[]) {
    if (out[f.name] === undefined && f.defaultFrom) out[f.name] = out[f.defaultFrom];
    if (out[f.name] === undefined) throw new Error(`${op} needs ${f.name}`);
  }
  return out as InstrOf<M>;
}

export const load = (f: Partial<'LOAD'>) => instr('LOAD', { stride: (f.cols ?? 0) * bytes(f.dtype), ...f });
export const store = (f: Partial<'STORE'>) => instr('STORE', { stride: (f.cols ?? 0) * bytes(f.dtype), ...f });
export const matmul = (f: Partial<'MATMUL'>) => instr('MATMUL', f);
export const act = (f: Partial<'ACT'>) => instr('ACT', f);
export const sync = () => instr('SYNC', {});
export const halt = () => instr('HALT', {});

function bytes(dtype: string | undefined): number {
  return dtype === 'int8' ? 1 : dtype === 'int16' ? 2 : 4;
}

export function program(instrs: Instr[], regions: Region[] = [], layerNames: Record<number, string> = {}): Program {
  return { instrs, regions, layerNames };
}

/** dlp-s with overrides applied to a deep copy (tests state the parameters they rely on). */
export function hardware(overrides: (hw: HardwareConfig) => void = () => {}, base = 'dlp-s'): HardwareConfig {
  const hw = structuredClone(loadHardware(base));
  overrides(hw);
  return hw;
}
