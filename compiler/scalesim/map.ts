// From SCALE-Sim's world to dlpkit's: a config becomes a HardwareConfig with a systolic MFU,
// and each GEMM of a topology becomes a one-layer identity dense model (batch M, K → N), which
// the ordinary compiler tiles (without weights: no figure reads a value) and the simulator times.
import { DlpError } from '../../isa/errors.js';
import { parseHardware, type HardwareConfig } from '../../isa/hardware.js';
import type { ModelGraph } from '../model.js';
import type { CompileOptions } from '../pipeline.js';
import type { ScaleSimConfig } from './config.js';
import type { TopologyLayer } from './topology.js';

/** dlpkit's limits on the MFU side and on-chip memories (isa/hardware.ts). */
const MAX_ARRAY = 4096;
const MAX_SRAM_BYTES = 2 ** 24;

/** SCALE-Sim's SRAM sizes are in kB of 1-byte words; dlpkit's buffers are in bytes. */
const KIB = 1024;

/** Maps a SCALE-Sim config onto dlpkit hardware. The array, its dataflow, the SRAM sizes
 * (NRAM = IFMAP + OFMAP SRAM, WRAM = FILTER SRAM) and the DRAM bandwidth (the first bank's
 * Bandwidth in words per cycle × 1 byte per word) come from the config; what SCALE-Sim does
 * not describe (clock, DRAM latency and bursts, VFU timing, queues, energy) comes from `base`.
 * The VFU gets one lane per array column, so one output row of the array drains per cycle. */
export function scaleSimHardware(cfg: ScaleSimConfig, base: HardwareConfig, file: string): HardwareConfig {
  const line = (key: string) => cfg.lines[`architecture_presets.${key}`];
  for (const [key, v] of [['arrayheight', cfg.rows], ['arraywidth', cfg.cols]] as const) {
    if (v > MAX_ARRAY) throw new DlpError(`${key === 'arrayheight' ? 'ArrayHeight' : 'ArrayWidth'} ${v} exceeds dlpkit's limit of ${MAX_ARRAY}`, { file, line: line(key) });
  }
  const nram = (cfg.ifmapKiB + cfg.ofmapKiB) * KIB;
  if (nram > MAX_SRAM_BYTES) {
    throw new DlpError(`IfmapSramSzkB + OfmapSramSzkB = ${cfg.ifmapKiB + cfg.ofmapKiB} kB exceeds dlpkit's NRAM limit of ${MAX_SRAM_BYTES / KIB} kB`, { file, line: line('ifmapsramszkb') });
  }
  const wram = cfg.filterKiB * KIB;
  if (wram > MAX_SRAM_BYTES) {
    throw new DlpError(`FilterSramSzkB = ${cfg.filterKiB} kB exceeds dlpkit's WRAM limit of ${MAX_SRAM_BYTES / KIB} kB`, { file, line: line('filtersramszkb') });
  }
  const hw = structuredClone(base);
  hw.name = `scalesim-${cfg.runName}`;
  hw.description = `${cfg.rows}x${cfg.cols} ${cfg.dataflow} systolic array from SCALE-Sim config ${file} (other parameters from ${base.name})`;
  hw.mfu = { kind: 'systolic', rows: cfg.rows, cols: cfg.cols, dataflow: cfg.dataflow };
  hw.nram = { bytes: nram };
  hw.wram = { bytes: wram };
  if (cfg.bandwidth) hw.dram = { ...hw.dram, bytesPerCycle: cfg.bandwidth[0]! };
  hw.vfu = { ...hw.vfu, lanes: cfg.cols };
  return parseHardware(hw, file);
}

/** A GEMM as a one-layer model: inputs are the m×k ifmap rows (batch m), the dense layer's
 * k×n weights are the filter, the identity activation leaves the product as the output; with
 * the options it compiles with. It compiles without weights (pipeline.ts `compile`): a
 * timing-only simulation reads no value, and the program, layout and schedule are those of any
 * weights compiled dense, as SCALE-Sim models every GEMM, so drawing and quantising K·N random
 * weights would only cost time (issue #23; test/scalesim/dense-layers). The bundle is only
 * simulated with its DRAM image, never written out, so no values are inlined into the program. */
export function gemmModel(layer: TopologyLayer, index: number): { model: ModelGraph; options: CompileOptions } {
  // SCALE-Sim names may hold any characters; dlpkit layer names end up in region names.
  const model: ModelGraph = {
    name: `scalesim-layer${index}`,
    inputSize: layer.k,
    softmax: false,
    layers: [{ kind: 'dense', name: `layer${index}`, units: layer.n, activation: { kind: 'identity' } }],
  };
  return { model, options: { dtype: 'int8', batch: layer.m, inlineData: false, skipZeroTiles: false } };
}
