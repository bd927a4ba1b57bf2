// SCALE-Sim v3 configs are read (their options typed, USER mode's per-operand read bandwidths
// honoured) or refused with an error naming the option — never silently run as v2.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseScaleSimConfig, scaleSimLayerFigures, userModeMemory } from '../../compiler/scalesim/index.js';
import { DlpError } from '../../isa/errors.js';

const V3 = 'test/fixtures/scalesim/scale-v3-user.cfg';
const v3Text = readFileSync(V3, 'utf8');
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

const fails = (text: string): string => {
  try {
    const cfg = parseScaleSimConfig(text, 'v3.cfg');
    scaleSimLayerFigures(cfg, { name: 'g', m: 8, n: 8, k: 8, line: 2 });
  } catch (e) {
    if (e instanceof DlpError) return e.message;
    throw e;
  }
  return 'accepted';
};

describe('SCALE-Sim v3 configs', () => {
  it("reads v3's own configs/scale.cfg (USER) with its layout bandwidths", () => {
    const cfg = parseScaleSimConfig(v3Text, V3);
    expect(cfg.version).toBe('v3');
    expect(cfg.v3).toEqual({
      readRequestBuffer: 32, writeRequestBuffer: 32,
      ifmap: { bankBandwidth: 10, banks: 10, ports: 2 }, filter: { bankBandwidth: 10, banks: 10, ports: 2 },
    });
    expect(userModeMemory(cfg)).toEqual({
      ifmapBytes: 65536, filterBytes: 65536, ofmapBytes: 65536, ifmapBandwidth: 10, filterBandwidth: 10, ofmapBandwidth: 10, version: 'v3',
    });
    // Reads follow [layout], the OFMAP drain follows Bandwidth (single_layer_sim.run in v3).
    const mixed = parseScaleSimConfig(v3Text.replace('IfmapSRAMBankBandwidth: 10', 'IfmapSRAMBankBandwidth: 20').replace('Bandwidth : 10', 'Bandwidth : 3'), V3);
    expect(userModeMemory(mixed)).toMatchObject({ ifmapBandwidth: 20, filterBandwidth: 10, ofmapBandwidth: 3 });
  });

  it('v2 configs stay v2', () => {
    const v2 = v3Text.replace(/\[layout\][\s\S]*?\[run_presets\]/, '[run_presets]').replace(/^(Read|Write)RequestBuffer.*$/gm, '').replace(/^UseRamulatorTrace.*$/m, '');
    expect(parseScaleSimConfig(v2, 'v2.cfg').version).toBe('v2');
  });

  it.each([
    ['UseRamulatorTrace', v3Text.replace('UseRamulatorTrace: False', 'UseRamulatorTrace: True'), 'UseRamulatorTrace: True',
      '[run_presets] UseRamulatorTrace is on: SCALE-Sim v3 then replays per-request DRAM latencies from Ramulator trace files'],
    ['SparsitySupport', v3Text.replace('SparsitySupport : false', 'SparsitySupport : true'), 'SparsitySupport : true',
      '[sparsity] SparsitySupport is on'],
    ['IfmapCustomLayout', v3Text.replace('IfmapCustomLayout: False', 'IfmapCustomLayout: True'), 'IfmapCustomLayout: True',
      '[layout] IfmapCustomLayout is on'],
    ['FilterCustomLayout', v3Text.replace('FilterCustomLayout: False', 'FilterCustomLayout: yes'), 'FilterCustomLayout: yes',
      '[layout] FilterCustomLayout is on'],
  ])('refuses %s, naming the option and its line', (_name, text, line, message) => {
    const msg = fails(text);
    expect(msg).toContain(`v3.cfg:${lineOf(text, line)}: ${message}`);
    expect(msg).toContain('dlpkit does not model it');
  });

  it.each([
    ['a missing v3 key', v3Text.replace(/^WriteRequestBuffer.*$/m, ''), '[architecture_presets] has no WriteRequestBuffer (SCALE-Sim v3 requires it)'],
    ['a missing [sparsity]', v3Text.replace(/\[sparsity\][\s\S]*?\[run_presets\]/, '[run_presets]'), 'SCALE-Sim v3 config needs a [sparsity] section'],
    ['a bad boolean', v3Text.replace('IfmapCustomLayout: False', 'IfmapCustomLayout: maybe'), "IfmapCustomLayout must be True or False, got 'maybe'"],
    ['a bank split that does not divide', v3Text.replace('IfmapSRAMBankNum: 10', 'IfmapSRAMBankNum: 3'), 'IfmapSRAMBankBandwidth 10 must divide evenly over IfmapSRAMBankNum 3 banks'],
    ['a fractional USER Bandwidth', v3Text.replace('Bandwidth : 10', 'Bandwidth : 2.5'), "Bandwidth must be whole words per cycle in USER mode (SCALE-Sim reads it with int()), got '2.5'"],
  ])('rejects %s', (_name, text, message) => {
    expect(fails(text)).toContain(message);
  });
});
