// dlpkit's SCALE-Sim figures against SCALE-Sim's own reports, cell for cell. The fixtures were
// recorded by scripts/scalesim/record.py running SCALE-Sim v2 / v3 (their commits, the date
// and the machine are in each file); every point's config is rebuilt here as the text the
// script gave SCALE-Sim and goes through dlpkit's parser, so v3 options are read as well.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatBandwidthReport, formatComputeReport, formatDetailedAccessReport, lowerConv, parseScaleSimConfig, scaleSimLayerFigures,
  type ComputeReportRow, type TopologyLayer,
} from '../../compiler/scalesim/index.js';

interface Point {
  rows: number; cols: number; dataflow: string; bandwidth: number; sramKB: number[]; mode: 'USER' | 'CALC'; gemm?: number[];
  /** A convolution topology row: IFMAP H, W, Filter H, W, Channels, Num Filter, Stride. */
  conv?: number[];
  layout?: { bankBandwidth: number; banks: number; ports: number };
  COMPUTE_REPORT: string[]; BANDWIDTH_REPORT: string[]; DETAILED_ACCESS_REPORT: string[];
}
interface Fixture { scalesim: { version: 'v2' | 'v3'; commit: string }; recorded: string; machine: string; headers: Record<string, string[]>; points: Point[] }

const load = (name: string): Fixture => JSON.parse(readFileSync(new URL(`../fixtures/scalesim/${name}.json`, import.meta.url), 'utf8')) as Fixture;

/** The config record.py wrote for a point (config_text there). */
function configText(p: Point, version: 'v2' | 'v3'): string {
  const lay = p.layout ?? { bankBandwidth: p.bandwidth, banks: 1, ports: 2 };
  return [
    '[general]', 'run_name = point', '', '[architecture_presets]',
    `ArrayHeight: ${p.rows}`, `ArrayWidth: ${p.cols}`,
    `IfmapSramSzkB: ${p.sramKB[0]}`, `FilterSramSzkB: ${p.sramKB[1]}`, `OfmapSramSzkB: ${p.sramKB[2]}`,
    'IfmapOffset: 0', 'FilterOffset: 10000000', 'OfmapOffset: 20000000',
    `Bandwidth : ${p.bandwidth}`, `Dataflow : ${p.dataflow}`, 'MemoryBanks: 1',
    ...(version === 'v3' ? [
      'ReadRequestBuffer: 32', 'WriteRequestBuffer: 32', '', '[layout]', 'IfmapCustomLayout: False',
      `IfmapSRAMBankBandwidth: ${lay.bankBandwidth}`, `IfmapSRAMBankNum: ${lay.banks}`, `IfmapSRAMBankPort: ${lay.ports}`,
      'FilterCustomLayout: False', `FilterSRAMBankBandwidth: ${lay.bankBandwidth}`, `FilterSRAMBankNum: ${lay.banks}`,
      `FilterSRAMBankPort: ${lay.ports}`, '', '[sparsity]', 'SparsitySupport : false', 'SparseRep : ellpack_block',
      'OptimizedMapping : false', 'BlockSize : 8', 'RandomNumberGeneratorSeed : 40',
    ] : []),
    '', '[run_presets]', `InterfaceBandwidth: ${p.mode}`, ...(version === 'v3' ? ['UseRamulatorTrace: False'] : []),
  ].join('\n');
}

const cells = (csv: string, line: number) => csv.trim().split('\n')[line]!.split(', ').map((c) => c.replace(/,$/, ''));
const DLP = { cycles: 1, mfuUtilization: 0, dramBytes: 0, dramReadBytes: 0, dramWriteBytes: 0, energyJoules: 0, rooflineRatio: 0, boundBy: 'compute' as const };

