// A readable text table of a simulation report, for the CLI and the labs.
import type { SimReport, UnitStats } from './report.js';
import { formatInt, formatJoules, formatPercent, formatSeconds, formatTable } from './text-format.js';
import { barWidths, CYCLE_CAUSE_INFO, CYCLE_CAUSES, type CycleBreakdown } from './cycle-breakdown.js';

/**
 * One stacked bar of a cycle breakdown in `width` characters, one letter per cause, with a
 * legend of every nonzero cause: cycles and share.
 */
export function formatCycleBar(b: CycleBreakdown, cycles: number, width = 60): string {
  const w = barWidths(b, width);
  const bar = CYCLE_CAUSES.map((c) => CYCLE_CAUSE_INFO[c].key.repeat(w[c])).join('');
  const legend = CYCLE_CAUSES.filter((c) => b[c] > 0)
    .map((c) => `${CYCLE_CAUSE_INFO[c].key} ${c} ${formatInt(b[c])} (${formatPercent(cycles > 0 ? b[c] / cycles : 0)})`);
  return `[${bar}]\n${legend.join(' · ')}`;
}

/** Formats a report as aligned text sections. */
export function formatReport(r: SimReport): string {
  const unit = (name: string, u: UnitStats): string[] => [name, formatInt(u.busyCycles), formatPercent(u.utilization)];
  const lines: string[] = [];
  lines.push(`Simulation on ${r.hardware}`);
  lines.push(formatTable([
    ['cycles', formatInt(r.cycles)],
    ['time', formatSeconds(r.seconds, 3)],
    ['instructions', formatInt(r.instructions)],
    ['MACs', formatInt(r.macs)],
    ['MFU utilisation', formatPercent(r.mfuUtilization)],
    ['roofline cycles', `${formatInt(r.rooflineCycles)} (${r.boundBy}-bound)`],
    ['cycles / roofline', r.rooflineRatio.toFixed(2)],
    ['energy', `${formatJoules(r.energy.totalJoules)} (${r.energy.scope === 'dynamic' ? 'dynamic only' : 'dynamic + static'})`],
  ]));
  lines.push('', formatTable([['unit', 'busy cycles', 'utilisation'], unit('dma-in', r.units.dmaIn), unit('mfu', r.units.mfu),
    unit('vfu', r.units.vfu), unit('dma-out', r.units.dmaOut)]));
  lines.push('', `where the ${formatInt(r.cycles)} cycles went (critical path; sums to cycles):`, formatCycleBar(r.cycleBreakdown, r.cycles));
  const q = r.queueStallCycles;
  lines.push('', formatTable([['waiting, summed over queues', 'cycles'], ['hazard (RAW/WAR/WAW)', formatInt(q.hazard)],
    ['queue full', formatInt(q.queueFull)], ['DRAM channel busy', formatInt(q.dram)], ['SYNC/HALT drain', formatInt(q.sync)]]));
  lines.push('', formatTable([
    ['DRAM', 'value'],
    ['read bytes', formatInt(r.dramReadBytes)],
    ['write bytes', formatInt(r.dramWriteBytes)],
    ['compulsory bytes', formatInt(r.compulsoryDramBytes)],
    ['avg bytes/cycle', `${r.avgDramBytesPerCycle.toFixed(2)} (${formatPercent(r.dramBandwidthFraction)} of peak)`],
    ['channel busy', formatPercent(r.dramChannelUtilization)],
  ]));
  const b = r.energy.breakdown;
  const total = Object.values(b).reduce((a, x) => a + x, 0);
  lines.push('', formatTable([['energy', 'pJ', 'share'],
    ...(Object.entries(b) as [string, number][]).map(([k, v]) => [k, v.toExponential(3), formatPercent(total > 0 ? v / total : 0)])]));
  if (r.systolic) {
    lines.push('', formatTable([['systolic (SCALE-Sim)', 'value'], ['folds', formatInt(r.systolic.folds)],
      ['mapping efficiency', formatPercent(r.systolic.mappingEfficiency)], ['SCALE-Sim total cycles', formatInt(r.systolic.scaleSimCycles)]]));
  }
  if (r.perLayer.length > 0) {
    lines.push('', formatTable([['layer', 'cycles', 'MACs', 'DRAM read', 'DRAM write', 'MFU busy', 'energy'],
      ...r.perLayer.map((l) => [`${l.layer} ${l.name}`, formatInt(l.cycles), formatInt(l.macs), formatInt(l.dramReadBytes),
        formatInt(l.dramWriteBytes), formatInt(l.mfuBusy), formatJoules(l.energyJoules)])]));
  }
  return lines.join('\n');
}
