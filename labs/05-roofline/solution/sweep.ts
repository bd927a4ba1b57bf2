// Lab 05 — reference sweep script. Run it with `dlp lab run sweep.ts`, read the
// numbers, and write your answers into answers.json (README.md lists the questions).
// The first sweep is written for you; add the others.
import { peakMacsPerCycle, withParam } from 'dlpkit/isa';
import { baseHardware, measureLayer } from 'dlpkit/labkit';

const hw = baseHardware();
console.log(`${hw.name}: peak ${peakMacsPerCycle(hw, 'int8')} int8 MACs/cycle, DRAM ${hw.dram.bytesPerCycle} B/cycle`);

// Sweep 1: batch size on the base machine.
for (const batch of [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]) {
  const r = measureLayer(hw, batch);
  console.log(`batch ${batch}: ${r.cycles} cycles, roofline ${r.rooflineCycles}, ${r.boundBy}-bound, MACs ${r.macs}, compulsory DRAM ${r.compulsoryDramBytes} B`);
}

// Sweep 2: DRAM bandwidth at batch 16 — the memory roof rises until compute is the limit.
for (const bw of [2, 4, 8, 16, 32, 64, 128]) {
  const r = measureLayer(withParam(hw, 'dram.bytesPerCycle', bw), 16);
  console.log(`batch 16, ${bw} B/cycle: ${r.cycles} cycles, roofline ${r.rooflineCycles}, ${r.boundBy}-bound`);
}

// Sweep 3: PE count at batch 16 — more PEs raise the compute roof until memory is the limit.
for (const pes of [4, 8, 16, 32, 64, 128, 256]) {
  const r = measureLayer(withParam(hw, 'mfu.pes', pes), 16);
  console.log(`batch 16, ${pes} PEs: ${r.cycles} cycles, roofline ${r.rooflineCycles}, ${r.boundBy}-bound`);
}

// Single numbers for answers.json.
const b1 = measureLayer(hw, 1);
console.log(`q3 intensity at batch 1: ${b1.macs / b1.compulsoryDramBytes} MACs/byte; q4 ridge: ${peakMacsPerCycle(hw, 'int8') / hw.dram.bytesPerCycle}`);
const b256 = measureLayer(hw, 256);
console.log(`q8/q9 batch 256: ${b256.cycles} cycles, ratio ${b256.rooflineRatio}`);
