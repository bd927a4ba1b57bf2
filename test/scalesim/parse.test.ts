// The SCALE-Sim config and topology readers: the shipped samples, SCALE-Sim's own quirks
// (key: value, case-insensitive keys, trailing commas, depth-wise layers) and malformed input,
// with every message pinned to file:line.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseScaleSimConfig } from '../../compiler/scalesim/config.js';
import { parseTopology } from '../../compiler/scalesim/topology.js';
import { scaleSimHardware } from '../../compiler/scalesim/map.js';
import { loadHardware } from '../../isa/node.js';

const CFG = 'examples/scalesim/systolic32_ws.cfg';
const GEMM = 'examples/scalesim/mlp_gemm.csv';
const CONV = 'examples/scalesim/conv_tiny.csv';

const base = `[general]
run_name = t

[architecture_presets]
ArrayHeight: 8
ArrayWidth: 4
IfmapSramSzkB: 64
FilterSramSzkB: 32
OfmapSramSzkB: 16
Dataflow: os
`;

describe('config', () => {
  it('reads the shipped sample', () => {
    const c = parseScaleSimConfig(readFileSync(CFG, 'utf8'), CFG);
    expect(c).toMatchObject({
      runName: 'systolic32_ws', rows: 32, cols: 32, ifmapKiB: 128, filterKiB: 512, ofmapKiB: 128, dataflow: 'ws',
      offsets: { ifmap: 0, filter: 10000000, ofmap: 20000000 }, bandwidth: [32], interfaceBandwidth: 'CALC',
    });
  });

  it('maps onto dlpkit hardware: NRAM = ifmap + ofmap, WRAM = filter, 1-byte words', () => {
    const c = parseScaleSimConfig(readFileSync(CFG, 'utf8'), CFG);
    const hw = scaleSimHardware(c, loadHardware('systolic-32-ws'), CFG);
    expect(hw.name).toBe('scalesim-systolic32_ws');
    expect(hw.mfu).toEqual({ kind: 'systolic', rows: 32, cols: 32, dataflow: 'ws' });
    expect([hw.nram.bytes, hw.wram.bytes, hw.dram.bytesPerCycle, hw.vfu.lanes]).toEqual([256 * 1024, 512 * 1024, 32, 32]);
  });

  it('tolerates missing offsets, lower-case keys, comments and unknown keys; USER mode takes per-bank Bandwidth', () => {
    const text = `${base.replace('ArrayHeight', 'arrayheight')}; a comment\nMemoryBanks: 2\nBandwidth = 10, 20\n[run_presets]\nInterfaceBandwidth: USER\nSRAM_row_size: 2\n`;
    const c = parseScaleSimConfig(text, 'x.cfg');
    expect([c.rows, c.cols, c.dataflow, c.interfaceBandwidth, c.offsets.filter]).toEqual([8, 4, 'os', 'USER', 10000000]);
    expect(c.bandwidth).toEqual([10, 20]);
    expect(parseScaleSimConfig(`${base}[run_presets]\nUseUserBandwidth: False\n`, 'x.cfg').interfaceBandwidth).toBe('CALC');
  });

  it.each([
    ['no [general]', base.replace('[general]\nrun_name = t\n', ''), "x.cfg: missing section [general]"],
    ['no Dataflow', base.replace('Dataflow: os\n', ''), 'x.cfg:4: [architecture_presets] has no Dataflow'],
    ['bad dataflow', base.replace('Dataflow: os', 'Dataflow: rs'), "x.cfg:10: Dataflow must be one of os, ws, is, got 'rs'"],
    ['non-numeric size', base.replace('ArrayWidth: 4', 'ArrayWidth: four'), "x.cfg:6: ArrayWidth must be a whole number, got 'four'"],
    ['zero rows', base.replace('ArrayHeight: 8', 'ArrayHeight: 0'), 'x.cfg:5: ArrayHeight must be >= 1, got 0'],
    ['no delimiter', base.replace('Dataflow: os', 'Dataflow os'), "x.cfg:10: expected 'key = value' or a [section], got 'Dataflow os'"],
    ['key before a section', `run_name = t\n${base}`, "x.cfg:1: 'run_name = t' comes before any [section]"],
    ['duplicate key', `${base}Dataflow: ws\n`, "x.cfg:11: key 'Dataflow' appears twice in its section"],
    ['USER without Bandwidth', `${base}[run_presets]\nInterfaceBandwidth: USER\n`, 'x.cfg:4: [architecture_presets] has no Bandwidth'],
    ['bad mode', `${base}[run_presets]\nInterfaceBandwidth: AUTO\n`, "x.cfg:12: InterfaceBandwidth must be CALC or USER, got 'AUTO'"],
    ['bad bandwidth', `${base}Bandwidth: fast\n`, "x.cfg:11: Bandwidth must be positive numbers of words per cycle (comma-separated per bank), got 'fast'"],
  ])('%s', (_, text, message) => {
    expect(() => parseScaleSimConfig(text, 'x.cfg')).toThrow(message);
  });

  it('rejects SRAM beyond dlpkit NRAM, naming the line', () => {
    const c = parseScaleSimConfig(base.replace('IfmapSramSzkB: 64', 'IfmapSramSzkB: 16384'), 'x.cfg');
    expect(() => scaleSimHardware(c, loadHardware('systolic-32-ws'), 'x.cfg'))
      .toThrow("x.cfg:7: IfmapSramSzkB + OfmapSramSzkB = 16400 kB exceeds dlpkit's NRAM limit of 16384 kB");
  });
});

