// Benchmark 6 — assembler speed: `assemble()` on the text of a compiled MNIST program (the
// printed bundle program, weights inlined as `.region … = data(…)`), in KB of text, instructions
// and data values per host second. The first run in the process (ohm's grammar and the JIT
// cold) is reported apart from the median of the warm runs.
import type { HardwareConfig } from '../isa/hardware.js';
import { assemble } from '../isa/assemble.js';
import { printProgram } from '../isa/print.js';
import { compileBench, mnistGraph } from './models.js';
import { timeRuns, type Timing } from './stats.js';

export interface AssemblerBench {
  program: string;
  textBytes: number;
  instructions: number;
  dataValues: number;
  firstRunSeconds: number;
  warm: Timing;
  kbPerSecond: number;
  instructionsPerSecond: number;
  dataValuesPerSecond: number;
}

export function benchAssembler(hw: HardwareConfig, quick: boolean, log: (s: string) => void): AssemblerBench {
  const batch = quick ? 1000 : 10000;
  const program = `mnist-mlp b${batch} (${hw.name}, int8)`;
  log(`  assembler: ${program}`);
  const p = compileBench(mnistGraph(), hw, batch).program;
  const text = printProgram(p);
  const t0 = performance.now();
  assemble(text, 'mnist.dlps');
  const firstRunSeconds = (performance.now() - t0) / 1000;
  const warm = timeRuns(() => assemble(text, 'mnist.dlps'), quick ? 3 : 7);
  const dataValues = p.regions.reduce((n, r) => n + (r.init.kind === 'data' ? r.init.values.length : 0), 0);
  const textBytes = Buffer.byteLength(text);
  return {
    program, textBytes, instructions: p.instrs.length, dataValues, firstRunSeconds, warm,
    kbPerSecond: textBytes / 1024 / warm.median,
    instructionsPerSecond: p.instrs.length / warm.median,
    dataValuesPerSecond: dataValues / warm.median,
  };
}
