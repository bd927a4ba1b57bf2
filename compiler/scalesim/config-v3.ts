// SCALE-Sim v3's additions to the config file: ReadRequestBuffer / WriteRequestBuffer in
// [architecture_presets], the [layout] and [sparsity] sections and UseRamulatorTrace in
// [run_presets]. v3 requires all of them (its configparser raises without them), so a config
// holding any of them is read as a v3 config and must hold the rest. dlpkit reproduces v3's
// dense, default-layout, Ramulator-free memory model; an option that would switch v3 into
// another model is refused with an error naming it, never ignored.
import { DlpError } from '../../isa/errors.js';
import type { Ini, IniEntry } from './ini.js';

export interface ScaleSimV3Options {
  /** Request queue sizes; v3 uses them only to replay Ramulator traces (refused here), so in
   * the runs dlpkit accepts they change nothing — as in v3 itself. */
  readRequestBuffer: number;
  writeRequestBuffer: number;
  /** [layout]: in USER mode v3 reads IFMAP / FILTER from DRAM at *SRAMBankBandwidth words per
   * cycle (Bandwidth then sets only the OFMAP drain). Bank counts and ports matter only for
   * custom layouts (refused), except that the bandwidth must split evenly over the banks. */
  ifmap: { bankBandwidth: number; banks: number; ports: number };
  filter: { bankBandwidth: number; banks: number; ports: number };
}

/** Whether the parsed INI is a SCALE-Sim v3 config. */
export function isV3Config(ini: Ini): boolean {
  const arch = ini.get('architecture_presets')?.keys;
  return ini.has('layout') || ini.has('sparsity')
    || !!arch?.has('readrequestbuffer') || !!arch?.has('writerequestbuffer')
    || !!ini.get('run_presets')?.keys.has('useramulatortrace');
}

const TRUE = ['true', 'yes', 'on', '1'];
const FALSE = ['false', 'no', 'off', '0'];

/** Reads v3's options; `user` says InterfaceBandwidth is USER (where the bank split is checked). */
export function readV3Options(ini: Ini, file: string, lines: Record<string, number>, user: boolean): ScaleSimV3Options {
  const get = (sec: string, key: string): IniEntry => {
    const s = ini.get(sec);
    if (!s) throw new DlpError(`SCALE-Sim v3 config needs a [${sec}] section (v3 reads ${key} from it)`, { file });
    const e = s.keys.get(key.toLowerCase());
    if (!e) throw new DlpError(`[${sec}] has no ${key} (SCALE-Sim v3 requires it)`, { file, line: s.line });
    lines[`${sec}.${key.toLowerCase()}`] = e.line;
    return e;
  };
  const int = (sec: string, key: string, min: number): number => {
    const e = get(sec, key);
    if (!/^[+]?\d+$/.test(e.value) || Number(e.value) < min) throw new DlpError(`${key} must be a whole number >= ${min}, got '${e.value}'`, { file, line: e.line });
    return Number(e.value);
  };
  const bool = (sec: string, key: string): { on: boolean; line: number } => {
    const e = get(sec, key);
    const v = e.value.toLowerCase();
    if (!TRUE.includes(v) && !FALSE.includes(v)) throw new DlpError(`${key} must be True or False, got '${e.value}'`, { file, line: e.line });
    return { on: TRUE.includes(v), line: e.line };
  };
  const refuse = (sec: string, key: string, why: string) => {
    const b = bool(sec, key);
    if (b.on) throw new DlpError(`[${sec}] ${key} is on: ${why}; dlpkit does not model it and will not run the config without it`, { file, line: b.line });
  };
  refuse('run_presets', 'UseRamulatorTrace', 'SCALE-Sim v3 then replays per-request DRAM latencies from Ramulator trace files');
  refuse('sparsity', 'SparsitySupport', 'SCALE-Sim v3 then compresses the filter (N:M / ELLPACK / CSR metadata) and changes the WS demand');
  refuse('layout', 'IfmapCustomLayout', 'SCALE-Sim v3 then prefetches IFMAP in a custom layout order and models SRAM bank conflicts');
  refuse('layout', 'FilterCustomLayout', 'SCALE-Sim v3 then prefetches FILTER in a custom layout order and models SRAM bank conflicts');
  const bank = (op: 'Ifmap' | 'Filter') => {
    const b = { bankBandwidth: int('layout', `${op}SRAMBankBandwidth`, 1), banks: int('layout', `${op}SRAMBankNum`, 1), ports: int('layout', `${op}SRAMBankPort`, 1) };
    if (user && b.bankBandwidth % b.banks !== 0) {
      throw new DlpError(`${op}SRAMBankBandwidth ${b.bankBandwidth} must divide evenly over ${op}SRAMBankNum ${b.banks} banks (SCALE-Sim v3 asserts it)`, { file, line: lines[`layout.${op.toLowerCase()}srambankbandwidth`] });
    }
    return b;
  };
  return {
    readRequestBuffer: int('architecture_presets', 'ReadRequestBuffer', 1),
    writeRequestBuffer: int('architecture_presets', 'WriteRequestBuffer', 1),
    ifmap: bank('Ifmap'),
    filter: bank('Filter'),
  };
}
