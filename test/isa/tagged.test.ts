// taggedArray: plain arrays for the replay engine's times (isa/tagged.ts). What V8 does with
// their elements is not observable from JavaScript; what is: the values, including those
// past the small-integer range, read back exactly.
import { describe, expect, it } from 'vitest';
import { taggedArray } from '../../isa/tagged.js';

describe('taggedArray', () => {
  it('holds n copies of v, and any number stored later', () => {
    const a = taggedArray(5, -1);
    expect(a).toEqual([-1, -1, -1, -1, -1]);
    a[1] = 2 ** 40 + 1;
    a[2] = Infinity;
    a[3] = -Infinity;
    a[4] = 0.5;
    expect(a).toEqual([-1, 2 ** 40 + 1, Infinity, -Infinity, 0.5]);
    expect(taggedArray(0, 7)).toEqual([]);
    expect(taggedArray(2, Infinity)).toEqual([Infinity, Infinity]);
  });
});
