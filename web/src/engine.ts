// The worker's work, as plain functions over the same isa/compiler/simulator modules the CLI
// uses: compile + simulate a playground state exactly as `dlp run` does (random weights and
// inputs from the seed), or assemble + simulate a program, and classify a drawn digit.
import {
  assemble, createRng, DlpError, loadPreset, peakMacsPerCycle, printInstr, withParam, type HardwareConfig, type Program,
} from '../../isa/index.js';
import {
  checkShapes, compile, parseCalibration, parseMlp, parseModelJson, randomWeights, readOutputs, readSafetensors,
  tensorsToWeights, writeInputs, type Bundle,
} from '../../compiler/index.js';
import { footprintOf, simulate, traceToJson } from '../../simulator/index.js';
import { occupancy } from './occupancy.js';
import type { DigitResult, InstrInfo, PlaygroundState, RunResult, SourceError } from './protocol.js';
import digitsModelJson from '../assets/digits-model.json';
import digitsWeights from '../assets/digits.safetensors';
import digitsCalibration from '../assets/digits-calibration.safetensors';

/** The preset with the state's parameter overrides applied (each one validated). */
export function hardwareFor(state: Pick<PlaygroundState, 'preset' | 'params'>): HardwareConfig {
  let hw = loadPreset(state.preset);
  for (const [path, value] of Object.entries(state.params)) hw = withParam(hw, path, value);
  return hw;
}

/** An error as the editor shows it: message plus 1-based line and column when known. */
export function toSourceError(e: unknown): SourceError {
  if (e instanceof DlpError) {
    return { message: e.reason, line: e.loc.line, column: e.loc.column };
  }
  return { message: `internal error: ${(e as Error).message ?? String(e)}` };
}

/** Compiles a model the way `dlp run` does: random weights from the seed, then the same seed's
 * uniform [0, 1) inputs in the input region (cli/commands/run.ts). */
function compileModel(state: PlaygroundState, hw: HardwareConfig): { bundle: Bundle; dram: Uint8Array } {
  const model = checkShapes(parseMlp(state.text, 'model.mlp'));
  const weights = randomWeights(model, state.seed);
  const bundle = compile(model, weights, hw, { dtype: state.dtype, batch: state.batch, schedule: 'tuned' });
  const rng = createRng(state.seed);
  const x = new Float32Array(bundle.batch * model.inputSize);
  for (let i = 0; i < x.length; i++) x[i] = rng();
  const dram = bundle.image.slice();
  writeInputs(bundle, dram, x);
  return { bundle, dram };
}

interface TraceSlice { tid: number; args: { index: number; dispatchCycle: number; startCycle: number; endCycle: number } }

function instrInfos(program: Program, traceEvents: readonly { name: string; ph: string; tid: number; args?: Record<string, unknown> }[]): { instrs: InstrInfo[]; units: string[] } {
  const threadNames = new Map<number, string>();
  for (const e of traceEvents) if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(e.tid, String(e.args?.name));
  const units = [...threadNames.entries()].filter(([, n]) => n !== 'dram-channel').sort((a, b) => a[0] - b[0]).map(([, n]) => n);
  const byIndex = new Map<number, TraceSlice>();
  for (const e of traceEvents) {
    if (e.ph !== 'X' || threadNames.get(e.tid) === 'dram-channel' || typeof e.args?.index !== 'number') continue;
    byIndex.set(e.args.index, e as unknown as TraceSlice);
  }
  const instrs = program.instrs.map((instr, i): InstrInfo => {
    const slice = byIndex.get(i);
    const writes = footprintOf(instr).writes
      .filter((s) => s.space === 'nram' || s.space === 'wram')
      .map((s) => [s.space as 'nram' | 'wram', s.start, s.rows, s.rowBytes, s.pitch] as InstrInfo['writes'][number]);
    return {
      text: printInstr(instr),
      unit: slice ? (threadNames.get(slice.tid) ?? '?') : 'control',
      layer: program.layerNames[instr.layer] ?? '',
      dispatch: slice?.args.dispatchCycle ?? Number.NaN,
      start: slice?.args.startCycle ?? Number.NaN,
      end: slice?.args.endCycle ?? Number.NaN,
      writes,
    };
  });
  return { instrs, units };
}

/** Compile (models) and simulate one playground state. Throws DlpError on bad input. */
export function runState(state: PlaygroundState): RunResult {
  const hw = hardwareFor(state);
  const t0 = performance.now();
  let program: Program;
  let dram: Uint8Array | undefined;
  let estimatedCycles: number | undefined;
  if (state.kind === 'mlp') {
    const c = compileModel(state, hw);
    program = c.bundle.program;
    dram = c.dram;
    estimatedCycles = c.bundle.estimate.cycles;
  } else {
    program = assemble(state.text, 'program.dlps');
  }
  const t1 = performance.now();
  const sim = simulate(program, hw, { dram, trace: true });
  const t2 = performance.now();
  const trace = sim.trace ?? [];
  const { instrs, units } = instrInfos(program, trace);
  return {
    report: sim.report, traceJson: traceToJson(trace), instrs, units,
    nramBytes: hw.nram.bytes, wramBytes: hw.wram.bytes, occupancy: occupancy(instrs, hw.nram.bytes, hw.wram.bytes),
    peakMacsPerCycle: peakMacsPerCycle(hw, state.dtype), dramBytesPerCycle: hw.dram.bytesPerCycle,
    estimatedCycles, compileMs: t1 - t0, simulateMs: t2 - t1,
  };
}

let digitsCache: { bundle: Bundle; hw: HardwareConfig } | undefined;

/** The digit classifier (web/assets, trained by scripts/web/train-digits.ts) compiled for
 * dlp-s in int8 with its calibration rows, once per worker. */
function digitsBundle(): { bundle: Bundle; hw: HardwareConfig } {
  if (!digitsCache) {
    const model = checkShapes(parseModelJson(JSON.stringify(digitsModelJson), 'digits-model.json'));
    const weights = tensorsToWeights(model, readSafetensors(digitsWeights, 'digits.safetensors'), 'digits.safetensors');
    const calibration = parseCalibration(digitsCalibration, model.inputSize, 'digits-calibration.safetensors');
    const hw = loadPreset('dlp-s');
    digitsCache = { bundle: compile(model, weights, hw, { dtype: 'int8', batch: 1, calibration }), hw };
  }
  return digitsCache;
}

/** Classifies one 28×28 image (pixels in [0, 1], row-major) on the simulated DLP in int8. */
export function classifyDigit(pixels: Float32Array): DigitResult {
  const { bundle, hw } = digitsBundle();
  const dram = bundle.image.slice();
  writeInputs(bundle, dram, pixels);
  const sim = simulate(bundle.program, hw, { dram });
  const out = readOutputs(bundle, sim.dram);
  // The model ends in softmax when trained with softmax-ce; normalise anyway so the bars sum to 1.
  const probs = Array.from(out.subarray(0, 10));
  const sum = probs.reduce((a, b) => a + b, 0);
  const probabilities = sum > 0 && probs.every((p) => p >= 0) ? probs.map((p) => p / sum) : softmax(probs);
  const digit = probabilities.indexOf(Math.max(...probabilities));
  return { probabilities, digit, cycles: sim.report.cycles, report: sim.report };
}

function softmax(v: number[]): number[] {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}
