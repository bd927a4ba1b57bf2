// findUnwritten searches a span's whole extent at once (memory.ts); it must name the same
// first hole as a row-by-row search, whatever is written inside and between the rows.
import { describe, expect, it } from 'vitest';
import { createMemories, findUnwritten, markWritten } from '../../simulator/memory.js';
import { loadHardware } from '../../isa/node.js';
import { createRng } from '../../isa/rng.js';
import type { Span } from '../../isa/footprint.js';

/** The definition: the first unwritten byte of row 0, else of row 1, and so on. */
function rowByRow(written: Uint8Array, s: Span): number {
  for (let r = 0; r < s.rows; r++) {
    for (let b = 0; b < s.rowBytes; b++) if (written[s.start + r * s.pitch + b] === 0) return s.start + r * s.pitch + b;
  }
  return -1;
}

describe('findUnwritten', () => {
  const hw = loadHardware('edge-tiny');
  const size = 2048;

  it('finds the row-by-row first hole for random writes and spans (gaps, overlapping rows, empty rows)', () => {
    const rng = createRng(7);
    const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
    let holes = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const mem = createMemories(hw, new Uint8Array(16), 16);
      for (let w = int(0, 12); w > 0; w--) {
        const rows = int(1, 8), rowBytes = int(0, 64);
        markWritten(mem, { space: 'nram', start: int(0, 1024), rows, rowBytes, pitch: int(0, 96), operand: 'dst' });
      }
      const rows = int(1, 8), rowBytes = int(0, 64);
      const span: Span = { space: 'nram', start: int(0, 1024), rows, rowBytes, pitch: rows === 1 ? rowBytes : int(0, 96), operand: 'src' };
      expect(span.start + (rows - 1) * Math.max(span.pitch, 0) + rowBytes).toBeLessThanOrEqual(size);
      const want = rowByRow(mem.nram.written!, span);
      if (want >= 0) holes++;
      expect(findUnwritten(mem, span)).toBe(want);
    }
    // Both outcomes occur often enough to mean something.
    expect(holes).toBeGreaterThan(300);
    expect(holes).toBeLessThan(2700);
  });

  it('reports nothing in spaces that do not track writes (DRAM)', () => {
    const mem = createMemories(hw, new Uint8Array(64), 64);
    expect(findUnwritten(mem, { space: 'dram', start: 0, rows: 2, rowBytes: 8, pitch: 16, operand: 'src' })).toBe(-1);
  });
});
