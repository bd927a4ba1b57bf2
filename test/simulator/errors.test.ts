// Every class of invalid program stops with a DlpError naming the instruction (and its source
// line when the program has locations); messages pinned exactly.
import { describe, expect, it } from 'vitest';
import { DlpError } from '../../isa/errors.js';
import type { Instr } from '../../isa/spec.js';
import { simulate } from '../../simulator/index.js';
import { act, hardware, halt, load, matmul, program, store } from './build.js';

const ldx = load({ dst: 0, space: 'nram', src: 0, rows: 2, cols: 8, dtype: 'int8' });
const ldw = load({ dst: 0, space: 'wram', src: 0, rows: 8, cols: 4, dtype: 'int8' });
const mm = matmul({ out: 256, in: 0, w: 0, m: 2, k: 8, n: 4, dtype: 'int8' });

function failure(instrs: Instr[], hw = hardware(), dram = new Uint8Array(1024)): DlpError {
  try {
    simulate(program(instrs), hw, { dram });
  } catch (e) {
    if (e instanceof DlpError) return e;
    throw e;
  }
  throw new Error('expected the simulation to fail');
}

describe('invalid programs', () => {
  it.each<[string, Instr[], number, string]>([
    ['NRAM out of range', [load({ dst: 0x3fff0, space: 'nram', src: 0, rows: 1, cols: 32, dtype: 'int8' }), halt()], 0,
      'instruction #0: LOAD dst nram[0x3fff0..0x40010) is out of range (nram has 262144 bytes)'],
    ['DRAM out of range', [store({ dst: 2 ** 30 - 4, src: 0, rows: 1, cols: 8, dtype: 'int8' }), halt()], 0,
      'instruction #0: STORE dst dram[0x3ffffffc..0x40000004) is out of range (dram has 1073741824 bytes)'],
    ['misaligned', [load({ dst: 2, space: 'nram', src: 0, rows: 1, cols: 2, dtype: 'int32' }), halt()], 0,
      'instruction #0: LOAD dst=nram[0x2] is not aligned to 4 bytes (dtype=int32)'],
    ['read before write', [ldx, mm, halt()], 1,
      'instruction #1: MATMUL reads w wram[0x0] before anything wrote it'],
    ['read of a partly written region', [load({ dst: 0, space: 'nram', src: 0, rows: 1, cols: 4, dtype: 'int8' }), ldw, mm, halt()], 2,
      'instruction #2: MATMUL reads in nram[0x4] before anything wrote it'],
    ['MATMUL out overlaps in', [ldx, ldw, matmul({ out: 12, in: 0, w: 0, m: 2, k: 8, n: 4, dtype: 'int8' }), halt()], 2,
      'instruction #2: MATMUL out overlaps in'],
    ['ACT partial overlap', [ldx, ldw, mm, act({ dst: 260, src: 256, rows: 2, cols: 4, inType: 'int32', outType: 'int32' }), halt()], 3,
      'instruction #3: ACT dst partially overlaps src (only exact aliasing with equal element sizes is allowed)'],
    ['ACT aliasing with different sizes', [ldx, ldw, mm, act({ dst: 256, src: 256, rows: 2, cols: 4, inType: 'int32', outType: 'int8' }), halt()], 3,
      'instruction #3: ACT dst partially overlaps src (only exact aliasing with equal element sizes is allowed)'],
    ['softmax to int8', [ldx, ldw, mm, act({ dst: 512, src: 256, rows: 2, cols: 4, func: 'softmax', inType: 'int32', outType: 'int8' }), halt()], 3,
      'instruction #3: ACT func=softmax needs outType=fp32, not int8'],
    ['MATMUL int32', [ldx, ldw, matmul({ out: 256, in: 0, w: 0, m: 1, k: 2, n: 2, dtype: 'int32' }), halt()], 2,
      'instruction #2: MATMUL dtype=int32 is not supported (use int8, int16 or fp32)'],
    ['no HALT', [ldx], 0, 'instruction #0: the program must end with HALT'],
    ['instruction after HALT', [ldx, halt(), ldw, halt()], 1, 'instruction #1: HALT must be the last instruction'],
    ['pitch below cols', [load({ dst: 0, space: 'nram', src: 0, rows: 2, cols: 8, pitch: 4, dtype: 'int8' }), halt()], 0,
      'instruction #0: LOAD pitch=4 is less than cols=8'],
  ])('%s', (_name, instrs, index, message) => {
    const e = failure(instrs);
    expect(e.message).toBe(message);
    expect(e.loc.instr).toBe(index);
  });

  it('a timing-only run checks reads before writes as a computing run does', () => {
    for (const instrs of [[ldx, mm, halt()], [load({ dst: 0, space: 'nram', src: 0, rows: 1, cols: 4, dtype: 'int8' }), ldw, mm, halt()]]) {
      let timing: unknown;
      try {
        simulate(program(instrs), hardware(), { dram: new Uint8Array(1024), functional: false });
      } catch (e) {
        timing = e;
      }
      expect(timing).toBeInstanceOf(DlpError);
      expect((timing as DlpError).message).toBe(failure(instrs).message);
    }
  });

  it('a PReLU slope beyond ±64 on the integer path is a located error', () => {
    const img = new Uint8Array(1024);
    new Float32Array(img.buffer, 64, 4).fill(100);
    const e = failure([ldx, ldw, mm, load({ dst: 512, space: 'nram', src: 64, rows: 1, cols: 4, dtype: 'fp32' }),
      act({ dst: 600, src: 256, aux: 512, rows: 2, cols: 4, func: 'prelu', inType: 'int32', outType: 'int8' }), halt()], hardware(), img);
    expect(e.message).toBe('instruction #4: ACT prelu slope 100 at column 0 is out of range (|alpha| <= 64 on the integer path)');
  });

  it('a queue of depth 0 is a scoreboard deadlock', () => {
    const e = failure([ldx, halt()], hardware((h) => { h.queues.load = 0; }));
    expect(e.message).toBe('instruction #0: LOAD can never be dispatched: the load queue has depth 0 (scoreboard deadlock)');
  });

  it('names file, line and instruction when the program has source locations', () => {
    const p = { ...program([ldx, mm, halt()]), locs: [{ file: 'dense.dlps', line: 7, column: 3 }, { file: 'dense.dlps', line: 8, column: 3 }, undefined] };
    try {
      simulate(p, hardware(), { dram: new Uint8Array(64) });
      expect.unreachable();
    } catch (e) {
      expect((e as DlpError).message).toBe('dense.dlps:8:3: instruction #1: MATMUL reads w wram[0x0] before anything wrote it');
      expect((e as DlpError).loc).toMatchObject({ instr: 1, line: 8 });
    }
  });
});
