// BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv in SCALE-Sim's layout (', '
// separators, a trailing comma on every row). The SRAM columns are SCALE-Sim's, computed with
// its definitions (access.ts, user-mode.ts). In USER mode SCALE-Sim's DRAM columns follow,
// from its double-buffered memory model (memory.ts), then dlpkit's own simulated DRAM figures
// under `DLP …` names. In CALC mode SCALE-Sim's DRAM columns come from its bandwidth-estimating
// buffers, which dlpkit does not reproduce, so only the `DLP …` columns stand there — never
// mistaken for SCALE-Sim's.
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

/** SCALE-Sim's own DRAM columns, written in USER mode. */
export const BANDWIDTH_REPORT_DRAM_COLUMNS = ['Avg IFMAP DRAM BW', 'Avg FILTER DRAM BW', 'Avg OFMAP DRAM BW'] as const;
export const DETAILED_ACCESS_REPORT_DRAM_COLUMNS = [
  'DRAM IFMAP Start Cycle', 'DRAM IFMAP Stop Cycle', 'DRAM IFMAP Reads',
  'DRAM Filter Start Cycle', 'DRAM Filter Stop Cycle', 'DRAM Filter Reads',
  'DRAM OFMAP Start Cycle', 'DRAM OFMAP Stop Cycle', 'DRAM OFMAP Writes',
] as const;

/** The columns with SCALE-Sim's DRAM columns spliced in after its SRAM ones (USER mode). */
function withDram(columns: readonly string[], sramEnd: number, dram: readonly string[], user: boolean): string[] {
  return user ? [...columns.slice(0, sramEnd), ...dram, ...columns.slice(sramEnd)] : [...columns];
}

const userMode = (rows: readonly ComputeReportRow[]) => rows.length > 0 && rows.every((r) => r.memory);

function formatCsv(columns: readonly string[], rows: readonly string[][]): string {
  return `${[columns, ...rows].map((cells) => `${cells.join(', ')},`).join('\n')}\n`;
}

/** dlpkit's bytes per simulated cycle (its words are bytes, as SCALE-Sim's). */
function perCycle(bytes: number, cycles: number): string {
  return cycles > 0 ? (bytes / cycles).toFixed(3) : '0.000';
}

/** BANDWIDTH_REPORT.csv: SCALE-Sim's average SRAM bandwidths (words per Total Cycle, printed
 * like Python's str(float)), in USER mode its average DRAM bandwidths, then dlpkit's simulated
 * DRAM read and write bytes per cycle. */
export function formatBandwidthReport(rows: readonly ComputeReportRow[]): string {
  const user = userMode(rows);
  return formatCsv(withDram(BANDWIDTH_REPORT_COLUMNS, 4, BANDWIDTH_REPORT_DRAM_COLUMNS, user), rows.map((r, id) => {
    const bw = r.memory?.avgDramBw;
    return [
      String(id),
      formatPyFloat(r.access.avgIfmapSramBw), formatPyFloat(r.access.avgFilterSramBw), formatPyFloat(r.access.avgOfmapSramBw),
      ...(user && bw ? [formatPyFloat(bw.ifmap), formatPyFloat(bw.filter), formatPyFloat(bw.ofmap)] : []),
      perCycle(r.dlp.dramReadBytes, r.dlp.cycles), perCycle(r.dlp.dramWriteBytes, r.dlp.cycles),
    ];
  }));
}

/** DETAILED_ACCESS_REPORT.csv: SCALE-Sim's SRAM start/stop cycles (floats in its file, as its
 * traces hold float cycles) and access counts, in USER mode its DRAM start/stop cycles and
 * counts, then dlpkit's simulated DRAM bytes and cycles. */
export function formatDetailedAccessReport(rows: readonly ComputeReportRow[]): string {
  const user = userMode(rows);
  return formatCsv(withDram(DETAILED_ACCESS_REPORT_COLUMNS, 10, DETAILED_ACCESS_REPORT_DRAM_COLUMNS, user), rows.map((r, id) => {
    const a = r.access;
    const sram = [a.ifmap, a.filter, a.ofmap].flatMap((s) => [formatPyFloat(s.startCycle), formatPyFloat(s.stopCycle), String(s.count)]);
    const d = r.memory?.dram;
    // SCALE-Sim's DRAM cycles come out of float trace matrices; its access counts are ints.
    const dram = user && d ? [d.ifmap, d.filter, d.ofmap].flatMap((s) => [formatPyFloat(s.startCycle), formatPyFloat(s.stopCycle), String(s.accesses)]) : [];
    return [String(id), ...sram, ...dram, String(r.dlp.dramReadBytes), String(r.dlp.dramWriteBytes), String(r.dlp.cycles)];
  }));
}
