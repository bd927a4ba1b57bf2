// Units for people: seconds, bytes, joules and percentages as the summary and page show them.

export function fmtSeconds(s: number): string {
  if (s >= 1) return `${s.toFixed(2)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(2)} ms`;
  if (s >= 1e-6) return `${(s * 1e6).toFixed(2)} µs`;
  return `${(s * 1e9).toFixed(1)} ns`;
}

export function fmtBytes(b: number): string {
  if (b >= 1e9) return `${(b / 1e9).toFixed(2)} GB`;
  if (b >= 1e6) return `${(b / 1e6).toFixed(2)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toFixed(1)} kB`;
  return `${b} B`;
}

export function fmtJoules(j: number): string {
  if (j >= 1) return `${j.toFixed(3)} J`;
  if (j >= 1e-3) return `${(j * 1e3).toFixed(3)} mJ`;
  if (j >= 1e-6) return `${(j * 1e6).toFixed(3)} µJ`;
  return `${(j * 1e9).toFixed(3)} nJ`;
}

export const fmtPct = (x: number, digits = 2): string => `${(x * 100).toFixed(digits)} %`;

export const fmtInt = (x: number): string => Math.round(x).toLocaleString('en-US');

/** Right-aligned text table (first column left-aligned). */
export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd()).join('\n');
}
