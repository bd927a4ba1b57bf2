// Plain-text tables for the bench's stdout report: right-aligned numbers, left-aligned names.

export function formatTable(title: string, head: string[], rows: string[][]): string {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => `  ${r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ')}`;
  return [`\n${title}`, line(head), `  ${widths.map((w) => '-'.repeat(w)).join('  ')}`, ...rows.map(line)].join('\n');
}

/** Seconds with 3 significant digits, in s or ms. */
export function formatSeconds(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '–';
  return s >= 1 ? `${s.toPrecision(3)} s` : `${(s * 1e3).toPrecision(3)} ms`;
}

/** A median with its min–max range. */
export function formatRange(t: { median: number; min: number; max: number } | undefined): string {
  if (!t) return '–';
  return `${formatSeconds(t.median)} (${formatSeconds(t.min)}–${formatSeconds(t.max)})`;
}

/** Large counts with k/M/G suffixes. */
export function formatCount(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${(x / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${(x / 1e3).toPrecision(3)}k`;
  return Number.isInteger(x) ? String(x) : x.toPrecision(3);
}

export function formatFixed(x: number | undefined, digits = 2): string {
  return x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

export function formatPercent(x: number | undefined, digits = 1): string {
  return x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(digits)} %`;
}
