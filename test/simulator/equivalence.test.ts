// The event-driven timing model agrees cycle for cycle with the tick-by-tick reference model
// on random programs and machines (fast-check), including stall counts per cause.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hwArb, instrArb, scheduleDrawn } from './arbitrary-programs.js';
import { tickSchedule } from './tick-model.js';

describe('event model = tick model', () => {
  it('on random programs and machines', () => {
    // Runs in which each stall cause occurred: the property must exercise all of them.
    const seen = { hazard: 0, queueFull: 0, dram: 0, sync: 0 };
    fc.assert(fc.property(fc.array(instrArb, { minLength: 1, maxLength: 24 }), hwArb, (body, h) => {
      const { ops, depths, sched: ev } = scheduleDrawn(body, h);
      const tick = tickSchedule(ops, depths);
      expect(ev.cycles).toBe(tick.cycles);
      expect(Array.from(ev.dispatch)).toEqual(tick.dispatch);
      expect(Array.from(ev.issue)).toEqual(tick.issue);
      expect(Array.from(ev.finish)).toEqual(tick.finish);
      expect(ev.stalls).toEqual(tick.stalls);
      expect(ev.unitBusy).toEqual(tick.unitBusy);
      for (const k of Object.keys(seen) as (keyof typeof seen)[]) if (ev.stalls[k] > 0) seen[k]++;
    }), { numRuns: 300, seed: 42 });
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(20);
  });
});
