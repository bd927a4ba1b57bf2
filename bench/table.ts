// Plain-text tables for the bench's stdout report, on the shared text formatting
// (simulator/text-format.ts); what only the bench shows (compact counts, ranges, a dash for a
// missing measurement) is here.
import { alignRow, columnWidths, formatPercent as percent, formatSeconds as seconds } from '../simulator/index.js';

/** A titled table: an indented header, a dashed rule, then the rows. */
export function formatTable(title: string, head: string[], rows: string[][]): string {
  const widths = columnWidths([head, ...rows]);
  const line = (r: string[]) => `  ${alignRow(r, widths)}`;
  return [`\n${title}`, line(head), `  ${widths.map((w) => '-'.repeat(w)).join('  ')}`, ...rows.map(line)].join('\n');
}

/** A dash for a measurement that is missing or not a number. */
const measured = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x);

/** Seconds with two decimals, in s, ms or µs. */
export function formatSeconds(s: number | undefined): string {
  return measured(s) ? seconds(s, 2) : '–';
}

/** A median with its min–max range. */
export function formatRange(t: { median: number; min: number; max: number } | undefined): string {
  if (!t) return '–';
  return `${formatSeconds(t.median)} (${formatSeconds(t.min)}–${formatSeconds(t.max)})`;
}

/** Large counts with k/M/G suffixes. */
export function formatCount(x: number | undefined): string {
  if (!measured(x)) return '–';
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${(x / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${(x / 1e3).toPrecision(3)}k`;
  return Number.isInteger(x) ? String(x) : x.toPrecision(3);
}

export function formatFixed(x: number | undefined, digits = 2): string {
  return measured(x) ? x.toFixed(digits) : '–';
}

export function formatPercent(x: number | undefined, digits = 1): string {
  return measured(x) ? percent(x, digits) : '–';
}
