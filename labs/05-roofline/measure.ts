// Lab 05 (provided, do not edit): compile the lab's layer — dense 784→128 + ReLU, int8 — for
// a hardware config and batch, and simulate it (timing only). Both your sweep script and the
// checker call this, so your numbers and the checker's come from the same tools. Hand-outs
// import it as `dlpkit/labkit` (labs/kit.ts re-exports it).
import { type HardwareConfig } from '../../isa/hardware.js';
import { loadHardware } from '../../isa/node.js';
import { compileAndRun, mlpGraph } from '../lib/device.js';
import type { SimReport } from '../../simulator/index.js';

export const LAYER = { K: 784, N: 128, dtype: 'int8' as const };

/** The base machine of the lab. */
export function baseHardware(): HardwareConfig {
  return loadHardware('dlp-s');
}

/** Simulator report of the layer at `batch` on `hw` (same weights every time). */
export function measureLayer(hw: HardwareConfig, batch: number): SimReport {
  return compileAndRun(mlpGraph('lab05', [LAYER.K, LAYER.N]), 5, hw, { dtype: LAYER.dtype, batch }).report;
}
