// cli/engine-flags.ts: dlp's V8 settings never override one the user gave.
import { describe, expect, it } from 'vitest';
import { userGaveFlag } from '../../cli/engine-flags.js';

describe('userGaveFlag', () => {
  const flag = '--semi-space-growth-factor=1';
  it('finds the flag in NODE_OPTIONS or node arguments, with - or _ in its name', () => {
    expect(userGaveFlag(flag, '--semi-space-growth-factor=4', [])).toBe(true);
    expect(userGaveFlag(flag, '--max-old-space-size=100 --semi_space_growth_factor=4', [])).toBe(true);
    expect(userGaveFlag(flag, undefined, ['--semi-space-growth-factor=3'])).toBe(true);
    expect(userGaveFlag('--interrupt-budget=2162688', '', ['--stack-size=900', '--interrupt_budget=1000'])).toBe(true);
    expect(userGaveFlag(flag, '--semi-space-growth-factor 4', [])).toBe(true); // the value after a space
    expect(userGaveFlag(flag, undefined, ['--semi-space-growth-factor', '3'])).toBe(true);
  });
  it('does not take another flag, a prefix of the name or a value for the flag', () => {
    expect(userGaveFlag(flag, undefined, [])).toBe(false);
    expect(userGaveFlag(flag, '--max-semi-space-size=4', ['--no-semi-space-growth-factor'])).toBe(false);
    expect(userGaveFlag(flag, '--xsemi-space-growth-factor=2', [])).toBe(false);
    expect(userGaveFlag('--interrupt-budget=2162688', '--interrupt-budget-for-feedback-allocation=100', [])).toBe(false);
  });
});
