import { describe, expect, it } from 'vitest';
import { DlpError } from '../../../isa/errors.js';
import {
  floatToBfloat, floatToHalf, halfToFloat, readSafetensors, writeSafetensors, type SafeTensor,
} from '../../../compiler/weights/safetensors.js';
import { errorOf } from '../../helpers/errors.js';

/** Builds a file byte by byte: u64 LE header length, the header text, then `data`. */
function handBuilt(header: string, data: number[], declaredLength = header.length): Uint8Array {
  const out = new Uint8Array(8 + header.length + data.length);
  new DataView(out.buffer).setUint32(0, declaredLength, true);
  out.set(new TextEncoder().encode(header), 8);
  out.set(data, 8 + header.length);
  return out;
}

describe('safetensors', () => {
  it('reads a hand-built file with every dtype', () => {
    const header = JSON.stringify({
      __metadata__: { format: 'pt' },
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      h: { dtype: 'F16', shape: [3], data_offsets: [8, 14] },
      bf: { dtype: 'BF16', shape: [2], data_offsets: [14, 18] },
      i8: { dtype: 'I8', shape: [2], data_offsets: [18, 20] },
      i16: { dtype: 'I16', shape: [1], data_offsets: [20, 22] },
      i32: { dtype: 'I32', shape: [1, 1], data_offsets: [22, 26] },
      d: { dtype: 'F64', shape: [1], data_offsets: [26, 34] },
    });
    const data = [
      0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, // F32 1, -2
      0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, // F16 1, -2, 65504
      0x80, 0x3f, 0x49, 0x40, // BF16 1, 3.140625
      0x7f, 0x80, // I8 127, -128
      0x00, 0x80, // I16 -32768
      0xff, 0xff, 0xff, 0x7f, // I32 2147483647
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f, // F64 1.5
    ];
    const t = readSafetensors(handBuilt(header, data));
    expect([...t.keys()]).toEqual(['a', 'h', 'bf', 'i8', 'i16', 'i32', 'd']);
    expect(t.get('a')).toEqual({ dtype: 'F32', shape: [2], data: new Float32Array([1, -2]) });
    expect(Array.from(t.get('h')!.data)).toEqual([1, -2, 65504]);
    expect(t.get('h')!.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.get('bf')!.data)).toEqual([1, 3.140625]);
    expect(t.get('i8')).toEqual({ dtype: 'I8', shape: [2], data: new Int8Array([127, -128]) });
    expect(t.get('i16')!.data).toEqual(new Int16Array([-32768]));
    expect(t.get('i32')).toEqual({ dtype: 'I32', shape: [1, 1], data: new Int32Array([2147483647]) });
    expect(t.get('d')).toEqual({ dtype: 'F64', shape: [1], data: new Float32Array([1.5]) });
  });

  it('writes the exact layout: sorted names, space-padded header, packed data', () => {
    const bytes = writeSafetensors(
      { b: { dtype: 'I8', shape: [3], data: new Int8Array([1, -1, 5]) }, a: { dtype: 'F32', shape: [1], data: new Float32Array([2]) } },
      { format: 'pt' },
    );
    const n = new DataView(bytes.buffer).getUint32(0, true);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(n % 8).toBe(0);
    expect(header.trimEnd()).toBe(
      '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"I8","shape":[3],"data_offsets":[4,7]}}',
    );
    expect(header.length - header.trimEnd().length).toBe(n - header.trimEnd().length);
    expect(Array.from(bytes.subarray(8 + n))).toEqual([0x00, 0x00, 0x00, 0x40, 1, 0xff, 5]);
    expect(bytes.length).toBe(8 + n + 7);
  });

  it('round-trips every dtype (F16/BF16 rounded to nearest even)', () => {
    const tensors: Record<string, SafeTensor> = {
      w: { dtype: 'F32', shape: [2, 3], data: new Float32Array([0.1, -0.2, 3, 4e-8, -1e30, 0]) },
      h: { dtype: 'F16', shape: [4], data: new Float32Array([1, 0.1, 65504, 1e-7]) },
      bf: { dtype: 'BF16', shape: [2], data: new Float32Array([1, 0.1]) },
      d: { dtype: 'F64', shape: [2], data: new Float32Array([0.25, -7]) },
      q: { dtype: 'I8', shape: [2], data: new Int8Array([-3, 4]) },
      s: { dtype: 'I16', shape: [2], data: new Int16Array([300, -300]) },
      i: { dtype: 'I32', shape: [0], data: new Int32Array(0) },
    };
    const back = readSafetensors(writeSafetensors(tensors));
    expect(back.get('w')).toEqual(tensors['w']);
    expect(Array.from(back.get('h')!.data)).toEqual([1, halfToFloat(floatToHalf(0.1)), 65504, halfToFloat(floatToHalf(1e-7))]);
    expect(floatToHalf(0.1)).toBe(0x2e66);
    expect(floatToHalf(1e-7)).toBe(0x0002); // subnormal
    expect(floatToHalf(65520)).toBe(0x7c00); // rounds up to infinity
    expect(floatToBfloat(0.1)).toBe(0x3dcd);
    expect(Array.from(back.get('bf')!.data)).toEqual([1, 0.10009765625]);
    expect(back.get('d')).toEqual(tensors['d']);
    expect(back.get('q')).toEqual(tensors['q']);
    expect(back.get('s')).toEqual(tensors['s']);
    expect(back.get('i')).toEqual(tensors['i']);
  });

  const entry = (dtype: string, shape: number[], offsets: number[]) => ({ dtype, shape, data_offsets: offsets });
  const bad: [string, Uint8Array, string | RegExp][] = [
    ['shorter than the length field', new Uint8Array([1, 0, 0]), 'truncated safetensors file: 3 bytes, shorter than the 8-byte header length'],
    ['header past the end', handBuilt('{}', [], 100), 'truncated safetensors file: header says 100 bytes but only 2 follow'],
    ['absurd header length', handBuilt('{}', [], 0xffffffff), 'safetensors header length 4294967295 is implausible (corrupt file?)'],
    ['bad JSON', handBuilt('{"a": ', []), /^w\.safetensors: invalid safetensors header JSON: /],
    ['non-object header', handBuilt('[1,2]   ', []), 'invalid safetensors header: expected a JSON object'],
    ['unsupported dtype', handBuilt(JSON.stringify({ a: entry('U16', [1], [0, 2]) }), [0, 0]), 'tensor a: unsupported dtype "U16" (supported: F32, F16, BF16, I8, I16, I32, F64, I64, U8)'],
    ['bad shape', handBuilt(JSON.stringify({ a: entry('I8', [-1], [0, 1]) }), [0]), 'tensor a: shape must be an array of non-negative integers'],
    ['bad offsets', handBuilt(JSON.stringify({ a: entry('I8', [1], [1, 0]) }), [0]), 'tensor a: data_offsets must be [begin, end] with 0 <= begin <= end'],
    ['size mismatch', handBuilt(JSON.stringify({ a: entry('F32', [2, 3], [0, 8]) }), new Array(8).fill(0)), 'tensor a: data_offsets [0, 8] hold 8 bytes, but F32 [2, 3] needs 24'],
    ['overlap', handBuilt(JSON.stringify({ a: entry('I16', [2], [0, 4]), b: entry('I16', [1], [2, 4]) }), [0, 0, 0, 0]), 'tensors a [0, 4] and b [2, 4] overlap'],
    ['hole', handBuilt(JSON.stringify({ a: entry('I8', [1], [1, 2]) }), [0, 0]), 'data bytes [0, 1) belong to no tensor (before a)'],
    ['truncated data', handBuilt(JSON.stringify({ a: entry('F32', [2], [0, 8]) }), [0, 0, 0, 0, 0]), 'truncated safetensors file: tensor a ends at data byte 8 but the data is only 5 bytes'],
    ['trailing bytes', handBuilt(JSON.stringify({ a: entry('I8', [1], [0, 1]) }), [0, 9, 9]), '2 trailing data bytes after the last tensor'],
    ['bad metadata', handBuilt(JSON.stringify({ __metadata__: { n: 1 } }), []), 'invalid safetensors header: __metadata__ must map strings to strings'],
  ];
  it.each(bad)('rejects a file with %s', (_label, bytes, message) => {
    const got = errorOf(() => readSafetensors(bytes, 'w.safetensors'));
    if (message instanceof RegExp) expect(got).toMatch(message);
    else expect(got).toBe(`w.safetensors: ${message}`);
  });

  it('rejects a truncated copy of a valid file at every cut', () => {
    const good = writeSafetensors({ a: { dtype: 'F32', shape: [3], data: new Float32Array([1, 2, 3]) } });
    for (let cut = 0; cut < good.length; cut++) expect(() => readSafetensors(good.subarray(0, cut))).toThrow(DlpError);
  });

  it('rejects inconsistent tensors on write', () => {
    expect(errorOf(() => writeSafetensors({ a: { dtype: 'F32', shape: [3], data: new Float32Array(2) } }))).toBe(
      'tensor a: shape [3] needs 3 values, got 2',
    );
    expect(errorOf(() => writeSafetensors({ a: { dtype: 'I8', shape: [2], data: new Float32Array(2) } }))).toBe(
      'tensor a: I8 data must be an Int8Array, got Float32Array',
    );
  });
});
