// Property 5 of issue #7: the pycnnl-style CnnlNet and the CLI `dlp run --json` agree with the
// direct library path (compile + writeInputs + simulate + readOutputs) on random cases:
// CnnlNet bit-for-bit in outputs and report, the CLI in the printed report.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { arbCase, MAC_BUDGET } from './arbitraries.js';
import { checkCli, checkCnnlNet } from './checks.js';
import { assertAsyncProperty, assertProperty, PROPERTY_TIMEOUT, runsOf } from './report.js';

// What both front ends can express; CnnlNet takes one batch of exactly `batch` rows.
const arbPlain = arbCase({ plain: true, budget: MAC_BUDGET / 2 }).map((c) => ({ ...c, rows: c.batch }));

describe('front ends agree with the library (properties)', () => {
  it('5. CnnlNet gives the library\'s outputs and report', () => {
    assertProperty('cnnlnet', arbPlain, (c) => fc.pre(checkCnnlNet(c)), runsOf(10));
  }, PROPERTY_TIMEOUT);

  it('5. `dlp run --json` prints the library\'s report', async () => {
    await assertAsyncProperty('cli', arbPlain, async (c) => fc.pre(await checkCli(c)), runsOf(6));
  }, PROPERTY_TIMEOUT);
});
