// Golden outputs: every case of cases.ts compiles to the same bundle bytes and simulates in
// the same cycles as recorded in golden.json (by scripts/record-golden.ts, on the code before
// the timing engine, footprints and ACT arithmetic were shared between compiler and
// simulator). A deliberate change re-records the file and says why in its commit.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GOLDEN_CASES, runGoldenCase, type GoldenRecord } from './cases.js';

const golden = JSON.parse(readFileSync(new URL('./golden.json', import.meta.url), 'utf8')) as Record<string, GoldenRecord>;

describe('golden bundles', () => {
  it('records every case and nothing else', () => {
    expect(Object.keys(golden).sort()).toEqual(GOLDEN_CASES.map((c) => c.name).sort());
  });
  for (const c of GOLDEN_CASES) {
    it(c.name, () => {
      expect(runGoldenCase(c)).toEqual(golden[c.name]);
    });
  }
});
