// Codegen's two loop orders (docs/compiler.md, Schedules), written with the steps of
// loop-steps.ts. Streamed operands cycle through their buffer copies in emission order, so
// the order of the steps below is the program's instruction order.
import { accumulate, auxTile, blockTile, finishRows, finishTile, loadInput, loadPanel, panelTile, weightTile, type SegmentEmit } from './loop-steps.js';

/** Rows order: each block of m batch rows flows through all the segment's layers; an inner
 * layer's output stays in NRAM (`full`) as the next layer's fused input. */
export function emitRowsOrder(c: SegmentEmit): void {
  const { seg, rows: B } = c;
  for (let r0 = 0; r0 < B; r0 += seg.m) {
    const mr = Math.min(seg.m, B - r0);
    let prevFull = 0;
    seg.layers.forEach((t, i) => {
      const s = c.slots[i]!;
      // The input as one m×K block (loaded now, or the previous layer's rows), else k-tiles per use.
      const xBlock = t.xMode === 'block' ? loadInput(c, i, r0, mr, 0, c.q.layers[t.layer]!.K).addr : prevFull;
      const full = s.full ? s.full.take() : undefined;
      const blocks = c.patterns[i]!;
      for (let b = 0; b < blocks.length; b++) {
        const block = blocks[b]!;
        const { n0, nn } = block;
        const auxAddr = auxTile(c, i, n0, nn);
        const acc = s.acc.take();
        accumulate(c, i, mr, block, acc,
          (k0, kk) => (t.xMode === 'tile' ? loadInput(c, i, r0, mr, k0, kk) : blockTile(c, i, xBlock, k0)),
          (k0, kk) => weightTile(c, i, t.wMode === 'resident', k0, kk, n0, nn));
        finishTile(c, i, r0, mr, n0, nn, acc, auxAddr, full);
      }
      if (full !== undefined) {
        finishRows(c, i, r0, mr, full);
        prevFull = full;
      }
    });
    c.blockEnds?.push(c.out.length);
  }
}

/** Cols order (one layer): per column block, a K×n weight panel (or k×n tiles per use) while
 * every row block streams its input tiles past it. */
export function emitColsOrder(c: SegmentEmit): void {
  const { seg, rows: B } = c;
  const t = seg.layers[0]!;
  const s = c.slots[0]!;
  const blocks = c.patterns[0]!;
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b]!;
    const { n0, nn } = block;
    const auxAddr = auxTile(c, 0, n0, nn);
    const panel = t.wMode === 'panel' ? loadPanel(c, 0, block) : 0;
    for (let r0 = 0; r0 < B; r0 += seg.m) {
      const mr = Math.min(seg.m, B - r0);
      const full = s.full ? s.full.take() : undefined;
      const acc = s.acc.take();
      accumulate(c, 0, mr, block, acc,
        (k0, kk) => loadInput(c, 0, r0, mr, k0, kk),
        (k0, kk) => (t.wMode === 'panel' ? panelTile(c, panel, k0, nn) : weightTile(c, 0, false, k0, kk, n0, nn)));
      finishTile(c, 0, r0, mr, n0, nn, acc, auxAddr, full);
      if (full !== undefined) finishRows(c, 0, r0, mr, full);
    }
  }
}
