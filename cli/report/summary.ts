// The text summary `dlp mnist` prints: host vs DLP accuracy and time, the speed-up against the
// course's 1/50 and 1/200 thresholds, the simulator's headline figures and the per-layer table.
import { breakdownCycles, formatCycleBar } from '../../simulator/index.js';
import type { Grade } from './host-timing.js';
import type { LayerRow, MnistReport } from './report-data.js';
import { fmtBytes, fmtInt, fmtJoules, fmtPct, fmtSeconds, formatTable } from './format.js';

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
    + `wall time ${fmtSeconds(r.hostWallSeconds)} per run)`;
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
  const n = fmtInt(c.testSamples);
  const lines = [
    `MNIST ${c.architecture} · ${r.training.history.length} epoch${r.training.history.length === 1 ? '' : 's'} on ${fmtInt(c.trainSamples)} images (${r.training.seconds.toFixed(1)} s) · test set ${n} images`,
    '',
    formatTable([
      ['', 'host CPU (fp32)', `DLP ${r.hardware.name} (${c.dtype}, simulated)`],
      ['test accuracy', fmtPct(r.hostAccuracy), fmtPct(r.dlpAccuracy)],
      [`forward, batch ${n}`, `${fmtSeconds(r.cpuForwardSeconds)} (median)`, fmtSeconds(r.dlpSeconds)],
    ]),
    '',
    formatSpeedupLine(r),
    `cycles ${fmtInt(r.cycles)} at ${(r.hardware.clockHz / 1e9).toFixed(2)} GHz · MFU utilisation ${fmtPct(r.mfuUtilization, 1)} · energy ${fmtJoules(r.energyJoules)} (${r.simulator.energy.scope === 'dynamic' ? 'dynamic only' : 'dynamic + static'})`,
    `where the cycles went (critical path, sums to ${fmtInt(r.cycles)}): ${formatCycleBar(r.cycleBreakdown, r.cycles, 50).replace('\n', '\n  ')}`,
    `DRAM read ${fmtBytes(r.dramReadBytes)}, write ${fmtBytes(r.dramWriteBytes)} · ${fmtBytes(r.dramBytesPerSecond)}/s (${fmtPct(r.dramBandwidthFraction, 1)} of peak)`,
    '',
    formatTable([
      ['layer', 'segment', 'span cycles', 'critical path', 'MFU busy', 'share', 'ops/busy cycle', 'MACs', 'DRAM read', 'DRAM write', 'energy'],
      ...r.layers.map((l) => [l.name, segmentText(l), fmtInt(l.cycles), fmtInt(breakdownCycles(l.cycleBreakdown)), fmtInt(l.mfuBusy), fmtPct(l.share, 1), fmtInt(l.opsPerCycle), fmtInt(l.macs), fmtBytes(l.dramReadBytes), fmtBytes(l.dramWriteBytes), fmtJoules(l.energyJoules)]),
    ]),
    ...(r.layers.some((l) => l.fusedWith.length > 1) ? ['fused layers run interleaved: each one\'s span covers its whole segment; ops/busy cycle is its roofline point'] : []),
    '',
    `host side: compile ${fmtSeconds(r.host.compileSeconds)}, transfer ${fmtSeconds(r.host.transferSeconds)}, simulate ${fmtSeconds(r.host.simulateSeconds)}`,
    `report: ${r.reportDir}/report.html (also report.json, trace.json for ui.perfetto.dev, model.safetensors, bundle/)`,
  ];
  return `${lines.join('\n')}\n`;
}
