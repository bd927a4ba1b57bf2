// Parsing of the option values the training and offload commands share: commander hands
// strings over, and every bad value becomes one DlpError naming the flag and the value.
import type { Command } from 'commander';
import { DlpError } from '../isa/errors.js';
import type { ComputeDType } from '../compiler/passes/quantize.js';

/** A positive integer (or undefined → fallback). */
export function parsePositiveInt(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new DlpError(`--${flag} must be a positive integer, got '${v}'`);
  return Number(v);
}

/** A finite number in [min, max] (max inclusive unless `openMax`). */
export function parseNumber(flag: string, v: string | undefined, fallback: number, min = 0, max = Infinity, openMax = false): number {
  if (v === undefined) return fallback;
  const x = Number(v);
  const tooBig = openMax ? x >= max : x > max;
  if (v.trim() === '' || !Number.isFinite(x) || x < min || tooBig) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}${openMax ? ')' : ']'}`;
    throw new DlpError(`--${flag} must be a number ${range}, got '${v}'`);
  }
  return x;
}

/** Hidden layer widths: "128,64" → [128, 64]; "" or "none" → []. */
export function parseHidden(v: string | undefined, fallback: number[]): number[] {
  if (v === undefined) return fallback;
  if (v === '' || v === 'none') return [];
  const parts = v.split(',');
  if (!parts.every((p) => /^\d+$/.test(p.trim()) && Number(p) >= 1)) {
    throw new DlpError(`--hidden must be comma-separated positive integers like 128,64, got '${v}'`);
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
