// The scalar arithmetic every quantiser in dlpkit shares: qmax per type, round half away from
// zero, scales from ranges, saturation.
import { DlpError } from '../../isa/errors.js';

export const QMAX: Record<'int8' | 'int16', number> = { int8: 127, int16: 32767 };

/** Rounds half away from zero (the rounding of every quantiser in dlpkit). */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

/** The least scale: fp32's smallest normal number, 2^-126. A smaller range / qmax would round
 * to a subnormal or to 0 in fp32, and a scale of 0 has no requantisation ratio (s_in·s_w / 0);
 * the values such a scale would resolve (below 2^-127) quantise to 0 at this one. Its
 * reciprocal, 2^126, stays finite in fp32. */
export const MIN_SCALE = 2 ** -126;

/** A given scale as stored (fp32): refused unless it is a normal, finite fp32 number. */
export function checkScale(s: number, what: string): number {
  const f = Math.fround(s);
  if (!(f >= MIN_SCALE) || !Number.isFinite(f)) {
    throw new DlpError(`${what}: scale must be a positive fp32 number from 2^-126 to 3.4e38, got ${s}`);
  }
  return f;
}

/** Scale of a quantised tensor whose range is `range`; all-zero tensors get scale 1/qmax, and
 * no scale is below MIN_SCALE. */
export function scaleFor(range: number, qmax: number): number {
  if (!(range > 0)) return Math.fround(1 / qmax);
  const s = Math.fround(range / qmax);
  return s < MIN_SCALE ? MIN_SCALE : s;
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
