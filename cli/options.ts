// Parsing of the option values the training and offload commands share: commander hands
// strings over, and every bad value becomes one DlpError naming the flag and the value.
import type { Command } from 'commander';
import { DlpError } from '../isa/errors.js';
import type { ComputeDType } from '../compiler/passes/quantize.js';

// One parser per kind of value, one wording per kind, the same in every command:
//   counts  (--batch, --epochs, --images, --workers ...)  "must be a whole number of at least 1"
//   seeds   (--seed)                                       "must be a whole number from 0 to 4294967295"
//   rates   (--lr, --std)                                  "must be a positive finite number"
//   weights (--l1, --l2)                                   "must be a finite number of at least 0"
//   fractions (--dropout, --validation, --prune)           "must be a number from 0 up to but not including 1"
// (test/cli/options.test.ts runs the table across the commands).

const WHOLE = /^\d+$/;
/** Seeds are 32-bit: the generator (isa/rng.ts) keeps `seed >>> 0`, so larger values would alias. */
export const MAX_SEED = 2 ** 32 - 1;

function bad(flag: string, must: string, v: string): DlpError {
  return new DlpError(`--${flag} must be ${must}, got '${v}'`);
}

/** A count: a whole number >= 1 (at most `max`, whose meaning `why` explains). */
export function parseCount(flag: string, v: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER, why = ''): number {
  if (v === undefined) return fallback;
  if (!WHOLE.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw bad(flag, 'a whole number of at least 1', v);
  if (Number(v) > max) throw bad(flag, `a whole number from 1 to ${max}${why ? ` (${why})` : ''}`, v);
  return Number(v);
}

/** The former name of parseCount. */
export const parsePositiveInt = parseCount;

/** A seed: a whole number from 0 to 2^32 − 1, accepted alike by every command. */
export function parseSeed(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!WHOLE.test(v) || Number(v) > MAX_SEED) throw bad(flag, `a whole number from 0 to ${MAX_SEED}`, v);
  return Number(v);
}

function finite(v: string): number | undefined {
  const x = Number(v);
  return v.trim() === '' || !Number.isFinite(x) ? undefined : x;
}

/** A rate or scale: a finite number > 0 (--lr, --std). */
export function parseRate(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const x = finite(v);
  if (x === undefined || x <= 0) throw bad(flag, 'a positive finite number', v);
  return x;
}

/** A penalty weight: a finite number >= 0 (--l1, --l2). */
export function parseNonNegative(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const x = finite(v);
  if (x === undefined || x < 0) throw bad(flag, 'a finite number of at least 0', v);
  return x;
}

/** A fraction in [0, 1) (--dropout, --validation, --prune). */
export function parseFraction(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const x = finite(v);
  if (x === undefined || x < 0 || x >= 1) throw bad(flag, 'a number from 0 up to but not including 1', v);
  return x;
}

/** A finite number in [min, max] (max inclusive unless `openMax`), for values no kind above covers. */
export function parseNumber(flag: string, v: string | undefined, fallback: number, min = 0, max = Infinity, openMax = false): number {
  if (v === undefined) return fallback;
  const x = finite(v);
  if (x === undefined || x < min || (openMax ? x >= max : x > max)) {
    throw bad(flag, max === Infinity ? `a finite number of at least ${min}` : `a number from ${min} to ${max}${openMax ? ' (not included)' : ''}`, v);
  }
  return x;
}

/** Hidden layer widths: "128,64" → [128, 64]; "" or "none" → []. */
export function parseHidden(v: string | undefined, fallback: number[]): number[] {
  if (v === undefined) return fallback;
  if (v === '' || v === 'none') return [];
  const parts = v.split(',');
  if (!parts.every((p) => /^\d+$/.test(p.trim()) && Number(p) >= 1)) {
    throw new DlpError(`--hidden must be comma-separated whole numbers of at least 1, like 128,64, got '${v}'`);
  }
  return parts.map(Number);
}

export function parseDtype(v: string | undefined): ComputeDType {
  const d = v ?? 'int8';
  if (d !== 'int8' && d !== 'int16' && d !== 'fp32') throw new DlpError(`--dtype must be int8, int16 or fp32, got '${d}'`);
  return d;
}

/** One of `allowed`, named by the flag in the error. */
export function parseChoice<T extends string>(flag: string, v: string | undefined, allowed: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new DlpError(`--${flag} must be one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}

/** Appends an "Example:" block to a command's --help. */
export function addExamples(cmd: Command, ...examples: string[]): Command {
  return cmd.addHelpText('after', `\nExample${examples.length > 1 ? 's' : ''}:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
}
