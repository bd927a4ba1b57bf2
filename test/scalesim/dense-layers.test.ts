// `dlp scalesim` compiles its GEMMs dense (gemmModel's options: skipZeroTiles false), as SCALE-Sim
// models them. Its weights are seeded random floats, which practically never leave an all-zero
// weight tile (every weight of the tile would have to round to 0), so the dense compile must give
// exactly the program, and the figures, that a compile skipping zero tiles gives.
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { gemmModel, parseScaleSimConfig, scaleSimHardware, scaleSimLayerFigures, type TopologyLayer } from '../../compiler/scalesim/index.js';
import { loadHardware } from '../../isa/node.js';
import { simulate } from '../../simulator/index.js';
import { runScaleSimLayer } from '../../cli/commands/scalesim.js';

const CONFIG = ['[general]', 'run_name = dense', '[architecture_presets]', 'ArrayHeight: 8', 'ArrayWidth: 8', 'IfmapSramSzkB: 64',
  'FilterSramSzkB: 64', 'OfmapSramSzkB: 64', 'IfmapOffset: 0', 'FilterOffset: 10000000', 'OfmapOffset: 20000000', 'Dataflow : os',
  'Bandwidth : 10', 'MemoryBanks: 1', '[run_presets]', 'InterfaceBandwidth: CALC', ''].join('\n');

describe('dlp scalesim layers are compiled dense', () => {
  const cfg = parseScaleSimConfig(CONFIG, 'dense.cfg');
  const hw = scaleSimHardware(cfg, loadHardware('systolic-32-ws'), 'dense.cfg');
  const layers: TopologyLayer[] = [
    { name: 'fc', m: 100, n: 128, k: 784, line: 2 },
    { name: 'odd', m: 37, n: 53, k: 91, line: 3 },
  ];

  it.each(layers.map((l, i) => [l.name, l, i] as const))('%s: the same cycles and DRAM bytes as the default compile, which skips zero tiles', (_, layer, index) => {
    const seed = 1;
    const row = runScaleSimLayer(layer, index, hw, seed, 'dense.csv', scaleSimLayerFigures(cfg, layer));
    const { model, weights, options } = gemmModel(layer, index, seed);
    expect(options.skipZeroTiles).toBe(false);
    const dense = compile(model, weights, hw, options);
    const skipping = compile(model, weights, hw, { ...options, skipZeroTiles: true });
    // No zero tile to skip: both compiles emit the same instructions.
    expect(dense.program.instrs).toEqual(skipping.program.instrs);
    const report = simulate(skipping.program, hw, { dram: skipping.image, functional: false }).report;
    expect([row.dlp.cycles, row.dlp.dramReadBytes, row.dlp.dramWriteBytes]).toEqual([report.cycles, report.dramReadBytes, report.dramWriteBytes]);
  });
});
