// Lab 05 — reference answers, computed by sweeping the simulator (so they stay right when the
// compiler or the presets change). A student may hand in answers.json instead.
import { peakMacsPerCycle, withParam } from 'dlpkit/isa';
import { baseHardware, measureLayer } from 'dlpkit/labkit';

export async function answers(): Promise<Record<string, number>> {
  const hw = baseHardware();
  const b1 = measureLayer(hw, 1);
  const b256 = measureLayer(hw, 256);
  const batches = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
  const bandwidths = [2, 4, 8, 16, 32, 64, 128];
  const pes = [4, 8, 16, 32, 64, 128, 256];
  return {
    q1: b1.macs,
    q2: b1.compulsoryDramBytes,
    q3: b1.macs / b1.compulsoryDramBytes,
    q4: peakMacsPerCycle(hw, 'int8') / hw.dram.bytesPerCycle,
    q5: batches.find((b) => measureLayer(hw, b).boundBy === 'compute') ?? NaN,
    q6: bandwidths.find((bw) => measureLayer(withParam(hw, 'dram.bytesPerCycle', bw), 16).boundBy === 'compute') ?? NaN,
    q7: Math.max(...pes.filter((p) => measureLayer(withParam(hw, 'mfu.pes', p), 16).boundBy === 'compute')),
    q8: b256.cycles,
    q9: b256.rooflineRatio,
  };
}