describe('topology', () => {
  it('reads the shipped GEMM sample (trailing commas, spaces)', () => {
    const t = parseTopology(readFileSync(GEMM, 'utf8'), GEMM);
    expect(t.kind).toBe('gemm');
    expect(t.layers.map((l) => [l.name, l.m, l.n, l.k, l.line])).toEqual([
      ['mnist_fc1', 100, 32, 784, 2], ['mnist_fc2', 100, 16, 32, 3], ['mnist_fc3', 100, 10, 16, 4],
      ['square_128', 128, 128, 128, 5], ['tall_400x64', 400, 64, 64, 6], ['odd_37x53x91', 37, 53, 91, 7],
    ]);
  });

  it('accepts rows without the trailing comma and skips blank lines', () => {
    const t = parseTopology('Layer, M, N, K,\n\n a , 1, 2, 3\nb,4,5,6,\n', 't.csv');
    expect(t.layers.map((l) => [l.name, l.m, l.n, l.k])).toEqual([['a', 1, 2, 3], ['b', 4, 5, 6]]);
  });

  it('lowers the shipped convolution sample by im2col (depth-wise split per channel)', () => {
    const t = parseTopology(readFileSync(CONV, 'utf8'), CONV);
    expect(t.kind).toBe('conv');
    // Conv1: 16×16, 3×3×3, 16 filters, stride 1 → 14×14 outputs: M = 196, K = 27, N = 16.
    // Conv2: 14×14, 3×3×16, 32 filters, stride 2 → ⌈(14 − 3 + 2)/2⌉ = 7 → M = 49, K = 144, N = 32.
    // CONV3_DP: 6×6, 3×3, 2 channels → two single-channel layers, M = 16, K = 9, N = 1.
    expect(t.layers.map((l) => [l.name, l.m, l.n, l.k])).toEqual([
      ['Conv1', 196, 16, 27], ['Conv2', 49, 32, 144], ['CONV3_DPChannel_0', 16, 1, 9], ['CONV3_DPChannel_1', 16, 1, 9],
    ]);
  });

  it.each([
    ['empty', '', 't.csv: topology file is empty'],
    ['unknown header', 'a, b, c,\n', "t.csv:1: unrecognised topology header 'a, b, c' (expected 'Layer, M, N, K,' for GEMM or SCALE-Sim's convolution header starting 'Layer name, IFMAP Height, ...')"],
    ['no rows', 'Layer, M, N, K,\n', 't.csv:1: topology has a header but no layers'],
    ['short row', 'Layer, M, N, K,\nfc, 10, 20,\n', "t.csv:2: layer 'fc': expected 'name, M, N, K,' but found 3 fields"],
    ['bad number', 'Layer, M, N, K,\nfc, 10, x, 3,\n', "t.csv:2: layer 'fc': N must be a whole number >= 1, got 'x'"],
    ['zero', 'Layer, M, N, K,\nok, 1, 1, 1,\nfc, 0, 1, 1,\n', "t.csv:3: layer 'fc': M must be a whole number >= 1, got '0'"],
    ['empty name', 'Layer, M, N, K,\n, 1, 1, 1,\n', 't.csv:2: layer name is empty'],
    ['filter too big', 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nc, 2, 8, 3, 3, 1, 1, 1,\n', "t.csv:2: layer 'c': Filter Height 3 exceeds IFMAP Height 2"],
    ['short conv row', 'Layer name, IFMAP Height, IFMAP Width,\nc, 2, 8,\n', "t.csv:2: layer 'c': expected 'name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,' but found 3 fields"],
  ])('%s', (_, text, message) => {
    expect(() => parseTopology(text, 't.csv')).toThrow(message);
  });
});
