// The roofline (Williams et al.): attainable 2·MAC operations per cycle against operational
// intensity (operations per DRAM byte), bounded by the MFU's peak and the DRAM bandwidth; each
// layer is placed at its measured intensity and its attained throughput over its OWN MFU busy
// cycles (a fused layer's span covers its whole segment, which would dilute it); the whole run
// uses all cycles. Layers of one fused segment share a dashed ring and a "fused" label. A layer
// whose data never left the chip (intensity ∞) is drawn at the right edge.
import type { MnistReport } from '../report-data.js';
import { axisBottom, axisLeft, esc, fmtNum, logScale, openSvg, PALETTE, plotArea, type Frame } from '../svg.js';

export function renderRooflineChart(r: MnistReport): string {
  const f: Frame = { width: 560, height: 320, left: 60, right: 20, top: 40, bottom: 40 };
  const { x0, x1, y0, y1 } = plotArea(f);
  const peak = 2 * r.hardware.peakMacsPerCycle;
  const bw = r.hardware.dramBytesPerCycle;
  const ridge = peak / bw;
  const pts: { name: string; opsPerByte: number; opsPerCycle: number; segment?: number; fusedWith?: string[] }[] = [...r.layers.filter((l) => l.macs > 0), {
    name: 'whole run', opsPerByte: (2 * r.simulator.macs) / Math.max(1, r.dramReadBytes + r.dramWriteBytes),
    opsPerCycle: r.cycles ? (2 * r.simulator.macs) / r.cycles : 0,
  }];
  const finite = pts.map((p) => p.opsPerByte).filter(Number.isFinite);
  const x = logScale(Math.min(ridge / 10, ...finite), Math.max(ridge * 10, ...finite), x0, x1);
  const y = logScale(Math.max(1e-3, Math.min(peak / 1000, ...pts.map((p) => p.opsPerCycle).filter((v) => v > 0))), peak * 2, y0, y1);
  const xMin = x.ticks[0]!, xMax = x.ticks[x.ticks.length - 1]!;
  const roof = `<polyline class="roof" points="${x(xMin).toFixed(1)},${y(bw * xMin).toFixed(1)} ${x(ridge).toFixed(1)},${y(peak).toFixed(1)} ${x(xMax).toFixed(1)},${y(peak).toFixed(1)}" fill="none" stroke="#333" stroke-width="2"/>`
    + `<text x="${x(xMax) - 4}" y="${y(peak) - 6}" class="tick" text-anchor="end">${esc(`peak ${fmtNum(peak)} ops/cycle`)}</text>`
    + `<text x="${x(ridge) - 8}" y="${y(peak) + 14}" class="tick" text-anchor="end">${esc(`${fmtNum(bw)} B/cycle`)}</text>`;
  const dots = pts.map((p, i) => {
    const onChip = !Number.isFinite(p.opsPerByte);
    const px = onChip ? x1 - 6 : x(p.opsPerByte);
    const py = y(Math.max(p.opsPerCycle, y.ticks[0]!));
    const color = i === pts.length - 1 ? '#000' : PALETTE[i % PALETTE.length]!;
    const fused = (p.fusedWith?.length ?? 0) > 1;
    const label = `${p.name}${onChip ? ' (on-chip)' : ''}${fused ? ` (fused segment ${p.segment})` : ''}`;
    const per = i === pts.length - 1 ? 'ops/cycle of the run' : 'ops per MFU busy cycle';
    const tip = `${label}: ${fmtNum(p.opsPerCycle)} ${per} at ${Number.isFinite(p.opsPerByte) ? fmtNum(p.opsPerByte) : '∞'} ops/byte${fused ? `; fused with ${p.fusedWith!.join(', ')}` : ''}`;
    const ring = fused ? `<circle class="fused" cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="9" fill="none" stroke="${color}" stroke-dasharray="3 2"/>` : '';
    return `<g class="layer-point">${ring}<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="5" fill="${color}"><title>${esc(tip)}</title></circle>`
      + `<text x="${(px + 7).toFixed(1)}" y="${(py - 6).toFixed(1)}" class="tick">${esc(label)}</text></g>`;
  }).join('');
  const note = r.layers.some((l) => l.fusedWith.length > 1)
    ? `<text x="${x0 + 4}" y="${y1 + 14}" class="tick">${esc('layers at own MFU-busy throughput; dashed ring = fused segment')}</text>` : '';
  return openSvg('chart-roofline', f, `Roofline: ${r.hardware.name}, ${r.config.dtype}`) + note
    + axisBottom(f, x, 'operational intensity (ops per DRAM byte)') + axisLeft(f, y, 'ops per cycle') + roof + dots + '</svg>';
}
