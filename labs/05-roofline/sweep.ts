// Lab 05 — your script. Run it with `dlp lab run sweep.ts`, read the
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

// TODO sweep 2: at batch 16, vary DRAM bandwidth with withParam(hw, 'dram.bytesPerCycle', v).
// TODO sweep 3: at batch 16, vary the PE count with withParam(hw, 'mfu.pes', v).
void withParam;
