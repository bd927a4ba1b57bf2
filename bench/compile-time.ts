// Benchmark 8 — compile time against depth: width-4 MLP chains of 50, 100 and 200 layers
// (25 and 50 with --quick), int8, batch 1, tuned, on dlp-s. Reports host CPU seconds of
// `compile` (user + system of this process; wall time on a shared machine measures the
// neighbours) and the log-log slope of CPU time against depth: 1 is linear. Issue 15 measured
// 7 s / 28 s / over 2 minutes before the fused-segment search was bounded (tile.ts,
// MAX_FUSED_LAYERS) and timing emission sized to the segment.
import type { HardwareConfig } from '../isa/hardware.js';
import { buildMlpGraph, compileBench } from './models.js';
import { fitLogLogSlope } from './stats.js';

export interface CompilePoint {
  layers: number;
  cpuSeconds: number;
  wallSeconds: number;
  segments: number;
  instructions: number;
}

export interface CompileTimeBench {
  hardware: string;
  width: number;
  points: CompilePoint[];
  /** Slope of log(cpu seconds) against log(layers). */
  slope: number;
}

export function benchCompileTime(hw: HardwareConfig, quick: boolean, log: (s: string) => void): CompileTimeBench {
  const width = 4;
  const depths = quick ? [25, 50] : [50, 100, 200];
  const points = depths.map((layers): CompilePoint => {
    log(`  compile: ${layers} layers of width ${width}`);
    const g = buildMlpGraph(`deep${layers}`, Array.from({ length: layers + 1 }, () => width), false);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const b = compileBench(g, hw, 1);
    const wallSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    return { layers, cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds, segments: b.plans.segments.length, instructions: b.program.instrs.length };
  });
  return { hardware: hw.name, width, points, slope: fitLogLogSlope(points.map((p) => p.layers), points.map((p) => p.cpuSeconds)) };
}
