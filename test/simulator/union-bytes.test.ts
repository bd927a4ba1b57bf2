// unionBytes (report.ts, compulsoryDramBytes) sweeps sorted run starts and ends; it must give
// the measure of the union of every span's runs, as merging the runs sorted by start does.
import { describe, expect, it } from 'vitest';
import { unionBytes } from '../../simulator/report.js';
import { createRng } from '../../isa/rng.js';
import type { Span } from '../../isa/footprint.js';

/** The definition: runs sorted by start, overlapping or touching runs merged, lengths summed. */
function mergedLength(spans: readonly Span[]): number {
  const runs: [number, number][] = [];
  for (const s of spans) for (let r = 0; r < s.rows; r++) runs.push([s.start + r * s.pitch, s.start + r * s.pitch + s.rowBytes]);
  runs.sort((a, b) => a[0] - b[0]);
  let total = 0, lo = -1, hi = -1;
  for (const [a, b] of runs) {
    if (a > hi) { total += hi - lo; lo = a; hi = b; } else if (b > hi) hi = b;
  }
  return total + (hi - lo);
}

describe('unionBytes', () => {
  it('is the union measure for random spans: repeats, shapes sharing a start, overlaps, touching and empty runs, gaps', () => {
    const rng = createRng(11);
    const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
    const seen = new Set<number>();
    for (let trial = 0; trial < 2000; trial++) {
      const spans: Span[] = [];
      for (let k = int(0, 10); k > 0; k--) {
        const s: Span = { space: 'dram', start: int(0, 4096), rows: int(1, 12), rowBytes: int(0, 96), pitch: int(0, 160), operand: 'src' };
        spans.push(s);
        if (rng() < 0.3) spans.push({ ...s }); // a tile loaded again
        if (rng() < 0.2) { // another shape from the same start, loaded twice
          const t: Span = { ...s, rows: int(1, 12), rowBytes: int(0, 96) };
          spans.push(t, { ...t });
        }
      }
      const want = mergedLength(spans);
      seen.add(want);
      expect(unionBytes(spans)).toBe(want);
    }
    expect(seen.size).toBeGreaterThan(500);
  });

  it('counts one 4 KiB weight panel loaded in 64-byte rows at a 256-byte stride once', () => {
    const panel: Span = { space: 'dram', start: 1024, rows: 64, rowBytes: 64, pitch: 256, operand: 'src' };
    expect(unionBytes([panel, { ...panel }, panel])).toBe(64 * 64);
    expect(unionBytes([])).toBe(0);
  });
});
