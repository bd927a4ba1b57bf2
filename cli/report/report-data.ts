// The `dlp mnist` report: the one object behind report.json, the --json summary, the text
// summary and report.html (docs/report.md describes every field). The folder itself is
// written by cli/output/folder.ts.
import type { HardwareConfig } from '../../isa/hardware.js';
import { peakMacsPerCycle } from '../../isa/hardware.js';
import type { ComputeDType } from '../../compiler/passes/quantize.js';
import { breakdownCycles, type CycleBreakdown, type SimReport } from '../../simulator/index.js';
import type { EpochReport } from '../../runtime/train.js';
import type { Grade } from './host-timing.js';

export { gradeSpeedup, SPEEDUP_THRESHOLDS } from './host-timing.js';

export const REPORT_FORMAT = 'dlpkit-mnist-report';
/** 2: host timing samples and range, nullable grade, own-busy roofline, `queueStallCycles`, `cycleBreakdown`. */
export const REPORT_VERSION = 2;

export const REPORT_FILES = {
  json: 'report.json', html: 'report.html', trace: 'trace.json', weights: 'model.safetensors', bundle: 'bundle',
} as const;

export interface LayerRow {
  name: string;
  /** First issue to last finish of the layer's instructions; fused layers overlap in time. */
  cycles: number;
  /** The layer's fraction of all MFU busy cycles (where the compute time went). */
  share: number;
  macs: number;
  dramReadBytes: number;
  dramWriteBytes: number;
  mfuBusy: number;
  energyJoules: number;
  /** Operational intensity: 2·MACs per DRAM byte (Infinity when the layer touched no DRAM). */
  opsPerByte: number;
  /** Attained 2·MACs per MFU busy cycle of this layer: its roofline placement. */
  opsPerCycle: number;
  /** 2·MACs per span cycle (diluted by the other layers of a fused segment). */
  opsPerSpanCycle: number;
  /** 1-based compiler segment the layer belongs to (0 when unknown). */
  segment: number;
  /** The layers of its segment when it has more than one (layer fusion), else empty. */
  fusedWith: string[];
  /** The run's critical-path cycles charged to this layer's instructions, by cause. */
  cycleBreakdown: CycleBreakdown;
}

export interface MnistReport {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  createdAt: string;
  config: {
    architecture: string; hidden: number[]; epochs: number; batch: number; seed: number;
    dtype: ComputeDType; hw: string; quick: boolean; trainSamples: number; testSamples: number; calibrationRows: number;
  };
  /** Fractions in [0, 1] on the test set. */
  hostAccuracy: number;
  dlpAccuracy: number;
  /** Median process CPU seconds (user + system) of the host forward pass over the whole test
   * set as one batch: the grade's basis, since other jobs on the machine hardly move it. */
  cpuForwardSeconds: number;
  /** Process CPU seconds of every timed host run (after full-size warm-up runs). */
  cpuForwardSamples: number[];
  /** Median wall-clock seconds of the same runs: near cpuForwardSeconds on a quiet machine, far
   * above it when other jobs take the cores. */
  hostWallSeconds: number;
  /** Wall-clock seconds of every timed run. */
  hostWallSamples: number[];
  /** Simulated seconds of the DLP over the same rows. */
  dlpSeconds: number;
  /** cpuForwardSeconds / dlpSeconds (median host run). */
  speedup: number;
  /** [min, max] speed-up over cpuForwardSamples. */
  speedupRange: [number, number];
  /** The course grade from the median speed-up; null for --quick (a subset is not the graded task). */
  grade: Grade | null;
  cycles: number;
  /** Every cycle charged to one cause along the critical path; sums to `cycles` (docs/simulator.md). */
  cycleBreakdown: CycleBreakdown;
  dramReadBytes: number;
  dramWriteBytes: number;
  /** Average DRAM bandwidth in bytes per simulated second, and as a fraction of the peak. */
  dramBytesPerSecond: number;
  dramBandwidthFraction: number;
  mfuUtilization: number;
  energyJoules: number;
  /** What energyJoules includes: 'dynamic' (every preset) or 'dynamic+static'. */
  energyScope: 'dynamic' | 'dynamic+static';
  layers: LayerRow[];
  hardware: { name: string; clockHz: number; peakMacsPerCycle: number; dramBytesPerCycle: number };
  training: { seconds: number; history: Pick<EpochReport, 'epoch' | 'loss' | 'accuracy' | 'lr' | 'seconds'>[] };
  /** Host wall-clock seconds of the offload steps. */
  host: { compileSeconds: number; transferSeconds: number; simulateSeconds: number };
  trace: { file: string; rows: number; cycles: number; instructions: number };
  /** The full simulator report of the test-set run. */
  simulator: SimReport;
  reportDir: string;
}

/**
 * Per-layer rows from a simulator report (only layers that did work). `segments` lists the
 * compiler's segments as layer names; a layer's roofline point uses its own MFU busy cycles,
 * since the span of a fused layer covers the other layers of its segment too.
 */
export function buildLayerRows(r: SimReport, segments: readonly (readonly string[])[] = []): LayerRow[] {
  const busy = r.perLayer.reduce((a, l) => a + l.mfuBusy, 0);
  return r.perLayer.filter((l) => l.cycles > 0 || breakdownCycles(l.cycleBreakdown) > 0).map((l) => {
    const bytes = l.dramReadBytes + l.dramWriteBytes;
    const s = segments.findIndex((names) => names.includes(l.name));
    const seg = s >= 0 ? segments[s]! : [];
    return {
      name: l.name, cycles: l.cycles, share: busy ? l.mfuBusy / busy : 0, macs: l.macs,
      dramReadBytes: l.dramReadBytes, dramWriteBytes: l.dramWriteBytes, mfuBusy: l.mfuBusy, energyJoules: l.energyJoules,
      opsPerByte: bytes ? (2 * l.macs) / bytes : Infinity,
      opsPerCycle: l.mfuBusy ? (2 * l.macs) / l.mfuBusy : 0,
      opsPerSpanCycle: l.cycles ? (2 * l.macs) / l.cycles : 0,
      segment: s + 1, fusedWith: seg.length > 1 ? [...seg] : [], cycleBreakdown: l.cycleBreakdown,
    };
  });
}


export function hardwareSummary(hw: HardwareConfig, dtype: ComputeDType): MnistReport['hardware'] {
  return { name: hw.name, clockHz: hw.clockHz, peakMacsPerCycle: peakMacsPerCycle(hw, dtype), dramBytesPerCycle: hw.dram.bytesPerCycle };
}

/** The --json summary: the report without the bulky simulator section. */
export function summarise(r: MnistReport): Omit<MnistReport, 'simulator'> {
  const { simulator: _omit, ...rest } = r;
  return rest;
}

/** Pretty JSON with non-finite numbers written as strings ('Infinity'): JSON has no Infinity. */
export function reportToJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}
