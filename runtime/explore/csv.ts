// The sweep as CSV: one row per point in sweep order, the swept keys first, then every figure
// the simulator reported, whether the point is on the (cycles, energy) Pareto front, and the
// error for points that could not run. Numbers are written at full precision.
import type { PointMetrics, PointResult } from './evaluate.js';

const METRIC_COLUMNS: readonly (keyof PointMetrics)[] = [
  'cycles', 'seconds', 'macs', 'instructions', 'mfuUtilization', 'dramReadBytes', 'dramWriteBytes', 'compulsoryDramBytes',
  'energyJoules', 'rooflineCycles', 'rooflineRatio', 'boundBy', 'predictedCycles', 'intensity', 'macsPerCycle',
  'peakMacsPerCycle', 'dramBytesPerCycle',
];

/** Quotes a field when it holds a comma, quote or newline (RFC 4180). */
function quoteField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function formatExploreCsv(keys: readonly string[], results: readonly PointResult[], pareto: readonly number[]): string {
  const onFront = new Set(pareto);
  const header = ['index', ...keys, 'hardware', 'dtype', 'batch', 'schedule', 'status', ...METRIC_COLUMNS, 'pareto', 'error'];
  const lines = [header.map(quoteField).join(',')];
  results.forEach((r, i) => {
    const m = r.metrics;
    const row = [
      String(r.index), ...keys.map((k) => String(r.params[k] ?? '')), r.hardware, r.dtype, String(r.batch), r.schedule,
      m ? 'ok' : 'error', ...METRIC_COLUMNS.map((c) => (m ? String(m[c]) : '')), onFront.has(i) ? '1' : '0', r.error ?? '',
    ];
    lines.push(row.map(quoteField).join(','));
  });
  return `${lines.join('\n')}\n`;
}
