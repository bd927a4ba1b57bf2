// Every lab: the starter files fail their checker and the reference solution passes it (in
// quick mode, which the checkers label as such). Failures must be specific: every failed case
// carries a detail, and the starter's report names at least one case.
import { describe, expect, it } from 'vitest';
import { labs, type CheckResult } from '../../labs/index.js';
import { fixedHostTiming, LAB10_CPU_SECONDS } from './fixed-timing.js';

function failedNames(r: CheckResult): string[] {
  return r.cases.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}${c.expected ? ` (expected ${c.expected}, got ${c.got})` : ''}`);
}

describe.each(labs.map((l) => [l.id, l] as const))('lab %s', (_id, lab) => {
  it('the starter fails with specific feedback', async () => {
    const r = await lab.check({ quick: true });
    expect(r.passed).toBe(false);
    expect(r.lab).toBe(lab.id);
    const failed = r.cases.filter((c) => !c.passed);
    expect(failed.length).toBeGreaterThan(0);
    for (const c of failed) expect(c.detail.length).toBeGreaterThan(5);
  });

  it('the reference solution passes', async () => {
    // Host timings are fixed (only lab 10 times the host), so no verdict depends on this machine.
    const r = await lab.check({ quick: true, solution: true, timeHost: fixedHostTiming(LAB10_CPU_SECONDS) });
    expect(failedNames(r)).toEqual([]);
    expect(r.passed).toBe(true);
    if (lab.id === '10') expect(r.score).toMatchObject({ points: 100, of: 100 });
  });
});