/** dlpkit's three report rows for a point, cut to SCALE-Sim's columns (its recorded width). */
function reproduce(p: Point, version: 'v2' | 'v3', headers: Record<string, string[]>) {
  const cfg = parseScaleSimConfig(configText(p, version), 'point.cfg');
  expect(cfg.version).toBe(version);
  let layer: TopologyLayer;
  if (p.conv) {
    const [ifmapH, ifmapW, filterH, filterW, channels, filters, stride] = p.conv as [number, number, number, number, number, number, number];
    layer = lowerConv('conv0', { ifmapH, ifmapW, filterH, filterW, channels, filters, strideH: stride, strideW: stride }, 2);
  } else {
    const [m, n, k] = p.gemm as [number, number, number];
    layer = { name: 'layer0', m, n, k, line: 2 };
  }
  const row: ComputeReportRow = { name: layer.name, m: layer.m, n: layer.n, k: layer.k, ...scaleSimLayerFigures(cfg, layer), dlp: DLP };
  const reports = {
    COMPUTE_REPORT: formatComputeReport([row], cfg.version),
    BANDWIDTH_REPORT: formatBandwidthReport([row]),
    DETAILED_ACCESS_REPORT: formatDetailedAccessReport([row]),
  };
  return Object.fromEntries(Object.entries(reports).map(([name, csv]) => {
    const width = headers[name]!.length;
    return [name, { header: cells(csv, 0).slice(0, width), row: cells(csv, 1).slice(0, width), width }];
  }));
}

const label = (p: Point) => `${p.rows}x${p.cols} ${p.dataflow} bw ${p.bandwidth}${p.layout ? `/${p.layout.bankBandwidth}` : ''} ${p.sramKB[0]}kB ${p.mode} ${p.gemm ? p.gemm.join('x') : `conv ${p.conv!.join(',')}`}`;

describe.each(['v2-issue', 'v3-golden', 'v2-user', 'v3-user', 'v2-calc', 'v2-calc1k', 'v3-calc1k', 'v2-conv', 'v3-conv'])('SCALE-Sim recordings %s', (name) => {
  const fx = load(name);
  it(`every point's report cells equal SCALE-Sim's (${fx.points.length} points, ${fx.scalesim.version} ${fx.scalesim.commit.slice(0, 8)})`, () => {
    const mismatches: string[] = [];
    for (const p of fx.points) {
      const got = reproduce(p, fx.scalesim.version, fx.headers);
      for (const report of ['COMPUTE_REPORT', 'BANDWIDTH_REPORT', 'DETAILED_ACCESS_REPORT'] as const) {
        const g = got[report]!;
        expect(g.header).toEqual(fx.headers[report]!.slice(0, g.width));
        const want = p[report].slice(0, g.width);
        if (JSON.stringify(g.row) !== JSON.stringify(want)) mismatches.push(`${label(p)} ${report}: got ${g.row.join(' ')} want ${want.join(' ')}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('the issue\'s figures', () => {
  it('8x8 OS, GEMM 100x128x784, Bandwidth 2, 64 kB SRAMs, USER: 624,658 total cycles, 458,675 stalls (SCALE-Sim v2)', () => {
    const p = load('v2-issue').points[0]!;
    expect([p.rows, p.cols, p.dataflow, p.gemm, p.bandwidth, p.sramKB, p.mode]).toEqual([8, 8, 'os', [100, 128, 784], 2, [64, 64, 64], 'USER']);
    expect(p.COMPUTE_REPORT.slice(1, 3)).toEqual(['624658', '458675']);
    expect(reproduce(p, 'v2', load('v2-issue').headers).COMPUTE_REPORT!.row.slice(1, 3)).toEqual(['624658', '458675']);
  });
  it('v3 scale.cfg on GEMM 256x128x256, USER: WS 52,447/41,248, OS 52,447/42,272, IS 19,984/5,777', () => {
    const fx = load('v3-golden');
    const got = fx.points.map((p) => [p.dataflow, ...reproduce(p, 'v3', fx.headers).COMPUTE_REPORT!.row.slice(2, 4)]);
    expect(got).toEqual([['os', '52447', '42272'], ['ws', '52447', '41248'], ['is', '19984', '5777']]);
  });
});
