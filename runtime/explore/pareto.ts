// The Pareto front of a sweep over (cycles, energy), both minimised: a point is on the front
// when no other point is at least as good in both and strictly better in one. Ties (identical
// figures) all stay on the front, so the answer does not depend on the points' order.
import type { PointResult } from './evaluate.js';

/** Indices (into `results`) of the Pareto-optimal points that ran, sorted by cycles. */
export function findParetoFront(results: readonly PointResult[]): number[] {
  const ok = results.map((r, i) => ({ i, m: r.metrics })).filter((x) => x.m !== undefined);
  const front = ok.filter(({ m: a }) => !ok.some(({ m: b }) =>
    b!.cycles <= a!.cycles && b!.energyJoules <= a!.energyJoules && (b!.cycles < a!.cycles || b!.energyJoules < a!.energyJoules)));
  return front.sort((x, y) => x.m!.cycles - y.m!.cycles || x.m!.energyJoules - y.m!.energyJoules || x.i - y.i).map((x) => x.i);
}
