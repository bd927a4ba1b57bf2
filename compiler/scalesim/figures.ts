// A layer's SCALE-Sim report figures: both modes run its memory model row by row
// (user-mode.ts) — USER with its bandwidth-limited buffers, CALC with its estimating buffers,
// where nothing stalls and the compute columns equal the closed forms of report.ts/access.ts.
// What dlpkit cannot reproduce exactly is refused, naming the option or layer.
import { DlpError } from '../../isa/errors.js';
import { scaleSimAccess, type ScaleSimAccess } from './access.js';
import type { ScaleSimConfig } from './config.js';
import type { ScaleSimMemoryFigures } from './memory.js';
import { scaleSimFigures, type ScaleSimFigures } from './report.js';
import type { TopologyLayer } from './topology.js';
import { scaleSimUserFigures, userModeMemory } from './user-mode.js';

export interface ScaleSimLayerFigures { scaleSim: ScaleSimFigures; access: ScaleSimAccess; memory?: ScaleSimMemoryFigures }

export function scaleSimLayerFigures(cfg: ScaleSimConfig, layer: TopologyLayer, configFile: string, topologyFile: string): ScaleSimLayerFigures {
  const mfu = { rows: cfg.rows, cols: cfg.cols, dataflow: cfg.dataflow };
  if (layer.conv) {
    // im2col repeats IFMAP addresses; SCALE-Sim's buffers then hit on any copy, which the
    // element-indexed model in demand.ts does not follow.
    if (cfg.interfaceBandwidth === 'CALC' && cfg.version === 'v2') {
      // v2 CALC: the compute and SRAM columns in closed form; the DRAM columns stay dlpkit's.
      const scaleSim = scaleSimFigures(mfu, layer);
      return { scaleSim, access: scaleSimAccess(mfu, layer, scaleSim.totalCycles) };
    }
    throw new DlpError(`layer '${layer.name}': ${cfg.version === 'v3' ? 'a SCALE-Sim v3 config' : 'InterfaceBandwidth USER'} is reproduced for GEMM topologies (Layer, M, N, K,) only; a convolution's repeated IFMAP addresses change SCALE-Sim's buffer hits`, { file: topologyFile, line: layer.line });
  }
  return scaleSimUserFigures(mfu, layer, userModeMemory(cfg), cfg.interfaceBandwidth);
}
