// A readable text table of a simulation report, for the CLI and the labs.
import type { SimReport, UnitStats } from './report.js';
import { barWidths, CYCLE_CAUSE_INFO, CYCLE_CAUSES, type CycleBreakdown } from './cycle-breakdown.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
const int = (x: number): string => Math.round(x).toLocaleString('en-US');

function siTime(seconds: number): string {
  if (seconds >= 1) return `${seconds.toFixed(3)} s`;
  if (seconds >= 1e-3) return `${(seconds * 1e3).toFixed(3)} ms`;
  if (seconds >= 1e-6) return `${(seconds * 1e6).toFixed(3)} µs`;
  return `${(seconds * 1e9).toFixed(1)} ns`;
}

function siEnergy(joules: number): string {
  if (joules >= 1) return `${joules.toFixed(3)} J`;
  if (joules >= 1e-3) return `${(joules * 1e3).toFixed(3)} mJ`;
  if (joules >= 1e-6) return `${(joules * 1e6).toFixed(3)} µJ`;
  return `${(joules * 1e9).toFixed(3)} nJ`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

/**
 * One stacked bar of a cycle breakdown in `width` characters, one letter per cause, with a
 * legend of every nonzero cause: cycles and share.
 */
export function formatCycleBar(b: CycleBreakdown, cycles: number, width = 60): string {
  const w = barWidths(b, width);
  const bar = CYCLE_CAUSES.map((c) => CYCLE_CAUSE_INFO[c].key.repeat(w[c])).join('');
  const legend = CYCLE_CAUSES.filter((c) => b[c] > 0)
    .map((c) => `${CYCLE_CAUSE_INFO[c].key} ${c} ${int(b[c])} (${pct(cycles > 0 ? b[c] / cycles : 0)})`);
  return `[${bar}]\n${legend.join(' · ')}`;
}

/** Formats a report as aligned text sections. */
export function formatReport(r: SimReport): string {
  const unit = (name: string, u: UnitStats): string[] => [name, int(u.busyCycles), pct(u.utilization)];
  const lines: string[] = [];
  lines.push(`Simulation on ${r.hardware}`);
  lines.push(table([
    ['cycles', int(r.cycles)],
    ['time', siTime(r.seconds)],
    ['instructions', int(r.instructions)],
    ['MACs', int(r.macs)],
    ['MFU utilisation', pct(r.mfuUtilization)],
    ['roofline cycles', `${int(r.rooflineCycles)} (${r.boundBy}-bound)`],
    ['cycles / roofline', r.rooflineRatio.toFixed(2)],
    ['energy', `${siEnergy(r.energy.totalJoules)} (${r.energy.scope === 'dynamic' ? 'dynamic only' : 'dynamic + static'})`],
  ]));
  lines.push('', table([['unit', 'busy cycles', 'utilisation'], unit('dma-in', r.units.dmaIn), unit('mfu', r.units.mfu),
    unit('vfu', r.units.vfu), unit('dma-out', r.units.dmaOut)]));
  lines.push('', `where the ${int(r.cycles)} cycles went (critical path; sums to cycles):`, formatCycleBar(r.cycleBreakdown, r.cycles));
  const q = r.queueStallCycles;
  lines.push('', table([['waiting, summed over queues', 'cycles'], ['hazard (RAW/WAR/WAW)', int(q.hazard)],
    ['queue full', int(q.queueFull)], ['DRAM channel busy', int(q.dram)], ['SYNC/HALT drain', int(q.sync)]]));
  lines.push('', table([
    ['DRAM', 'value'],
    ['read bytes', int(r.dramReadBytes)],
    ['write bytes', int(r.dramWriteBytes)],
    ['compulsory bytes', int(r.compulsoryDramBytes)],
    ['avg bytes/cycle', `${r.avgDramBytesPerCycle.toFixed(2)} (${pct(r.dramBandwidthFraction)} of peak)`],
    ['channel busy', pct(r.dramChannelUtilization)],
  ]));
  const b = r.energy.breakdown;
  const total = Object.values(b).reduce((a, x) => a + x, 0);
  lines.push('', table([['energy', 'pJ', 'share'],
    ...(Object.entries(b) as [string, number][]).map(([k, v]) => [k, v.toExponential(3), pct(total > 0 ? v / total : 0)])]));
  if (r.systolic) {
    lines.push('', table([['systolic (SCALE-Sim)', 'value'], ['folds', int(r.systolic.folds)],
      ['mapping efficiency', pct(r.systolic.mappingEfficiency)], ['SCALE-Sim total cycles', int(r.systolic.scaleSimCycles)]]));
  }
  if (r.perLayer.length > 0) {
    lines.push('', table([['layer', 'cycles', 'MACs', 'DRAM read', 'DRAM write', 'MFU busy', 'energy'],
      ...r.perLayer.map((l) => [`${l.layer} ${l.name}`, int(l.cycles), int(l.macs), int(l.dramReadBytes),
        int(l.dramWriteBytes), int(l.mfuBusy), siEnergy(l.energyJoules)])]));
  }
  return lines.join('\n');
}
