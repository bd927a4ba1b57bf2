// Which of SCALE-Sim's models gives a layer's report figures: CALC mode (v2) is its stall-free
// compute model in closed form (report.ts, access.ts); USER mode runs its memory model
// (user-mode.ts). What dlpkit cannot reproduce exactly is refused, naming the option.
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
  if (cfg.interfaceBandwidth === 'CALC') {
    if (cfg.version === 'v3') {
      const line = cfg.lines['run_presets.interfacebandwidth'];
      throw new DlpError("InterfaceBandwidth CALC with a SCALE-Sim v3 config: v3's COMPUTE_REPORT 'Total Cycles (incl. prefetch)' then comes from its bandwidth-estimating buffers, which dlpkit does not model; use USER, or drop the v3 options to get v2's CALC report", { file: configFile, ...(line ? { line } : {}) });
    }
    const scaleSim = scaleSimFigures(mfu, layer);
    return { scaleSim, access: scaleSimAccess(mfu, layer, scaleSim.totalCycles) };
  }
  if (layer.conv) {
    // im2col repeats IFMAP addresses; SCALE-Sim's buffers then hit on any copy, which the
    // element-indexed model in demand.ts does not follow.
    throw new DlpError(`layer '${layer.name}': InterfaceBandwidth USER is reproduced for GEMM topologies (Layer, M, N, K,) only; a convolution's repeated IFMAP addresses change SCALE-Sim's buffer hits`, { file: topologyFile, line: layer.line });
  }
  return scaleSimUserFigures(mfu, layer, userModeMemory(cfg));
}
