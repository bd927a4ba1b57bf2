// The simulator's entry point: validate the program against the hardware, run the functional
// core in program order (with read-before-write checks), schedule the same instructions on the
// timing model, and assemble report and trace.
import { DlpError } from '../isa/errors.js';
import { createTileMatmul, type TileMatmul } from '../kernels/index.js';
import type { HardwareConfig } from '../isa/hardware.js';
import type { Program } from '../isa/program.js';
import type { Footprint } from '../isa/footprint.js';
import { instrError } from './errors.js';
import { executeInstr } from './execute.js';
import { createMemories, dramImage, findUnwritten, markWritten, writtenMaps, type Memories, type WrittenMaps } from './memory.js';
import { buildReport, type SimReport } from './report.js';
import { checkDramImageSize, dramBytesNeeded, materializeDram } from '../isa/image.js';
import { regionSize } from '../isa/validate.js';
import { prepareOps, queueDepths, scheduleOps } from '../isa/schedule.js';
import { buildTrace, type TraceEvent } from './trace.js';
import { checkProgramOnHardware } from './hardware-checks.js';

export interface SimOptions {
  /** Initial DRAM image; built from the program's regions when absent. */
  dram?: Uint8Array;
  /** Collect Chrome trace events. */
  trace?: boolean;
  /** Compute results (default true); false runs only checks and timing. */
  functional?: boolean;
  /** Grant the DRAM channel in this order (another run's `channelOrder`) instead of
   * first-come-first-served (docs/simulator.md, "Monotonicity"). */
  channelOrder?: readonly number[];
  /** The MATMUL kernel for tiles of at least MIN_SIMD_MACS multiply-adds (e.g. one that splits
   * rows over worker threads, runtime/sim-threads.ts); default a single-threaded one. Any
   * kernel gives the same bits, and the timing model never sees it. */
  tiles?: TileMatmul;
}

export interface SimResult {
  /** DRAM after the run (at least as large as the initial image). */
  dram: Uint8Array;
  report: SimReport;
  trace?: TraceEvent[];
  /** DMA instruction indices in the order the DRAM channel granted them. */
  channelOrder: number[];
}

/** Runs every instruction in program order (computing values when `mem` holds them), checking
 * that on-chip reads only see written bytes. */
function runFunctional(program: Program, mem: Memories | WrittenMaps, footprints: readonly Footprint[], compute: boolean, given?: TileMatmul): void {
  const tiles: TileMatmul | undefined = compute ? given ?? createTileMatmul() : undefined;
  // Indexed loops: a timing-only run does little else per instruction, in code V8 has not
  // optimised, where for-of and forEach pay for an iterator or a call each.
  for (let i = 0; i < program.instrs.length; i++) {
    const fp = footprints[i]!;
    for (let k = 0; k < fp.reads.length; k++) {
      const span = fp.reads[k]!;
      const hole = findUnwritten(mem, span);
      if (hole >= 0) {
        throw instrError(program, i, `reads ${span.operand} ${span.space}[0x${hole.toString(16)}] before anything wrote it`);
      }
    }
    if (compute) {
      try {
        executeInstr(mem as Memories, program.instrs[i]!, tiles);
      } catch (e) {
        if (e instanceof DlpError) throw instrError(program, i, e.reason);
        throw e;
      }
    }
    for (let k = 0; k < fp.writes.length; k++) markWritten(mem, fp.writes[k]!);
  }
}

/** Simulates `program` on `hw`: bit-exact results, cycle counts, report and optional trace. */
export function simulate(program: Program, hw: HardwareConfig, opts: SimOptions = {}): SimResult {
  const { footprints, dramEnd } = checkProgramOnHardware(program, hw);
  // Sizes first, allocation after: a tiny file can declare a 1 GiB region.
  const need = dramBytesNeeded(program);
  const given = opts.dram?.length;
  const imageBytes = given ?? need;
  if (imageBytes > hw.dram.capacityBytes) {
    throw new DlpError(`DRAM image of ${imageBytes} bytes exceeds the DRAM capacity of ${hw.name} (${hw.dram.capacityBytes} bytes)`);
  }
  if (given !== undefined && given < need) {
    const r = program.regions.find((x) => x.addr + regionSize(x) > given)!;
    throw new DlpError(`DRAM image has ${given} bytes but the program's regions need ${need} (region '${r.name}' ends at 0x${(r.addr + regionSize(r)).toString(16)})`);
  }
  checkDramImageSize(Math.max(imageBytes, dramEnd), 'the program');
  // An image built here is adopted as the simulated DRAM; a caller's image is copied. A run
  // that computes nothing needs only the on-chip written maps: its DRAM, unchanged, is built
  // only if the caller reads it.
  const compute = opts.functional !== false;
  const mem = compute ? createMemories(hw, opts.dram ?? materializeDram(program), dramEnd, !opts.dram) : writtenMaps(hw);
  runFunctional(program, mem, footprints, compute, opts.tiles);
  const ops = prepareOps(program.instrs, hw);
  const order = opts.channelOrder ? { channelOrder: opts.channelOrder } : {};
  const schedule = scheduleOps(ops, queueDepths(hw), (i, reason) => instrError(program, i, reason), order);
  const report = buildReport(program, hw, ops, schedule, footprints);
  let dram = compute ? (mem as Memories).dram.bytes : undefined;
  return {
    get dram() {
      return (dram ??= dramImage(opts.dram ?? materializeDram(program), dramEnd, !opts.dram).bytes);
    },
    report, trace: opts.trace ? buildTrace(program, hw, ops, schedule) : undefined, channelOrder: schedule.channelOrder,
  };
}
