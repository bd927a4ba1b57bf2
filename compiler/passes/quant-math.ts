// The scalar arithmetic every quantiser in dlpkit shares: qmax per type, round half away from
// zero, scales from ranges, saturation.
import { DlpError } from '../../isa/errors.js';

export const QMAX: Record<'int8' | 'int16', number> = { int8: 127, int16: 32767 };

/** Rounds half away from zero (the rounding of every quantiser in dlpkit). */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

export function checkScale(s: number, what: string): number {
  if (!(s > 0) || !Number.isFinite(s)) throw new DlpError(`${what}: scale must be a positive number, got ${s}`);
  return Math.fround(s);
}

/** Scale of a quantised tensor whose range is `range`; all-zero tensors get scale 1/qmax. */
export function scaleFor(range: number, qmax: number): number {
  return Math.fround(range > 0 ? range / qmax : 1 / qmax);
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
