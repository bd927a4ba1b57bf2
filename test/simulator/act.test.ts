// ACT semantics, case by case with hand-computed results (docs/isa.md "ACT semantics").
import { describe, expect, it } from 'vitest';
import type { ActInstr, DType } from '../../isa/spec.js';
import { roundShift, simulate } from '../../simulator/index.js';
import { act, hardware, halt, load, program, store } from './build.js';

const f = Math.fround;
type Vals = number[];

function typed(t: DType, vals: Vals): Uint8Array {
  const a = t === 'int8' ? new Int8Array(vals) : t === 'int16' ? new Int16Array(vals) : t === 'int32' ? new Int32Array(vals) : new Float32Array(vals);
  return new Uint8Array(a.buffer);
}

/** Runs one ACT over `src` (rows×cols) with `aux` bytes at NRAM 0x800; returns dst values. */
function runAct(a: Partial<ActInstr> & { rows: number; cols: number; inType: DType; outType: DType }, src: Vals, aux?: Uint8Array): number[] {
  const img = new Uint8Array(4096);
  img.set(typed(a.inType, src), 0);
  if (aux) img.set(aux, 2048);
  const cnt = a.rows * a.cols;
  const instrs = [
    load({ dst: 0, space: 'nram', src: 0, rows: 1, cols: cnt, dtype: a.inType }),
    ...(aux ? [load({ dst: 0x800, space: 'nram', src: 2048, rows: 1, cols: aux.length, dtype: 'int8' })] : []),
    act({ dst: 0x1000, src: 0, aux: 0x800, ...a }),
    store({ dst: 3072, src: 0x1000, rows: 1, cols: cnt, dtype: a.outType }),
    halt(),
  ];
  const { dram } = simulate(program(instrs), hardware(), { dram: img });
  const out = dram.slice(3072, 4096).buffer;
  const view = a.outType === 'int8' ? new Int8Array(out) : a.outType === 'int16' ? new Int16Array(out) : a.outType === 'int32' ? new Int32Array(out) : new Float32Array(out);
  return Array.from(view.subarray(0, cnt));
}

describe('roundShift', () => {
  it.each([[5, 1, 3], [-5, 1, -3], [4, 1, 2], [-6, 2, -2], [7, 0, 7], [-7, 0, -7], [3000, 4, 188], [-1, 1, -1], [1, 2, 0]])(
    'roundShift(%i, %i) = %i', (p, s, want) => expect(roundShift(p, s) + 0).toBe(want));
});

describe('ACT integer path', () => {
  it.each<[string, Partial<ActInstr>, DType, DType, Vals, Vals]>([
    ['identity requant to int16', { mult: 3, shift: 4 }, 'int32', 'int16', [1000, -1000, 5], [188, -188, 1]],
    ['relu saturates to int8', { func: 'relu', mult: 3, shift: 4 }, 'int32', 'int8', [1000, -1000, 40], [127, 0, 8]],
    ['leaky with A = round(0.1·65536) = 6554', { func: 'leaky', alpha: f(0.1) }, 'int32', 'int32', [-1000, 1000, -5], [-100, 1000, -1]],
    ['int32 out wraps', { mult: 4 }, 'int32', 'int32', [2 ** 30, -(2 ** 30) - 1], [0, -4]],
    ['int8 in, int8 out', { mult: 1, shift: 1 }, 'int8', 'int8', [-128, 127, 3], [-64, 64, 2]],
  ])('%s', (_n, fields, inType, outType, src, want) => {
    expect(runAct({ rows: 1, cols: src.length, inType, outType, ...fields }, src)).toEqual(want);
  });

  it('bias is int32 and wraps; prelu slopes follow the bias', () => {
    const aux = new Uint8Array(16);
    new Int32Array(aux.buffer, 0, 2).set([2147483647, -10]);
    new Float32Array(aux.buffer, 8, 2).set([0.5, 2]);
    // col 0: 1 + (2^31 - 1) wraps to -2^31, slope 0.5 → roundShift(-2^31·32768, 16) = -2^30
    // col 1: -20 - 10 = -30, slope 2 → -60
    expect(runAct({ rows: 1, cols: 2, inType: 'int32', outType: 'int32', bias: 1, func: 'prelu' }, [1, -20], aux)).toEqual([-(2 ** 30), -60]);
  });
});

