// A layer's SCALE-Sim report figures: both modes run its memory model row by row
// (user-mode.ts) — USER with its bandwidth-limited buffers, CALC with its estimating buffers,
// where nothing stalls and the compute columns equal the closed forms of report.ts/access.ts.
// Convolutions use SCALE-Sim's im2col addresses (demand.ts, operandAddresses).
import type { ScaleSimAccess } from './access.js';
import type { ScaleSimConfig } from './config.js';
import type { ScaleSimMemoryFigures } from './memory.js';
import type { ScaleSimFigures } from './report.js';
import type { TopologyLayer } from './topology.js';
import { scaleSimUserFigures, userModeMemory } from './user-mode.js';

export interface ScaleSimLayerFigures { scaleSim: ScaleSimFigures; access: ScaleSimAccess; memory: ScaleSimMemoryFigures }

export function scaleSimLayerFigures(cfg: ScaleSimConfig, layer: TopologyLayer): ScaleSimLayerFigures {
  const mfu = { rows: cfg.rows, cols: cfg.cols, dataflow: cfg.dataflow };
  return scaleSimUserFigures(mfu, layer, userModeMemory(cfg), cfg.interfaceBandwidth, layer.conv);
}
