// The failure report of the property tests: counterexamples print as TypeScript literals that
// evaluate back to the same case, and the report names the seed, the replay command and the
// reason.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbCase } from './arbitraries.js';
import { formatFailure, toTsLiteral } from './report.js';

describe('toTsLiteral', () => {
  it('prints values that evaluate back to themselves', () => {
    for (const c of fc.sample(arbCase(), { numRuns: 20, seed: 1 })) {
      expect(new Function(`return ${toTsLiteral(c)};`)()).toEqual(c);
    }
  });

  it('formats numbers, strings and nesting as TypeScript', () => {
    expect(toTsLiteral({ a: -0, b: [1, 2.5], 'c-d': "it's", e: undefined, f: Float32Array.of(1, 2) }))
      .toBe("{ a: -0, b: [1, 2.5], 'c-d': 'it\\'s', f: Float32Array.of(1, 2) }");
    expect(toTsLiteral([Infinity, NaN, -Infinity])).toBe('[Infinity, NaN, -Infinity]');
    expect(toTsLiteral({ long: 'x'.repeat(120) })).toBe(`{\n  long: '${'x'.repeat(120)}',\n}`);
  });
});

describe('formatFailure', () => {
  it('names the seed, the replay command, the reason and a paste-ready regression entry', () => {
    const d = fc.check(fc.property(fc.integer({ min: 0, max: 100 }), (n) => {
      if (n > 10) throw new Error(`n = ${n} is too big`);
    }), { seed: 42, numRuns: 100 });
    const text = formatFailure('demo', d as fc.RunDetails<[number]>);
    expect(text).toContain('seed 42, path ');
    expect(text).toMatch(/^replay: DLP_SEED=42 DLP_PATH='[\d:]+' npx vitest run test\/properties$/m);
    expect(text).toContain('reason: n = 11 is too big');
    expect(text).toContain("  { property: 'demo', note: 'TODO: what went wrong', case: 11 },");
  });
});