describe('ACT float path', () => {
  it('dequantises, applies f in fp32 and stores fp32', () => {
    const got = runAct({ rows: 1, cols: 3, inType: 'int32', outType: 'fp32', func: 'sigmoid', scale: f(0.25) }, [4, -8, 0]);
    expect(got).toEqual([f(1 / (1 + Math.exp(-1))), f(1 / (1 + Math.exp(2))), 0.5]);
  });

  it('elu, tanh and relu on fp32 input', () => {
    expect(runAct({ rows: 1, cols: 2, inType: 'fp32', outType: 'fp32', func: 'elu', alpha: 1 }, [-1, 2])).toEqual([f(Math.exp(-1) - 1), 2]);
    expect(runAct({ rows: 1, cols: 2, inType: 'fp32', outType: 'fp32', func: 'tanh' }, [0.5, -0.5])).toEqual([f(Math.tanh(0.5)), f(Math.tanh(-0.5))]);
    expect(runAct({ rows: 1, cols: 2, inType: 'fp32', outType: 'fp32', func: 'relu' }, [-3, 3])).toEqual([0, 3]);
  });

  it('requantises y through Y = round(y·65536)', () => {
    // tanh(0) = 0 → 0; tanh(-100) = -1 → Y = -65536, ·3 >> 10 = -192, saturated to int8 -128.
    // sigmoid(0) = 0.5 → Y = 32768, ·3 >> 10 = 96.
    expect(runAct({ rows: 1, cols: 2, inType: 'fp32', outType: 'int8', func: 'tanh', mult: 3, shift: 10 }, [0, -100])).toEqual([0, -128]);
    expect(runAct({ rows: 1, cols: 1, inType: 'fp32', outType: 'int16', func: 'sigmoid', mult: 3, shift: 10 }, [0])).toEqual([96]);
  });

  it('softmax: max-subtracted exp, sequential fp32 sum, fp32 divide', () => {
    const e = [f(Math.exp(-2)), f(Math.exp(-1)), f(Math.exp(0))];
    const s = f(f(e[0]! + e[1]!) + e[2]!);
    const want = e.map((x) => f(x / s));
    expect(runAct({ rows: 2, cols: 3, inType: 'fp32', outType: 'fp32', func: 'softmax' }, [1, 2, 3, 11, 12, 13])).toEqual([...want, ...want]);
  });

  it('softmax over int32 logits uses scale', () => {
    const got = runAct({ rows: 1, cols: 2, inType: 'int32', outType: 'fp32', func: 'softmax', scale: 0.5 }, [0, 2]);
    const e1 = f(Math.exp(-1));
    expect(got).toEqual([f(e1 / f(e1 + 1)), f(1 / f(e1 + 1))]);
  });
});

describe('ACT in place', () => {
  it('exact aliasing with equal element sizes is allowed', () => {
    const img = new Uint8Array(64);
    new Int32Array(img.buffer, 0, 4).set([-5, 6, -7, 8]);
    const p = program([
      load({ dst: 0, space: 'nram', src: 0, rows: 1, cols: 4, dtype: 'int32' }),
      act({ dst: 0, src: 0, rows: 2, cols: 2, func: 'relu', inType: 'int32', outType: 'int32' }),
      store({ dst: 16, src: 0, rows: 1, cols: 4, dtype: 'int32' }),
      halt(),
    ]);
    const { dram } = simulate(p, hardware(), { dram: img });
    expect(Array.from(new Int32Array(dram.buffer, 16, 4))).toEqual([0, 6, 0, 8]);
  });
});
