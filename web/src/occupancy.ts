// On-chip occupancy for the step-through, computed in the worker: after each instruction (in
// program order), how many NRAM and WRAM bytes hold data (written by it or an earlier one), and
// a coarse map of each buffer (MAP_CELLS cells, 0..255 = fraction of the cell's bytes written).
import type { InstrInfo, Occupancy } from './protocol.js';

export type { Occupancy };

export const MAP_CELLS = 128;


export function occupancy(instrs: readonly InstrInfo[], nramBytes: number, wramBytes: number): Occupancy {
  const n = instrs.length;
  const spaces = {
    nram: { used: new Uint8Array(nramBytes), cells: new Float64Array(MAP_CELLS), count: 0, per: nramBytes / MAP_CELLS, totals: new Int32Array(n), map: new Uint8Array(n * MAP_CELLS) },
    wram: { used: new Uint8Array(wramBytes), cells: new Float64Array(MAP_CELLS), count: 0, per: wramBytes / MAP_CELLS, totals: new Int32Array(n), map: new Uint8Array(n * MAP_CELLS) },
  };
  instrs.forEach((ins, i) => {
    for (const [space, start, rows, rowBytes, pitch] of ins.writes) {
      const s = spaces[space];
      for (let r = 0; r < rows; r++) {
        const a = start + r * pitch;
        const b = Math.min(a + rowBytes, s.used.length);
        for (let k = a; k < b; k++) {
          if (s.used[k]) continue;
          s.used[k] = 1;
          s.count++;
          s.cells[Math.min(MAP_CELLS - 1, Math.floor(k / s.per))]!++;
        }
      }
    }
    for (const s of [spaces.nram, spaces.wram]) {
      s.totals[i] = s.count;
      for (let c = 0; c < MAP_CELLS; c++) s.map[i * MAP_CELLS + c] = Math.round((255 * s.cells[c]!) / s.per);
    }
  });
  return { nram: spaces.nram.totals, wram: spaces.wram.totals, nramMap: spaces.nram.map, wramMap: spaces.wram.map };
}
