// SCALE-Sim configuration files (.cfg): the mapping of its sections onto a typed config
// (INI reading in ini.ts, v3's extra options in config-v3.ts). Every error names the file and
// line of the offending entry (or of the section that lacks a key).
import { DlpError } from '../../isa/errors.js';
import { stripBom } from '../../isa/format.js';
import { isV3Config, readV3Options, type ScaleSimV3Options } from './config-v3.js';
import { readIni, type Ini, type IniEntry } from './ini.js';

export { readIni };

export type Dataflow = 'os' | 'ws' | 'is';

export interface ScaleSimConfig {
  /** [general] run_name: SCALE-Sim's output folder name. */
  runName: string;
  /** ArrayHeight R and ArrayWidth C. */
  rows: number;
  cols: number;
  /** SRAM sizes in KiB (SCALE-Sim's "kB" are 1024-byte units of 1-byte words). */
  ifmapKiB: number;
  filterKiB: number;
  ofmapKiB: number;
  /** Operand base addresses in SCALE-Sim's address space (kept for reference only). */
  offsets: { ifmap: number; filter: number; ofmap: number };
  dataflow: Dataflow;
  /** Bandwidth in words per cycle, one entry per memory bank (absent when not given). */
  bandwidth?: number[];
  /** [run_presets] InterfaceBandwidth: USER takes Bandwidth, CALC lets SCALE-Sim derive it. */
  interfaceBandwidth: 'CALC' | 'USER';
  /** Line of each key (lower-cased `section.key`), for errors raised after parsing. */
  lines: Record<string, number>;
  /** 'v3' when the file holds SCALE-Sim v3's options (config-v3.ts), then read into `v3`. */
  version: 'v2' | 'v3';
  v3?: ScaleSimV3Options;
}

const DEFAULT_OFFSETS = { ifmap: 0, filter: 10_000_000, ofmap: 20_000_000 };

/** Parses a SCALE-Sim v2 or v3 config. Keys that change nothing in the runs dlpkit reproduces
 * (MemoryBanks: SCALE-Sim uses the first Bandwidth entry; offsets: addresses only name
 * elements) are accepted; v3 options that would change the model are refused (config-v3.ts). */
export function parseScaleSimConfig(text: string, file: string): ScaleSimConfig {
  const ini = readIni(stripBom(text), file);
  const lines: Record<string, number> = {};
  const section = (name: string) => {
    const s = ini.get(name);
    if (!s) throw new DlpError(`missing section [${name}]`, { file });
    return s;
  };
  const get = (sec: string, key: string, required: boolean): IniEntry | undefined => {
    const s = section(sec);
    const e = s.keys.get(key.toLowerCase());
    if (!e && required) throw new DlpError(`[${sec}] has no ${key}`, { file, line: s.line });
    if (e) lines[`${sec}.${key.toLowerCase()}`] = e.line;
    return e;
  };
  const int = (sec: string, key: string, min: number, fallback?: number): number => {
    const e = get(sec, key, fallback === undefined);
    if (!e) return fallback!;
    if (!/^[+]?\d+$/.test(e.value)) throw new DlpError(`${key} must be a whole number, got '${e.value}'`, { file, line: e.line });
    const v = Number(e.value);
    if (v < min) throw new DlpError(`${key} must be >= ${min}, got ${v}`, { file, line: e.line });
    return v;
  };

  const runName = get('general', 'run_name', true)!.value.replace(/^"(.*)"$/, '$1');
  if (runName === '' || /[/\\]/.test(runName) || runName === '.' || runName === '..') {
    throw new DlpError(`run_name must be a plain folder name, got '${runName}'`, { file, line: lines['general.run_name'] });
  }
  const rows = int('architecture_presets', 'ArrayHeight', 1);
  const cols = int('architecture_presets', 'ArrayWidth', 1);
  const ifmapKiB = int('architecture_presets', 'IfmapSramSzkB', 1);
  const filterKiB = int('architecture_presets', 'FilterSramSzkB', 1);
  const ofmapKiB = int('architecture_presets', 'OfmapSramSzkB', 1);
  const offsets = {
    ifmap: int('architecture_presets', 'IfmapOffset', 0, DEFAULT_OFFSETS.ifmap),
    filter: int('architecture_presets', 'FilterOffset', 0, DEFAULT_OFFSETS.filter),
    ofmap: int('architecture_presets', 'OfmapOffset', 0, DEFAULT_OFFSETS.ofmap),
  };
  const df = get('architecture_presets', 'Dataflow', true)!;
  const dataflow = df.value.toLowerCase();
  if (dataflow !== 'os' && dataflow !== 'ws' && dataflow !== 'is') {
    throw new DlpError(`Dataflow must be one of os, ws, is, got '${df.value}'`, { file, line: df.line });
  }

  const interfaceBandwidth = readInterfaceMode(ini, file, lines);
  const bw = get('architecture_presets', 'Bandwidth', interfaceBandwidth === 'USER');
  let bandwidth: number[] | undefined;
  if (bw) {
    bandwidth = bw.value.split(',').map((x) => x.trim()).map((x) => {
      if (!/^\d+(\.\d+)?$/.test(x) || Number(x) <= 0) {
        throw new DlpError(`Bandwidth must be positive numbers of words per cycle (comma-separated per bank), got '${bw.value}'`, { file, line: bw.line });
      }
      // USER mode: SCALE-Sim reads each entry with int(), which rejects fractions.
      if (interfaceBandwidth === 'USER' && !/^\d+$/.test(x)) {
        throw new DlpError(`Bandwidth must be whole words per cycle in USER mode (SCALE-Sim reads it with int()), got '${bw.value}'`, { file, line: bw.line });
      }
      return Number(x);
    });
  }
  const version = isV3Config(ini) ? 'v3' : 'v2';
  const v3 = version === 'v3' ? readV3Options(ini, file, lines, interfaceBandwidth === 'USER') : undefined;
  return { runName, rows, cols, ifmapKiB, filterKiB, ofmapKiB, offsets, dataflow, bandwidth, interfaceBandwidth, lines, version, ...(v3 ? { v3 } : {}) };
}

/** InterfaceBandwidth (SCALE-Sim v2: CALC | USER) or the older UseUserBandwidth (True/False);
 * CALC when neither is given or the section is absent. */
function readInterfaceMode(ini: Ini, file: string, lines: Record<string, number>): 'CALC' | 'USER' {
  const run = ini.get('run_presets');
  const mode = run?.keys.get('interfacebandwidth');
  if (mode) {
    lines['run_presets.interfacebandwidth'] = mode.line;
    const v = mode.value.toUpperCase();
    if (v !== 'CALC' && v !== 'USER') throw new DlpError(`InterfaceBandwidth must be CALC or USER, got '${mode.value}'`, { file, line: mode.line });
    return v;
  }
  const legacy = run?.keys.get('useuserbandwidth');
  if (legacy) {
    lines['run_presets.useuserbandwidth'] = legacy.line;
    const v = legacy.value.toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(v)) return 'USER';
    if (['false', 'no', 'off', '0'].includes(v)) return 'CALC';
    throw new DlpError(`UseUserBandwidth must be True or False, got '${legacy.value}'`, { file, line: legacy.line });
  }
  return 'CALC';
}
