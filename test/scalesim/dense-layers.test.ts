// `dlp scalesim` compiles its GEMMs without weights and dense (gemmModel: skipZeroTiles false),
// as SCALE-Sim models them: a timing-only simulation reads no value. The figures must be those
// of the same layer compiled with weights, as before: seeded random floats (which practically
// never leave an all-zero weight tile, since every weight of the tile would have to round to 0)
// under the default compile, which skips zero tiles. Both programs are the same instructions;
// only ACT's quantisation constants (and the image's values) differ.
import { describe, expect, it } from 'vitest';
import { compile, randomWeights } from '../../compiler/index.js';
import { gemmModel, parseScaleSimConfig, scaleSimHardware, scaleSimLayerFigures, type TopologyLayer } from '../../compiler/scalesim/index.js';
import { loadHardware } from '../../isa/node.js';
import { simulate } from '../../simulator/index.js';
import { runScaleSimLayer } from '../../cli/commands/scalesim.js';
import { instrShape } from '../compiler/backend/helpers.js';

const CONFIG = ['[general]', 'run_name = dense', '[architecture_presets]', 'ArrayHeight: 8', 'ArrayWidth: 8', 'IfmapSramSzkB: 64',
  'FilterSramSzkB: 64', 'OfmapSramSzkB: 64', 'IfmapOffset: 0', 'FilterOffset: 10000000', 'OfmapOffset: 20000000', 'Dataflow : os',
  'Bandwidth : 10', 'MemoryBanks: 1', '[run_presets]', 'InterfaceBandwidth: CALC', ''].join('\n');

describe('dlp scalesim layers are compiled without weights, dense', () => {
  const cfg = parseScaleSimConfig(CONFIG, 'dense.cfg');
  const hw = scaleSimHardware(cfg, loadHardware('systolic-32-ws'), 'dense.cfg');
  const layers: TopologyLayer[] = [
    { name: 'fc', m: 100, n: 128, k: 784, line: 2 },
    { name: 'odd', m: 37, n: 53, k: 91, line: 3 },
    { name: 'cube', m: 64, n: 64, k: 64, line: 4 },
  ];

  it.each(layers.map((l, i) => [l.name, l, i] as const))('%s: the program and figures of a compile with seeded random weights that skips zero tiles', (_, layer, index) => {
    const row = runScaleSimLayer(layer, index, hw, 'dense.csv', scaleSimLayerFigures(cfg, layer));
    const { model, options } = gemmModel(layer, index);
    expect(options.skipZeroTiles).toBe(false);
    const weightless = compile(model, undefined, hw, options);
    const weighted = compile(model, randomWeights(model, 1 + index), hw, { ...options, skipZeroTiles: true });
    expect(weightless.program.instrs.map(instrShape)).toEqual(weighted.program.instrs.map(instrShape));
    // The constants do differ: the weightless scales are those of zero ranges.
    expect(weightless.program.instrs.filter((i) => i.op === 'ACT')).not.toEqual(weighted.program.instrs.filter((i) => i.op === 'ACT'));
    const report = simulate(weighted.program, hw, { dram: weighted.image, functional: false }).report;
    expect(row.dlp).toEqual({
      cycles: report.cycles, mfuUtilization: report.mfuUtilization, dramBytes: report.dramReadBytes + report.dramWriteBytes,
      dramReadBytes: report.dramReadBytes, dramWriteBytes: report.dramWriteBytes, energyJoules: report.energy.totalJoules,
      rooflineRatio: report.rooflineRatio, boundBy: report.boundBy,
    });
  });
});
