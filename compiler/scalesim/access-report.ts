// BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv in SCALE-Sim v2's layout (', '
// separators, a trailing comma on every row). The SRAM columns are SCALE-Sim's, computed with
// its definitions (access.ts). SCALE-Sim's DRAM columns come from its double-buffered
// prefetch model, which dlpkit does not reproduce; in their place stand dlpkit's own
// simulated DRAM figures under `DLP …` names, so they are never mistaken for SCALE-Sim's.
import { formatPyFloat, type ComputeReportRow } from './report.js';

export const BANDWIDTH_REPORT_COLUMNS = [
  'LayerID', 'Avg IFMAP SRAM BW', 'Avg FILTER SRAM BW', 'Avg OFMAP SRAM BW',
  'DLP Avg DRAM Read BW', 'DLP Avg DRAM Write BW',
] as const;

export const DETAILED_ACCESS_REPORT_COLUMNS = [
  'LayerID',
  'SRAM IFMAP Start Cycle', 'SRAM IFMAP Stop Cycle', 'SRAM IFMAP Reads',
  'SRAM Filter Start Cycle', 'SRAM Filter Stop Cycle', 'SRAM Filter Reads',
  'SRAM OFMAP Start Cycle', 'SRAM OFMAP Stop Cycle', 'SRAM OFMAP Writes',
  'DLP DRAM Read Bytes', 'DLP DRAM Write Bytes', 'DLP Cycles',
] as const;

function formatCsv(columns: readonly string[], rows: readonly string[][]): string {
  return `${[columns, ...rows].map((cells) => `${cells.join(', ')},`).join('\n')}\n`;
}

/** dlpkit's bytes per simulated cycle (its words are bytes, as SCALE-Sim's). */
function perCycle(bytes: number, cycles: number): string {
  return cycles > 0 ? (bytes / cycles).toFixed(3) : '0.000';
}

/** BANDWIDTH_REPORT.csv: SCALE-Sim's average SRAM bandwidths (words per Total Cycle, printed
 * like Python's str(float)), then dlpkit's simulated DRAM read and write bytes per cycle. */
export function formatBandwidthReport(rows: readonly ComputeReportRow[]): string {
  return formatCsv(BANDWIDTH_REPORT_COLUMNS, rows.map((r, id) => [
    String(id),
    formatPyFloat(r.access.avgIfmapSramBw), formatPyFloat(r.access.avgFilterSramBw), formatPyFloat(r.access.avgOfmapSramBw),
    perCycle(r.dlp.dramReadBytes, r.dlp.cycles), perCycle(r.dlp.dramWriteBytes, r.dlp.cycles),
  ]));
}

/** DETAILED_ACCESS_REPORT.csv: SCALE-Sim's SRAM start/stop cycles (floats in its file, as its
 * traces hold float cycles) and access counts, then dlpkit's simulated DRAM bytes and cycles. */
export function formatDetailedAccessReport(rows: readonly ComputeReportRow[]): string {
  return formatCsv(DETAILED_ACCESS_REPORT_COLUMNS, rows.map((r, id) => {
    const a = r.access;
    const sram = [a.ifmap, a.filter, a.ofmap].flatMap((s) => [formatPyFloat(s.startCycle), formatPyFloat(s.stopCycle), String(s.count)]);
    return [String(id), ...sram, String(r.dlp.dramReadBytes), String(r.dlp.dramWriteBytes), String(r.dlp.cycles)];
  }));
}
