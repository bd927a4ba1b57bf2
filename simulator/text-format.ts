// Numbers for people and aligned text tables: the one copy every text report uses (the
// simulator's report, the CLI's summary and HTML page, the web playground, the bench). It lives
// in the simulator, the lowest layer with a report, and is browser-safe.

/** Seconds in s, ms or µs with `digits` decimals; below a microsecond in ns with one. */
export function formatSeconds(s: number, digits: number): string {
  if (s >= 1) return `${s.toFixed(digits)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(digits)} ms`;
  if (s >= 1e-6) return `${(s * 1e6).toFixed(digits)} µs`;
  return `${(s * 1e9).toFixed(1)} ns`;
}

/** Joules in J, mJ, µJ or nJ with three decimals. */
export function formatJoules(j: number): string {
  if (j >= 1) return `${j.toFixed(3)} J`;
  if (j >= 1e-3) return `${(j * 1e3).toFixed(3)} mJ`;
  if (j >= 1e-6) return `${(j * 1e6).toFixed(3)} µJ`;
  return `${(j * 1e9).toFixed(3)} nJ`;
}

/** Bytes in decimal units: GB and MB with two decimals, kB with one, whole bytes. */
export function formatBytes(b: number): string {
  if (b >= 1e9) return `${(b / 1e9).toFixed(2)} GB`;
  if (b >= 1e6) return `${(b / 1e6).toFixed(2)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toFixed(1)} kB`;
  return `${b} B`;
}

/** A fraction as a percentage with `digits` decimals. */
export function formatPercent(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)} %`;
}

/** A rounded integer with thousands separators (1,234,567), as toLocaleString('en-US') writes
 * it. Grouped here: the first toLocaleString of a process starts ICU's number formatting, about
 * 20 ms of CPU (a fifth of a short `dlp run`'s own work, issue #23). Beyond 1e21 (digits in
 * exponent form), NaN, ±Infinity and −0 it is left to toLocaleString. */
export function formatInt(x: number): string {
  const n = Math.round(x);
  if (!(Math.abs(n) < 1e21) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let at = out.length; at < digits.length; at += 3) out += `,${digits.slice(at, at + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** Width of every column: its longest cell. */
export function columnWidths(rows: readonly (readonly string[])[]): number[] {
  return rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
}

/** One row padded to `widths`, two spaces apart: the `left` columns left-aligned (names; by
 * default the first), the others right-aligned (numbers). */
export function alignRow(row: readonly string[], widths: readonly number[], left: readonly number[] = [0]): string {
  return row.map((cell, c) => (left.includes(c) ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
}

/** An aligned text table of `rows` (the first is usually the header), without trailing blanks. */
export function formatTable(rows: readonly (readonly string[])[], left: readonly number[] = [0]): string {
  const widths = columnWidths(rows);
  return rows.map((r) => alignRow(r, widths, left).trimEnd()).join('\n');
}
