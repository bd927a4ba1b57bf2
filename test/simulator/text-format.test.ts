// simulator/text-format.ts: formatInt groups digits itself (toLocaleString starts ICU, which a
// short run cannot afford) and must write exactly what toLocaleString('en-US') writes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatInt } from '../../simulator/text-format.js';

const icu = (x: number) => Math.round(x).toLocaleString('en-US');

describe('formatInt', () => {
  it('writes what toLocaleString("en-US") writes, at every digit count and sign', () => {
    const cases = [0, 1, -1, 9, 10, 99, 100, 999, 1000, -1000, 9999, 12345, 123456, 1234567, -1234567, 0.5, -0.5, 1.5, 2.5, -2.5, 999.5,
      -0.4, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 2 ** 60, 2 ** 64, 1e20, 999999999999999900000, 1e21, 2 ** 70, -(2 ** 70), 1e300, Number.MAX_VALUE,
      Infinity, -Infinity, NaN, Number.MIN_VALUE];
    for (let d = 1; d <= 21; d++) cases.push(10 ** d - 1, 10 ** d, -(10 ** d), 10 ** (d - 1) + 1);
    for (const x of cases) expect(formatInt(x), String(x)).toBe(icu(x));
  });

  it('agrees with toLocaleString on random doubles and integers', () => {
    fc.assert(fc.property(fc.double(), (x) => formatInt(x) === icu(x)), { numRuns: 2000 });
    fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), (x) => formatInt(x) === icu(x)), { numRuns: 2000 });
    fc.assert(fc.property(fc.double({ min: -1e22, max: 1e22, noNaN: true }), (x) => formatInt(x) === icu(x)), { numRuns: 2000 });
  });

  it('groups by threes from the right', () => {
    expect(formatInt(1234567.6)).toBe('1,234,568');
    expect(formatInt(-1000)).toBe('-1,000');
    expect(formatInt(999)).toBe('999');
  });
});
