// The memory runs serve ranges of demand rows at once where no read can stall (user-mode.ts);
// row by row is the definition. Random small configurations, chosen so that buffers evict,
// windows move inside folds, writes stall and folds are ragged, must give the same figures
// (or the same error) either way, for both modes, both memory versions and all dataflows.
import { describe, expect, it } from 'vitest';
import { lowerConv, runCalcMode, runUserMode, type ConvShape, type Dataflow, type Gemm } from '../../compiler/scalesim/index.js';
import { elementAt, emptyFoldDemand, foldDemands, firstRequestRow, folding, lastRequestRow, requestPorts, requestsAt, rowOfRequest } from '../../compiler/scalesim/demand.js';

/** A seeded generator (numbers repeat from run to run). */
function random(seed: number) {
  let s = seed;
  const next = () => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s / 0x80000000; };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

interface Case { a: { rows: number; cols: number; dataflow: Dataflow }; g: Gemm; conv?: ConvShape; bytes: [number, number, number]; bandwidths: [number, number, number]; version: 'v2' | 'v3' }

function cases(seed: number, n: number): Case[] {
  const r = random(seed);
  const dataflows: Dataflow[] = ['os', 'ws', 'is'];
  return Array.from({ length: n }, () => {
    const a = { rows: r.int(1, 9), cols: r.int(1, 9), dataflow: dataflows[r.int(0, 2)]! };
    let g: Gemm, conv: ConvShape | undefined;
    if (r.next() < 0.3) {
      const fh = r.int(1, 3), fw = r.int(1, 3), stride = r.int(1, 2);
      const layer = lowerConv('c', { ifmapH: fh + r.int(0, 8), ifmapW: fw + r.int(0, 8), filterH: fh, filterW: fw, channels: r.int(1, 3), filters: r.int(1, 12), strideH: stride, strideW: stride }, 1);
      g = layer; conv = layer.conv;
    } else g = { m: r.int(1, 60), n: r.int(1, 60), k: r.int(1, 60) };
    // Mostly SRAMs far smaller than the operands, so that windows move and buffers drain often.
    const size = () => r.next() < 0.8 ? r.int(100, 3000) : r.int(1, 16) * 1024;
    const bw = r.int(1, 12);
    return { a, g, conv, bytes: [size(), size(), size()], bandwidths: [bw, r.next() < 0.5 ? bw : r.int(1, 12), bw], version: r.next() < 0.5 ? 'v2' : 'v3' };
  });
}

const outcome = (run: () => unknown) => { try { return run(); } catch (e) { return { error: (e as Error).message }; } };

describe('served ranges of demand rows', () => {
  it('each fold block is requested element by element, once, in the rows requestsAt counts and rowOfRequest finds', () => {
    for (const c of cases(11, 100)) {
      const f = folding(c.a, c.g);
      const demands = foldDemands(c.a, c.g);
      const d = emptyFoldDemand();
      for (let fr = 0; fr < f.rowFolds; fr++) {
        for (let fc = 0; fc < f.colFolds; fc++) {
          demands(fr, fc, d);
          for (const b of [d.ifmap, d.filter]) {
            const seen: number[] = [], counted: number[] = [], expected: number[] = [];
            const x0 = firstRequestRow(b), x1 = lastRequestRow(b);
            for (let x = 0; x < f.perFold; x++) {
              let inRow = 0;
              for (let p = 0; p < requestPorts(b) + 2; p++) { const e = elementAt(b, x, p); if (e >= 0) { seen.push(e); inRow++; } }
              counted.push(inRow > 0 === (x >= x0 && x <= x1) ? inRow : -1);
              expected.push(requestsAt(b, x));
            }
            expect(counted).toEqual(expected);
            // rowOfRequest: request number → its row, every request's.
            const rows: number[] = [], rowsOf: number[] = [];
            expected.forEach((n, x) => { for (let q = 0; q < n; q++) { rowsOf.push(rowOfRequest(b, rows.length)); rows.push(x); } });
            expect(rowsOf).toEqual(rows);
            const block = [];
            for (let i = 0; i < b.count; i++) for (let j = 0; j < b.width; j++) block.push(b.base + i * b.stride + j);
            expect(seen.sort((p, q) => p - q)).toEqual(block);
          }
        }
      }
    }
  });

  it('CALC: the same figures as row by row', () => {
    let moves = 0;
    for (const c of cases(1, 400)) {
      const mem = { ifmapBytes: c.bytes[0], filterBytes: c.bytes[1], ofmapBytes: c.bytes[2], version: c.version };
      const fast = outcome(() => runCalcMode(c.a, c.g, mem, c.conv));
      expect(fast).toEqual(outcome(() => runCalcMode(c.a, c.g, mem, c.conv, true)));
      // More misses than a window of 50 sets of ⌊bytes/100⌋: the window moved, mostly inside a fold.
      const dram = (fast as { dram?: { ifmap: { accesses: number }; filter: { accesses: number } } }).dram;
      if (dram && (dram.ifmap.accesses > 50 * Math.floor(c.bytes[0] / 100) || dram.filter.accesses > 50 * Math.floor(c.bytes[1] / 100))) moves++;
    }
    expect(moves).toBeGreaterThan(100);
  });

  it('USER: the same figures as row by row', () => {
    let stalled = 0;
    for (const c of cases(2, 400)) {
      const mem = { ifmapBytes: c.bytes[0], filterBytes: c.bytes[1], ofmapBytes: c.bytes[2], ifmapBandwidth: c.bandwidths[0], filterBandwidth: c.bandwidths[1], ofmapBandwidth: c.bandwidths[2], version: c.version };
      const fast = outcome(() => runUserMode(c.a, c.g, mem, c.conv));
      expect(fast).toEqual(outcome(() => runUserMode(c.a, c.g, mem, c.conv, true)));
      if ((fast as { stallCycles?: number }).stallCycles) stalled++;
    }
    expect(stalled).toBeGreaterThan(50);
  });
});
