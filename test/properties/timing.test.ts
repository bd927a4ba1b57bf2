// Properties 3 and 4 of issue #7: timing sanity (cycles at least the roofline and the
// compulsory DMA time; the same program never gets faster with half the DRAM bandwidth, twice
// the latency or half the PEs; timing independent of data) and determinism (compile and
// simulate twice: same program, image, outputs, cycles and report).
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { arbCase, MAC_BUDGET } from './arbitraries.js';
import { checkDeterminism, checkTiming } from './checks.js';
import { assertProperty, PROPERTY_TIMEOUT, runsOf } from './report.js';

describe('timing and determinism (properties)', () => {
  it('3. cycles >= roofline; monotone in DRAM bandwidth, DRAM latency and PE count', () => {
    assertProperty('timing', arbCase(), (c) => fc.pre(checkTiming(c)), runsOf(25));
  }, PROPERTY_TIMEOUT);

  it('4. the same case gives the same program, outputs, cycles and report every time', () => {
    assertProperty('determinism', arbCase({ budget: MAC_BUDGET / 2 }), (c) => fc.pre(checkDeterminism(c)), runsOf(12));
  }, PROPERTY_TIMEOUT);
});
