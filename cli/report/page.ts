// report.html: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) with
// the headline numbers, the five charts and the per-layer table.
import { formatBytes, formatInt, formatJoules, formatPercent, formatSeconds, type TraceEvent } from '../../simulator/index.js';
import { renderCyclesChart } from './charts/cycles.js';
import { renderLayersChart } from './charts/layers.js';
import { renderRooflineChart } from './charts/roofline.js';
import { renderTimelineChart } from './charts/timeline.js';
import { renderTrainingChart } from './charts/training.js';
import { REPORT_FILES, type MnistReport } from './report-data.js';
import { esc } from './svg.js';
import { formatSpeedupVerdict, segmentText } from './summary.js';

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:960px;color:#222;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.8em}.sub{color:#666}
table{border-collapse:collapse;margin:.6em 0}td,th{padding:.25em .8em;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}.cards{display:flex;flex-wrap:wrap;gap:.8em}
.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:150px}.card b{display:block;font-size:1.3em}
.charts{display:flex;flex-wrap:wrap;gap:1em}svg.chart{background:#fff;border:1px solid #eee;max-width:100%;height:auto}
svg .title{font-size:13px;font-weight:600}svg .tick{font-size:10px;fill:#444}svg .label{font-size:11px;fill:#222}
svg .axis{stroke:#333}svg .grid{stroke:#eee}code{background:#f4f4f4;padding:0 .3em}`;

function card(label: string, value: string): string {
  return `<div class="card">${esc(label)}<b>${esc(value)}</b></div>`;
}

export function renderReportHtml(r: MnistReport, trace: readonly TraceEvent[]): string {
  const c = r.config;
  const layerRows = r.layers.map((l) => `<tr><td>${esc(l.name)}</td><td>${esc(segmentText(l))}</td><td>${formatInt(l.cycles)}</td><td>${formatInt(l.mfuBusy)}</td><td>${formatPercent(l.share, 1)}</td><td>${formatInt(l.opsPerCycle)}</td><td>${formatInt(l.macs)}</td>`
    + `<td>${formatBytes(l.dramReadBytes)}</td><td>${formatBytes(l.dramWriteBytes)}</td><td>${formatJoules(l.energyJoules)}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dlpkit MNIST report: ${esc(c.architecture)} on ${esc(r.hardware.name)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${CSS}</style></head>
<body>
<h1>MNIST ${esc(c.architecture)} on ${esc(r.hardware.name)} (${esc(c.dtype)})</h1>
<p class="sub">Generated ${esc(r.createdAt)} by <code>dlp mnist</code> · ${formatInt(c.trainSamples)} training images, ${r.training.history.length} epoch${r.training.history.length === 1 ? '' : 's'}, batch ${c.batch}, seed ${c.seed} · test set ${formatInt(c.testSamples)} images${c.quick ? ' · quick run (subset)' : ''}</p>
<div class="cards">
${card('host accuracy', formatPercent(r.hostAccuracy, 2))}${card('DLP accuracy', formatPercent(r.dlpAccuracy, 2))}
${card('CPU forward (median)', formatSeconds(r.cpuForwardSeconds, 2))}${card('DLP (simulated)', formatSeconds(r.dlpSeconds, 2))}
${card('speed-up', `${r.speedup.toFixed(1)}×`)}${card('cycles', formatInt(r.cycles))}
${card('MFU utilisation', formatPercent(r.mfuUtilization, 1))}${card(r.simulator.energy.scope === 'dynamic' ? 'energy (dynamic only)' : 'energy (dynamic + static)', formatJoules(r.energyJoules))}
${card('DRAM traffic', formatBytes(r.dramReadBytes + r.dramWriteBytes))}${card('DRAM bandwidth', `${formatBytes(r.dramBytesPerSecond)}/s`)}
</div>
<p>${r.grade
    ? `Course grading of the DLP forward at batch ${formatInt(c.testSamples)}: ${esc(formatSpeedupVerdict(r.grade))} (${esc(r.grade.basis)}).`
    : 'No course grade: a --quick run uses a subset, not the graded task.'}
Host time is the median process CPU time of ${r.cpuForwardSamples.length} runs after full-size warm-up (wall time ${formatSeconds(r.hostWallSeconds, 2)}); speed-up range ${r.speedupRange.map((v) => `${v.toFixed(1)}×`).join('–')}.</p>
<h2>Charts</h2>
<div class="charts">
${renderTrainingChart(r)}
${renderLayersChart(r)}
${renderRooflineChart(r)}
${renderCyclesChart(r)}
${renderTimelineChart(trace, r.trace.rows, r.hardware.clockHz)}
</div>
<h2>Per layer</h2>
<table><tr><th>layer</th><th>segment</th><th>span cycles</th><th>MFU busy</th><th>share of compute</th><th>ops per busy cycle</th><th>MACs</th><th>DRAM read</th><th>DRAM write</th><th>energy</th></tr>${layerRows}</table>
<h2>Files</h2>
<p><code>${REPORT_FILES.json}</code> (every number on this page), <code>${REPORT_FILES.trace}</code> (open in <a href="https://ui.perfetto.dev">ui.perfetto.dev</a>: one batch of ${r.trace.rows} images, ${formatInt(r.trace.cycles)} cycles),
<code>${REPORT_FILES.weights}</code> (the trained weights, PyTorch naming), <code>${REPORT_FILES.bundle}/</code> (the compiled program, DRAM layout and image).</p>
</body></html>
`;
}
