// The playground's pure pieces, run in Node: the URL state codec and the step-through's
// on-chip occupancy count.
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../../web/src/state.js';
import { MAP_CELLS, occupancy } from '../../web/src/occupancy.js';
import type { InstrInfo, PlaygroundState } from '../../web/src/protocol.js';

const instr = (writes: InstrInfo['writes']): InstrInfo => ({ text: '', unit: 'mfu', layer: '', dispatch: 0, start: 0, end: 1, writes });

describe('URL state', () => {
  it('round-trips a state, text with every kind of character included', async () => {
    const s: PlaygroundState = { kind: 'dlps', text: '; ünïcødé 👋\n.const B = 4\n\tHALT\n', preset: 'edge-tiny', params: { 'dram.bytesPerCycle': 12.5 }, batch: 7, dtype: 'int16', seed: 3 };
    const hash = await encodeState(s);
    expect(hash).toMatch(/^#s=[A-Za-z0-9_-]+$/);
    expect(await decodeState(hash)).toEqual(s);
  });

  it('rejects hashes that are not a state, and drops fields of the wrong type', async () => {
    expect(await decodeState('')).toBeUndefined();
    expect(await decodeState('#other')).toBeUndefined();
    expect(await decodeState('#s=not-deflate')).toBeUndefined();
    const partial = await encodeState({ kind: 'x', batch: 1.5, params: { a: 'b', c: 2 }, preset: 'dlp-s' } as unknown as PlaygroundState);
    expect(await decodeState(partial)).toEqual({ preset: 'dlp-s', params: { c: 2 } });
  });
});

describe('step-through occupancy', () => {
  it('counts each written byte once, with strided rows and overlaps', () => {
    // 1024-byte NRAM, 2048-byte WRAM. #0 writes NRAM [0, 64); #1 writes 4 rows of 8 bytes every
    // 16 bytes from 32: [32,40) [48,56) [64,72) [80,88), of which [32,40) and [48,56) are already
    // counted, so +16; #2 writes WRAM [2040, 2048) and nothing in NRAM.
    const occ = occupancy([instr([['nram', 0, 1, 64, 64]]), instr([['nram', 32, 4, 8, 16]]), instr([['wram', 2040, 1, 8, 8]])], 1024, 2048);
    expect([...occ.nram]).toEqual([64, 80, 80]);
    expect([...occ.wram]).toEqual([0, 0, 8]);
    // NRAM map after #0: cells of 8 bytes, the first 8 full (255), the rest empty.
    const first = [...occ.nramMap.subarray(0, MAP_CELLS)];
    expect(first.slice(0, 8)).toEqual(Array(8).fill(255));
    expect(first.slice(8).every((v) => v === 0)).toBe(true);
    // WRAM map after #2: 16-byte cells; the last cell is half written.
    expect(occ.wramMap[3 * MAP_CELLS - 1]).toBe(128);
  });
});
