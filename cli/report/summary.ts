// The text summary `dlp mnist` prints: host vs DLP accuracy and time, the speed-up against the
// course's 1/50 and 1/200 thresholds, the simulator's headline figures and the per-layer table.
import type { MnistReport } from './report-data.js';
import { fmtBytes, fmtInt, fmtJoules, fmtPct, fmtSeconds, formatTable } from './format.js';

export function formatSpeedupVerdict(r: MnistReport): string {
  const [t80, t100] = r.grade.thresholds;
  const mark = (ok: boolean): string => (ok ? '✓' : '✗');
  return `${mark(r.grade.meets50)} 1/${t80} (80 points)   ${mark(r.grade.meets200)} 1/${t100} (100 points)`;
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
      [`forward, batch ${n}`, fmtSeconds(r.cpuForwardSeconds), fmtSeconds(r.dlpSeconds)],
    ]),
    '',
    `speed-up ${r.speedup.toFixed(1)}×   ${formatSpeedupVerdict(r)}`,
    `cycles ${fmtInt(r.cycles)} at ${(r.hardware.clockHz / 1e9).toFixed(2)} GHz · MFU utilisation ${fmtPct(r.mfuUtilization, 1)} · energy ${fmtJoules(r.energyJoules)}`,
    `DRAM read ${fmtBytes(r.dramReadBytes)}, write ${fmtBytes(r.dramWriteBytes)} · ${fmtBytes(r.dramBytesPerSecond)}/s (${fmtPct(r.dramBandwidthFraction, 1)} of peak)`,
    '',
    formatTable([
      ['layer', 'span cycles', 'MFU busy', 'share', 'MACs', 'DRAM read', 'DRAM write', 'energy'],
      ...r.layers.map((l) => [l.name, fmtInt(l.cycles), fmtInt(l.mfuBusy), fmtPct(l.share, 1), fmtInt(l.macs), fmtBytes(l.dramReadBytes), fmtBytes(l.dramWriteBytes), fmtJoules(l.energyJoules)]),
    ]),
    '',
    `host side: compile ${fmtSeconds(r.host.compileSeconds)}, transfer ${fmtSeconds(r.host.transferSeconds)}, simulate ${fmtSeconds(r.host.simulateSeconds)}`,
    `report: ${r.reportDir}/report.html (also report.json, trace.json for ui.perfetto.dev, model.safetensors, bundle/)`,
  ];
  return `${lines.join('\n')}\n`;
}
