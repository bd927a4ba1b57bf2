// The `dlp mnist` report: the one object behind report.json, the --json summary, the text
// summary and report.html (docs/report.md describes every field). The folder itself is
// written by cli/output/folder.ts.
import type { HardwareConfig } from '../../isa/hardware.js';
import { peakMacsPerCycle } from '../../isa/hardware.js';
import type { ComputeDType } from '../../compiler/passes/quantize.js';
import type { SimReport } from '../../simulator/index.js';
import type { EpochReport } from '../../runtime/train.js';

export const REPORT_FORMAT = 'dlpkit-mnist-report';
export const REPORT_VERSION = 1;
/** The course's grading thresholds: DLP time ≤ 1/50 (80 points) or ≤ 1/200 (100 points) of the CPU's. */
export const SPEEDUP_THRESHOLDS = [50, 200] as const;

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
  /** Attained 2·MACs per cycle. */
  opsPerCycle: number;
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
  /** Wall-clock seconds of one host forward pass over the whole test set as one batch. */
  cpuForwardSeconds: number;
  /** Simulated seconds of the DLP over the same rows. */
  dlpSeconds: number;
  speedup: number;
  grade: { thresholds: readonly number[]; meets50: boolean; meets200: boolean; points: 0 | 80 | 100 };
  cycles: number;
  dramReadBytes: number;
  dramWriteBytes: number;
  /** Average DRAM bandwidth in bytes per simulated second, and as a fraction of the peak. */
  dramBytesPerSecond: number;
  dramBandwidthFraction: number;
  mfuUtilization: number;
  energyJoules: number;
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

/** Per-layer rows from a simulator report (only layers that did work). */
export function buildLayerRows(r: SimReport): LayerRow[] {
  const busy = r.perLayer.reduce((a, l) => a + l.mfuBusy, 0);
  return r.perLayer.filter((l) => l.cycles > 0).map((l) => {
    const bytes = l.dramReadBytes + l.dramWriteBytes;
    return {
      name: l.name, cycles: l.cycles, share: busy ? l.mfuBusy / busy : 0, macs: l.macs,
      dramReadBytes: l.dramReadBytes, dramWriteBytes: l.dramWriteBytes, mfuBusy: l.mfuBusy, energyJoules: l.energyJoules,
      opsPerByte: bytes ? (2 * l.macs) / bytes : Infinity, opsPerCycle: l.cycles ? (2 * l.macs) / l.cycles : 0,
    };
  });
}

export function gradeSpeedup(speedup: number): MnistReport['grade'] {
  const [t80, t100] = SPEEDUP_THRESHOLDS;
  return { thresholds: SPEEDUP_THRESHOLDS, meets50: speedup >= t80, meets200: speedup >= t100, points: speedup >= t100 ? 100 : speedup >= t80 ? 80 : 0 };
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
