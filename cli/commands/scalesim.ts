// `dlp scalesim --config FILE.cfg --topology FILE.csv [-o OUTDIR] [--json] [--base PRESET]
//  [--seed N]`: runs a SCALE-Sim v2 or v3 configuration and topology on dlpkit. Each GEMM (or
// convolution lowered by im2col) is compiled as a one-layer int8 model for the matching
// systolic hardware and simulated; COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and
// DETAILED_ACCESS_REPORT.csv hold SCALE-Sim's columns — its compute model in CALC mode, its
// memory model in USER mode — followed by dlpkit's simulated figures (docs/scalesim.md).
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DlpError } from '../../isa/errors.js';
import { type HardwareConfig } from '../../isa/hardware.js';
import { loadHardware } from '../../isa/hardware-file.js';
import { compile } from '../../compiler/pipeline.js';
import {
  formatBandwidthReport, formatComputeReport, formatDetailedAccessReport, gemmModel, parseScaleSimConfig, parseTopology,
  scaleSimHardware, scaleSimLayerFigures,
  type ComputeReportRow, type ScaleSimLayerFigures, type TopologyLayer,
} from '../../compiler/scalesim/index.js';
import { simulate } from '../../simulator/index.js';
import { formatTable as formatTextTable } from '../../simulator/text-format.js';
import { checkOutputFolder, writeOutputFolder } from '../output/folder.js';
import { parseSeed } from '../options.js';
import { scheduleCacheFromEnv } from '../../compiler/schedule-cache-dir.js';
import type { ScheduleCache } from '../../compiler/schedule-cache.js';

interface Options { config: string; topology: string; output?: string; json?: boolean; base: string; seed?: string; force?: boolean }

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new DlpError(`cannot read ${what} '${path}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Compiles (without weights) and simulates one GEMM (timing only: no value changes a
 * figure), beside SCALE-Sim's figures for it (`figures`: CALC or USER mode, from
 * scaleSimLayerFigures). */
export function runScaleSimLayer(layer: TopologyLayer, index: number, hw: HardwareConfig, topoFile: string, figures: ScaleSimLayerFigures, scheduleCache?: ScheduleCache): ComputeReportRow {
  if (hw.mfu.kind !== 'systolic') throw new DlpError(`hardware '${hw.name}' has no systolic MFU`);
  const { model, options } = gemmModel(layer, index);
  let report;
  try {
    const bundle = compile(model, undefined, hw, { ...options, scheduleCache });
    report = simulate(bundle.program, hw, { dram: bundle.image, functional: false }).report;
  } catch (e) {
    if (e instanceof DlpError) throw new DlpError(`layer '${layer.name}' (M=${layer.m}, N=${layer.n}, K=${layer.k}): ${e.reason}`, { file: topoFile, line: layer.line });
    throw e;
  }
  return {
    name: layer.name, m: layer.m, n: layer.n, k: layer.k,
    ...figures,
    dlp: {
      cycles: report.cycles,
      mfuUtilization: report.mfuUtilization,
      dramBytes: report.dramReadBytes + report.dramWriteBytes,
      dramReadBytes: report.dramReadBytes,
      dramWriteBytes: report.dramWriteBytes,
      energyJoules: report.energy.totalJoules,
      rooflineRatio: report.rooflineRatio,
      boundBy: report.boundBy,
    },
  };
}

function formatTable(rows: ComputeReportRow[], hw: HardwareConfig, csvPaths: string[]): string {
  const head = ['id', 'layer', 'M', 'N', 'K', 'folds', 'SCALE-Sim cycles', 'stalls', 'util %', 'map eff %', 'dlp cycles', 'dlp/SCALE-Sim'];
  const body = rows.map((r, i) => [
    String(i), r.name, String(r.m), String(r.n), String(r.k), String(r.scaleSim.folds), String(r.scaleSim.totalCycles), String(r.scaleSim.stallCycles),
    r.scaleSim.overallUtil.toFixed(2), r.scaleSim.mappingEfficiencyPct.toFixed(2), String(r.dlp.cycles),
    (r.dlp.cycles / r.scaleSim.totalCycles).toFixed(3),
  ]);
  const mfu = hw.mfu.kind === 'systolic' ? `${hw.mfu.rows}x${hw.mfu.cols} ${hw.mfu.dataflow}` : '';
  return [
    `SCALE-Sim run on ${hw.name} (${mfu} systolic array)`,
    formatTextTable([head, ...body], [1]), // the layer names left-aligned
    ...csvPaths.map((p) => `wrote ${p}`),
  ].join('\n');
}

export function register(program: Command): void {
  program
    .command('scalesim')
    .description('run a SCALE-Sim v2/v3 config and topology on dlpkit and write COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv, DETAILED_ACCESS_REPORT.csv')
    .requiredOption('--config <file.cfg>', 'SCALE-Sim config ([general], [architecture_presets], [run_presets])')
    .requiredOption('--topology <file.csv>', 'SCALE-Sim topology: GEMM (Layer, M, N, K,) or convolution (lowered by im2col)')
    .option('-o, --output <dir>', 'output folder for the reports (default: ./<run_name>, as SCALE-Sim; replaced only if dlpkit wrote it)')
    .option('--force', 'write into a non-empty folder dlpkit did not write (only dlpkit\'s own files are replaced)')
    .option('--json', 'print the per-layer figures as JSON')
    .option('--base <preset|file.json>', 'hardware preset for what SCALE-Sim does not describe (clock, DRAM latency, VFU, energy)', 'systolic-32-ws')
    .option('--seed <n>', 'accepted for the scripts that pass it; changes nothing (the GEMMs compile without weights, which no figure reads)', '1')
    .action((opts: Options) => {
      parseSeed('seed', opts.seed, 1);
      const cfg = parseScaleSimConfig(readText(opts.config, 'SCALE-Sim config'), opts.config);
      const topo = parseTopology(readText(opts.topology, 'SCALE-Sim topology'), opts.topology);
      const hw = scaleSimHardware(cfg, loadHardware(opts.base), opts.config);
      const outDir = opts.output ?? cfg.runName;
      const out = { flag: '-o', kind: 'scalesim-report', force: opts.force === true };
      checkOutputFolder(outDir, out);
      // SCALE-Sim's figures first: a refused option fails before any simulation runs.
      const figures = topo.layers.map((layer) => scaleSimLayerFigures(cfg, layer));
      const scheduleCache = scheduleCacheFromEnv();
      const rows = topo.layers.map((layer, i) => runScaleSimLayer(layer, i, hw, opts.topology, figures[i]!, scheduleCache));
      const csvPath = join(outDir, 'COMPUTE_REPORT.csv');
      const bwPath = join(outDir, 'BANDWIDTH_REPORT.csv');
      const detailPath = join(outDir, 'DETAILED_ACCESS_REPORT.csv');
      writeOutputFolder(outDir, out, (dir) => {
        writeFileSync(join(dir, 'COMPUTE_REPORT.csv'), formatComputeReport(rows, cfg.version));
        writeFileSync(join(dir, 'BANDWIDTH_REPORT.csv'), formatBandwidthReport(rows));
        writeFileSync(join(dir, 'DETAILED_ACCESS_REPORT.csv'), formatDetailedAccessReport(rows));
      });
      if (opts.json) {
        const json = { runName: cfg.runName, hardware: hw, topology: topo.kind, report: csvPath, bandwidthReport: bwPath, detailedAccessReport: detailPath, layers: rows };
        process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      } else {
        process.stdout.write(`${formatTable(rows, hw, [csvPath, bwPath, detailPath])}\n`);
      }
    });
}
