// Double buffering shows up as real overlap: the same tiled work with alternating buffers and
// no barriers beats the version with a SYNC after every tile, and its units run concurrently.
// Also the Perfetto trace of such a run.
import { describe, expect, it } from 'vitest';
import type { Instr } from '../../isa/spec.js';
import { simulate, traceToJson } from '../../simulator/index.js';
import { hardware, halt, load, matmul, program, store, sync } from './build.js';

const TILES = 6, M = 16, K = 64, N = 32;

/** For each tile: load an input tile, multiply by resident weights, store the int32 result. */
function tiled(withSync: boolean): Instr[] {
  const out: Instr[] = [load({ dst: 0, space: 'wram', src: 0, rows: K, cols: N, dtype: 'int8' })];
  for (let t = 0; t < TILES; t++) {
    const buf = t % 2;
    out.push(
      load({ dst: buf * 4096, space: 'nram', src: 4096 + t * M * K, rows: M, cols: K, dtype: 'int8' }),
      matmul({ out: 16384 + buf * 4096, in: buf * 4096, w: 0, m: M, k: K, n: N, dtype: 'int8', layer: 1 }),
      store({ dst: 65536 + t * M * N * 4, src: 16384 + buf * 4096, rows: M, cols: N, dtype: 'int32' }),
    );
    if (withSync) out.push(sync());
  }
  return [...out, halt()];
}

describe('double buffering', () => {
  const hw = hardware();
  const dram = new Uint8Array(65536 + TILES * M * N * 4);
  const overlapped = simulate(program(tiled(false)), hw, { dram, trace: true });
  const serial = simulate(program(tiled(true)), hw, { dram });

  it('alternating buffers without SYNC take fewer cycles, with the same results', () => {
    expect(overlapped.report.cycles).toBeLessThan(serial.report.cycles);
    expect(Buffer.compare(overlapped.dram, serial.dram)).toBe(0);
    const u = overlapped.report.units;
    // The units were busy concurrently: their busy time exceeds the wall-clock cycles.
    expect(u.dmaIn.busyCycles + u.mfu.busyCycles + u.dmaOut.busyCycles).toBeGreaterThan(overlapped.report.cycles);
    expect(serial.report.queueStallCycles.sync).toBeGreaterThan(0);
    expect(overlapped.report.rooflineRatio).toBeGreaterThanOrEqual(1);
  });

  it('writes one Perfetto slice per instruction on its unit track', () => {
    const events = overlapped.trace!;
    const names = events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args!.name);
    expect(names).toEqual(['dma-in', 'mfu', 'vfu', 'dma-out', 'dram-channel']);
    const slices = events.filter((e) => e.ph === 'X' && e.cat !== 'dram');
    expect(slices.length).toBe(1 + 3 * TILES);
    const mm = slices.find((e) => e.name === 'MATMUL')!;
    expect(mm.args).toMatchObject({ m: M, k: K, n: N, dtype: 'int8' });
    expect(mm.tid).toBe(2);
    expect(JSON.parse(traceToJson(events)).traceEvents.length).toBe(events.length);
  });
});
