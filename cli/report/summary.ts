// The text summary `dlp mnist` prints: host vs DLP accuracy and time, the speed-up against the
// course's 1/50 and 1/200 thresholds, the simulator's headline figures and the per-layer table.
import { breakdownCycles, formatBytes, formatCycleBar, formatInt, formatJoules, formatPercent, formatSeconds, formatTable } from '../../simulator/index.js';
import type { Grade } from './host-timing.js';
import type { LayerRow, MnistReport } from './report-data.js';

export function formatSpeedupVerdict(g: Grade): string {
  const [t80, t100] = g.thresholds;
  const mark = (ok: boolean): string => (ok ? '✓' : '✗');
  return `${mark(g.meets50)} 1/${t80} (80 points)   ${mark(g.meets200)} 1/${t100} (100 points)`;
}

/** Wall time well above the process's CPU time means other jobs had the cores: say so, and that
 * the grade (on CPU time) is not inflated by them. */
export function loadNote(r: Pick<MnistReport, 'cpuForwardSeconds' | 'hostWallSeconds'>): string {
  const ratio = r.hostWallSeconds / r.cpuForwardSeconds;
  if (!Number.isFinite(ratio) || ratio < LOADED_RATIO) return '';
  return `\nnote: the host wall time is ${ratio.toFixed(1)}× its CPU time: other jobs shared the cores; the grade uses the CPU time`;
}

/** Wall / CPU time above this marks a loaded machine (a quiet single-threaded run is near 1). */
export const LOADED_RATIO = 1.5;

/** The speed-up line: median and range over the timed host runs, then the grade or why there is none. */
export function formatSpeedupLine(r: MnistReport): string {
  const [lo, hi] = r.speedupRange;
  const head = `speed-up ${r.speedup.toFixed(1)}× (median host CPU time of ${r.cpuForwardSamples.length} runs; range ${lo.toFixed(1)}–${hi.toFixed(1)}×; `
    + `wall time ${formatSeconds(r.hostWallSeconds, 2)} per run)`;
  const load = loadNote(r);
  if (!r.grade) return `${head}${load}\nno grade: --quick runs a subset, not the graded task`;
  return `${head}${load}\n${formatSpeedupVerdict(r.grade)}   (${r.grade.basis})`;
}

/** "1 fused" for a layer in a multi-layer segment, "2" alone, "" unknown. */
export function segmentText(l: LayerRow): string {
  if (l.segment === 0) return '';
  return l.fusedWith.length > 1 ? `${l.segment} fused` : String(l.segment);
}

export function formatSummary(r: MnistReport): string {
  const c = r.config;
  const n = formatInt(c.testSamples);
  const lines = [
    `MNIST ${c.architecture} · ${r.training.history.length} epoch${r.training.history.length === 1 ? '' : 's'} on ${formatInt(c.trainSamples)} images (${r.training.seconds.toFixed(1)} s) · test set ${n} images`,
    '',
    formatTable([
      ['', 'host CPU (fp32)', `DLP ${r.hardware.name} (${c.dtype}, simulated)`],
      ['test accuracy', formatPercent(r.hostAccuracy, 2), formatPercent(r.dlpAccuracy, 2)],
      [`forward, batch ${n}`, `${formatSeconds(r.cpuForwardSeconds, 2)} (median)`, formatSeconds(r.dlpSeconds, 2)],
    ]),
    '',
    formatSpeedupLine(r),
    `cycles ${formatInt(r.cycles)} at ${(r.hardware.clockHz / 1e9).toFixed(2)} GHz · MFU utilisation ${formatPercent(r.mfuUtilization, 1)} · energy ${formatJoules(r.energyJoules)} (${r.simulator.energy.scope === 'dynamic' ? 'dynamic only' : 'dynamic + static'})`,
    `where the cycles went (critical path, sums to ${formatInt(r.cycles)}): ${formatCycleBar(r.cycleBreakdown, r.cycles, 50).replace('\n', '\n  ')}`,
    `DRAM read ${formatBytes(r.dramReadBytes)}, write ${formatBytes(r.dramWriteBytes)} · ${formatBytes(r.dramBytesPerSecond)}/s (${formatPercent(r.dramBandwidthFraction, 1)} of peak)`,
    '',
    formatTable([
      ['layer', 'segment', 'span cycles', 'critical path', 'MFU busy', 'share', 'ops/busy cycle', 'MACs', 'DRAM read', 'DRAM write', 'energy'],
      ...r.layers.map((l) => [l.name, segmentText(l), formatInt(l.cycles), formatInt(breakdownCycles(l.cycleBreakdown)), formatInt(l.mfuBusy), formatPercent(l.share, 1), formatInt(l.opsPerCycle), formatInt(l.macs), formatBytes(l.dramReadBytes), formatBytes(l.dramWriteBytes), formatJoules(l.energyJoules)]),
    ]),
    ...(r.layers.some((l) => l.fusedWith.length > 1) ? ['fused layers run interleaved: each one\'s span covers its whole segment; ops/busy cycle is its roofline point'] : []),
    '',
    `host side: compile ${formatSeconds(r.host.compileSeconds, 2)}, transfer ${formatSeconds(r.host.transferSeconds, 2)}, simulate ${formatSeconds(r.host.simulateSeconds, 2)}`,
    `report: ${r.reportDir}/report.html (also report.json, trace.json for ui.perfetto.dev, model.safetensors, bundle/)`,
  ];
  return `${lines.join('\n')}\n`;
}
