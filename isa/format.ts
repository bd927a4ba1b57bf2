// Number and name formatting shared by the printer, the validator's messages and the docs.
// Every number printed here parses back to exactly the same value (see asm-grammar.ts `number`).
import type { FieldSpec } from './spec.js';

/** Identifiers of the assembly: region and constant names. */
export const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A double printed so that `Number(text)` gives it back exactly (`-0` kept). */
export function formatNumber(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** The shortest decimal that rounds to the binary32 value `v` (e.g. 0.1, not 0.100000001). */
export function formatF32(v: number): string {
  if (!Number.isFinite(v) || Object.is(v, -0)) return formatNumber(v);
  for (let p = 1; p <= 9; p++) {
    const d = Number(v.toPrecision(p));
    if (Math.fround(d) === v) return String(d);
  }
  return String(v);
}

export function formatHex(v: number): string {
  return Number.isSafeInteger(v) && v >= 0 ? `0x${v.toString(16)}` : formatNumber(v);
}

/** A field value as it appears in messages and in canonical text (addresses in hex). */
export function formatFieldValue(f: FieldSpec, v: number | string): string {
  if (typeof v === 'string') return v;
  if (f.kind === 'addr') return formatHex(v);
  if (f.kind === 'f32') return formatF32(v);
  return formatNumber(v);
}

/** "a, b or c" */
export function formatChoices(values: readonly string[]): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = prev[j]!;
      prev[j] = next;
    }
  }
  return prev[b.length]!;
}

/** The candidate closest to `name` (case-insensitive edit distance), if it is close enough
 * to be a plausible typo. */
export function findNearest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.floor(name.length / 2)) ? best : undefined;
}

/** Text without a leading UTF-8 byte-order mark (U+FEFF), which some Windows editors write
 * at the start of a file; every text format of dlpkit reads as if it were not there. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
