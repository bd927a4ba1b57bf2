// Records test/golden/golden.json: the bundle hash and simulated cycles of every case in
// test/golden/cases.ts. Run it only to change the golden deliberately (and say why in the
// commit): `node --import tsx scripts/record-golden.ts`.
import { writeFileSync } from 'node:fs';
import { GOLDEN_CASES, runGoldenCase, type GoldenRecord } from '../test/golden/cases.js';

const out: Record<string, GoldenRecord> = {};
for (const c of GOLDEN_CASES) {
  const t0 = performance.now();
  out[c.name] = runGoldenCase(c);
  console.log(`${c.name}: ${out[c.name]!.cycles} cycles (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
const path = new URL('../test/golden/golden.json', import.meta.url);
writeFileSync(path, `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${GOLDEN_CASES.length} cases to test/golden/golden.json`);
