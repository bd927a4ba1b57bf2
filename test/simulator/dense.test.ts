// A dense layer (int8 and fp32) built as instruction objects, checked against a plain
// reference computation of the same arithmetic.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../simulator/index.js';
import { materializeDram } from '../../isa/image.js';
import { act, hardware, halt, load, matmul, program, store } from './build.js';
import type { Region } from '../../isa/program.js';

function rand(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

/** Reference requantisation, written from the docs' formula independently of the simulator. */
function requant(p: number, mult: number, shift: number): number {
  const x = p * mult;
  const q = shift === 0 ? x : Math.sign(x) * Math.floor((Math.abs(x) + 2 ** (shift - 1)) / 2 ** shift);
  return Math.max(-128, Math.min(127, q));
}

describe('dense layer', () => {
  const B = 5, K = 37, N = 11;
  const r = rand(7);
  const x = Array.from({ length: B * K }, () => Math.floor(r() * 256) - 128);
  const w = Array.from({ length: K * N }, () => Math.floor(r() * 256) - 128);
  const bias = Array.from({ length: N }, () => Math.floor(r() * 20000) - 10000);
  const regions: Region[] = [
    { name: 'x', dtype: 'int8', shape: [B, K], addr: 0, init: { kind: 'data', values: x } },
    { name: 'w', dtype: 'int8', shape: [K, N], addr: 256, init: { kind: 'data', values: w } },
    { name: 'b', dtype: 'int32', shape: [N], addr: 1024, init: { kind: 'data', values: bias } },
    { name: 'y', dtype: 'int8', shape: [B, N], addr: 2048, init: { kind: 'zero' } },
  ];
  const prog = program([
    load({ dst: 0, space: 'nram', src: 0, rows: B, cols: K, dtype: 'int8' }),
    load({ dst: 0, space: 'wram', src: 256, rows: K, cols: N, dtype: 'int8' }),
    load({ dst: 512, space: 'nram', src: 1024, rows: 1, cols: N, dtype: 'int32' }),
    matmul({ out: 1024, in: 0, w: 0, m: B, k: K, n: N, dtype: 'int8', layer: 1 }),
    act({ dst: 4096, src: 1024, rows: B, cols: N, aux: 512, bias: 1, func: 'relu', inType: 'int32', outType: 'int8', mult: 77, shift: 12, layer: 1 }),
    store({ dst: 2048, src: 4096, rows: B, cols: N, dtype: 'int8', layer: 1 }),
    halt(),
  ], regions, { 1: 'fc1' });

  it('computes relu(x·W + b) requantised to int8 exactly', () => {
    const { dram, report } = simulate(prog, hardware());
    const got = Array.from(new Int8Array(dram.buffer, dram.byteOffset + 2048, B * N));
    const want: number[] = [];
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < N; j++) {
        let acc = bias[j]!;
        for (let p = 0; p < K; p++) acc += x[i * K + p]! * w[p * N + j]!;
        want.push(requant(Math.max(acc, 0), 77, 12));
      }
    }
    expect(got).toEqual(want);
    expect(report.macs).toBe(B * K * N);
    expect(report.perLayer.map((l) => [l.layer, l.name, l.macs])).toEqual([[0, '(untagged)', 0], [1, 'fc1', B * K * N]]);
    expect(report.dramReadBytes).toBe(B * K + K * N + 4 * N);
    expect(report.dramWriteBytes).toBe(B * N);
    // Energy (dlp-s): int8 MACs at 0.2 + 0.1 = 0.3 pJ; DRAM burst bytes at 1300/8 = 162.5 pJ
    // (x: 185 B → 3 bursts, w: 407 B → 7 bursts, b: 44 B → 1, y: 55 B → 1; 64 B bursts).
    expect(report.energy.breakdown.mac).toBeCloseTo(B * K * N * 0.3, 9);
    expect(report.dramBurstBytes).toBe((3 + 7 + 1 + 1) * 64);
    expect(report.energy.breakdown.dram).toBeCloseTo(12 * 64 * 162.5, 6);
    expect(report.energy.scope).toBe('dynamic');
    expect(report.compulsoryDramBytes).toBe(B * K + K * N + 4 * N + B * N);
    expect(report.rooflineRatio).toBeGreaterThanOrEqual(1);
    expect(report.boundBy).toBe('memory');
  });

  it('a timing-only run reports the same and hands back the DRAM it started from', () => {
    const full = simulate(prog, hardware());
    const timing = simulate(prog, hardware(), { functional: false });
    expect(timing.report).toEqual(full.report);
    expect(timing.channelOrder).toEqual(full.channelOrder);
    // Nothing computed: y keeps its zeros, x and w their values (the image the program declares).
    expect(Array.from(timing.dram)).toEqual(Array.from(materializeDram(prog)));
    expect(Array.from(full.dram.subarray(0, 2048))).toEqual(Array.from(timing.dram.subarray(0, 2048)));
    // A caller's image is copied, never handed back or changed.
    const given = materializeDram(prog);
    given[1] = 99;
    const copy = Uint8Array.from(given);
    const r = simulate(prog, hardware(), { dram: given, functional: false });
    expect(r.dram).not.toBe(given);
    expect(Array.from(r.dram)).toEqual(Array.from(copy));
    expect(r.dram).toBe(r.dram);
    expect(Array.from(given)).toEqual(Array.from(copy));
  });

  it('fp32 matmul sums in double and rounds once; accumulate adds the old value', () => {
    const xs = Array.from({ length: 6 }, (_, i) => Math.fround(0.1 * (i + 1)));
    const ws = Array.from({ length: 6 }, (_, i) => Math.fround(1 / (i + 3)));
    const p = program([
      load({ dst: 0, space: 'nram', src: 0, rows: 2, cols: 3, dtype: 'fp32' }),
      load({ dst: 0, space: 'wram', src: 64, rows: 3, cols: 2, dtype: 'fp32' }),
      matmul({ out: 256, in: 0, w: 0, m: 2, k: 3, n: 2, dtype: 'fp32' }),
      matmul({ out: 256, in: 0, w: 0, m: 2, k: 3, n: 2, dtype: 'fp32', acc: 1 }),
      store({ dst: 128, src: 256, rows: 2, cols: 2, dtype: 'fp32' }),
      halt(),
    ], [
      { name: 'x', dtype: 'fp32', shape: [2, 3], addr: 0, init: { kind: 'data', values: xs } },
      { name: 'w', dtype: 'fp32', shape: [3, 2], addr: 64, init: { kind: 'data', values: ws } },
      { name: 'y', dtype: 'fp32', shape: [2, 2], addr: 128, init: { kind: 'zero' } },
    ]);
    const { dram } = simulate(p, hardware());
    const got = Array.from(new Float32Array(dram.buffer.slice(128, 144)));
    const want: number[] = [];
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += xs[i * 3 + k]! * ws[k * 2 + j]!;
        want.push(Math.fround(Math.fround(s) + s));
      }
    }
    expect(got).toEqual(want);
  });

  it('int16 accumulation wraps in two\'s complement', () => {
    // Five products of (-32768)·(-32768) = 2^30 sum to 5·2^30, which wraps to 2^30 - 2^31·... in int32.
    const p = program([
      load({ dst: 0, space: 'nram', src: 0, rows: 1, cols: 5, dtype: 'int16' }),
      load({ dst: 0, space: 'wram', src: 0, rows: 5, cols: 1, dtype: 'int16' }),
      matmul({ out: 16, in: 0, w: 0, m: 1, k: 5, n: 1, dtype: 'int16' }),
      store({ dst: 16, src: 16, rows: 1, cols: 1, dtype: 'int32' }),
      halt(),
    ]);
    const img = new Uint8Array(20);
    new Int16Array(img.buffer, 0, 5).fill(-32768);
    const { dram } = simulate(p, hardware(), { dram: img });
    expect(new DataView(dram.buffer).getInt32(16, true)).toBe((5 * 2 ** 30) | 0);
    expect((5 * 2 ** 30) | 0).toBe(1073741824);
  });
});
