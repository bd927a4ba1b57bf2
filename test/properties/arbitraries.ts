// fast-check arbitraries for property cases (case.ts): MLPs of 1–5 dense layers with widths
// 1–300 (primes, 1 and tile-boundary widths favoured), every supported activation, with or
// without softmax; batch 1–70; int8/int16/fp32; weights and inputs from uniform, saturating
// (±max) and all-zero recipes, optionally with zeroed tiles; and hardware configurations over
// both MFU kinds, buffer sizes from a few hundred bytes to a MiB, DRAM bandwidth and latency,
// burst size, VFU speed and queue depths. Cases are kept under a MAC budget (larger in deep mode)
// so the default run stays fast; the shape of the space is the same in both modes.
import fc from 'fast-check';
import type { Activation } from '../../compiler/model.js';
import type { MfuConfig } from '../../isa/hardware.js';
import type { HwSpec, InputSpec, LayerSpec, PropCase, WeightSpec } from './case.js';
import { DEEP } from './report.js';

/** Σ batch·K·N allowed per case: keeps one compile + simulate around 0.1 s by default. */
export const MAC_BUDGET = DEEP ? 1_500_000 : 400_000;

/** Widths where tiling goes wrong first: 1, primes, powers of two and their neighbours. */
const EDGE_WIDTHS = [1, 2, 3, 5, 7, 8, 13, 15, 16, 17, 31, 32, 33, 61, 63, 64, 65, 97, 127, 128, 129, 251, 255, 256, 257, 293, 300];

export const arbWidth: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(...EDGE_WIDTHS) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300 }) },
);

const arbAlpha = fc.oneof(fc.constantFrom(0.01, 0.1, 0.2, 1), fc.double({ min: -2, max: 2, noNaN: true }).map(Math.fround));

export const arbActivation: fc.Arbitrary<Activation> = fc.oneof(
  fc.constant<Activation>({ kind: 'identity' }),
  fc.constant<Activation>({ kind: 'relu' }),
  arbAlpha.map((alpha): Activation => ({ kind: 'leaky', alpha })),
  fc.constant<Activation>({ kind: 'prelu' }),
  arbAlpha.map((alpha): Activation => ({ kind: 'elu', alpha: Math.abs(alpha) || 1 })),
  fc.constant<Activation>({ kind: 'sigmoid' }),
  fc.constant<Activation>({ kind: 'tanh' }),
);

/** `undefined` three times in four. */
function rarely<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

const arbSeed = fc.nat({ max: 2 ** 31 - 1 });
/** Mostly uniform; ±max (saturating) often; all-zero rarely, since a zero layer hides every
 * bug upstream of it. */
const arbDist: fc.Arbitrary<WeightSpec['dist']> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('uniform' as const) },
  { weight: 3, arbitrary: fc.constant('signs' as const) },
  { weight: 1, arbitrary: fc.constant('zeros' as const) },
);
const arbScale = (min: number, max: number) => fc.double({ min: Math.log2(min), max: Math.log2(max), noNaN: true }).map((e) => Math.fround(2 ** e));

export const arbZeroTiles = fc.record({
  rows: fc.constantFrom(1, 4, 8, 16, 32, 64),
  cols: fc.constantFrom(1, 4, 8, 16, 32, 64),
  keep: fc.constantFrom(0, 0.1, 0.25, 0.5),
});

function arbWeightSpec(sparse: boolean): fc.Arbitrary<WeightSpec> {
  return fc.record({
    seed: arbSeed,
    dist: arbDist,
    scale: arbScale(1 / 64, 4),
    biasScale: fc.oneof(fc.constant(0), arbScale(1 / 256, 2)),
    zeroTiles: sparse ? arbZeroTiles : rarely(arbZeroTiles),
  });
}

export function arbInputSpec(maxScale: number): fc.Arbitrary<InputSpec> {
  return fc.record({ seed: arbSeed, dist: arbDist, scale: arbScale(1 / 16, maxScale) });
}

/** Buffer sizes, log-uniform: a quarter tiny (256 B–4 KiB, where tiles are 1 row), the rest up to 1 MiB. */
const arbBufferBytes = fc.oneof(
  { weight: 1, arbitrary: fc.integer({ min: 256, max: 4096 }) },
  { weight: 3, arbitrary: fc.double({ min: 12, max: 20, noNaN: true }).map((e) => Math.round(2 ** e)) },
);

const arbCount = (max: number) => fc.oneof(fc.constantFrom(1, 2, 3, 4, 8, 16, 32), fc.integer({ min: 1, max }));

export const arbMfu: fc.Arbitrary<MfuConfig> = fc.oneof(
  fc.record({ kind: fc.constant('adder-tree' as const), pes: arbCount(64), lanes: arbCount(64) }),
  fc.record({ kind: fc.constant('systolic' as const), rows: arbCount(32), cols: arbCount(32), dataflow: fc.constantFrom('os' as const, 'ws' as const, 'is' as const) }),
);

export const arbHwSpec: fc.Arbitrary<HwSpec> = fc.record({
  base: fc.constantFrom('dlp-s', 'edge-tiny', 'diannao', 'systolic-16-os', 'systolic-32-ws'),
  mfu: arbMfu,
  mfuRate: fc.option(fc.record({ int8: fc.constantFrom(1, 2), int16: fc.constantFrom(1, 2, 4), fp32: fc.constantFrom(1, 4, 8) }), { nil: undefined }),
  nramBytes: arbBufferBytes,
  wramBytes: arbBufferBytes,
  dram: fc.record({
    bytesPerCycle: fc.oneof(fc.constantFrom(1, 4, 16, 32, 64), fc.double({ min: 0.25, max: 128, noNaN: true })),
    latencyCycles: fc.oneof(fc.constantFrom(0, 1, 40, 100), fc.integer({ min: 0, max: 1000 })),
    burstBytes: fc.constantFrom(1, 4, 32, 64, 256, 7),
  }),
  vfu: fc.option(fc.record({
    lanes: arbCount(64), cheapCycles: fc.integer({ min: 1, max: 4 }), dearCycles: fc.integer({ min: 1, max: 16 }),
    startupCycles: fc.integer({ min: 0, max: 16 }),
  }), { nil: undefined }),
  queues: fc.record({ load: arbCount(16), compute: arbCount(16), store: arbCount(16) }),
});

export interface CaseConstraints {
  dtypes?: PropCase['dtype'][];
  /** Every layer gets zeroed tiles (the sparse property). */
  sparse?: boolean;
  /** Only what every front end can express: tuned schedule, per-tensor scales, no fixed
   * scales, calibration on the inputs (the CnnlNet/CLI comparisons). */
  plain?: boolean;
  /** Cap on batch·ΣK·N (default MAC_BUDGET). */
  budget?: number;
  /** Cap on ΣK·N, the weight count (default: the MAC budget). */
  weightBudget?: number;
}

/** Σ K·N of a layer chain. */
function chainMacs(inputSize: number, widths: readonly number[]): number {
  let k = inputSize;
  let total = 0;
  for (const n of widths) {
    total += k * n;
    k = n;
  }
  return total;
}

/** Random property cases; batch is clamped so batch·ΣK·N stays within the MAC budget. */
export function arbCase(cons: CaseConstraints = {}): fc.Arbitrary<PropCase> {
  const budget = cons.budget ?? MAC_BUDGET;
  const weightBudget = Math.min(budget, cons.weightBudget ?? budget);
  const dtypes = cons.dtypes ?? ['int8', 'int16', 'fp32'];
  const layer: fc.Arbitrary<LayerSpec> = fc.record({ units: arbWidth, activation: arbActivation, weights: arbWeightSpec(cons.sparse ?? false) });
  return fc.record({
    inputSize: arbWidth,
    layers: fc.array(layer, { minLength: 1, maxLength: 5 }),
    softmax: fc.boolean(),
    dtype: fc.constantFrom(...dtypes),
    batch: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 70 }) }),
    padRows: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 69 }) }),
    perChannel: cons.plain ? fc.constant(false) : fc.boolean(),
    schedule: cons.plain ? fc.constant('tuned' as const) : fc.constantFrom('tuned' as const, 'tuned' as const, 'naive' as const),
    calibration: cons.plain ? fc.constant('inputs' as const) : fc.oneof(
      { weight: 3, arbitrary: fc.constant('inputs' as const) },
      { weight: 1, arbitrary: fc.constant('default' as const) },
      { weight: 1, arbitrary: fc.record({ seed: arbSeed, dist: fc.constant('uniform' as const), scale: arbScale(1 / 16, 1), rows: fc.integer({ min: 1, max: 8 }) }) },
    ),
    scales: cons.plain ? fc.constant(undefined) : rarely(fc.record({
      input: fc.option(arbScale(1 / 4096, 1), { nil: undefined }),
      layers: fc.array(arbScale(1 / 4096, 1), { maxLength: 4 }),
    })),
    inputs: arbInputSpec(64),
    hw: arbHwSpec,
  }).filter((c) => chainMacs(c.inputSize, c.layers.map((L) => L.units)) <= weightBudget)
    .map(({ padRows, ...c }): PropCase => {
      const batch = Math.max(1, Math.min(c.batch, Math.floor(budget / chainMacs(c.inputSize, c.layers.map((L) => L.units)))));
      const perChannel = c.dtype === 'fp32' ? false : c.perChannel;
      const out: PropCase = { ...c, batch, rows: Math.max(1, batch - padRows), perChannel };
      if (out.scales === undefined || c.dtype === 'fp32') delete out.scales;
      return out;
    });
}

/** Magnitudes from fp32's least subnormal to near its largest, with 1 among them. */
const EXTREME_MAGNITUDES = [1.401298464324817e-45, 1e-40, 1e-30, 1e-20, 1e-5, 1, 1e5, 1e20, 1e30, 3e38];

/** int8/int16 cases whose weights, biases and inputs are drawn at magnitudes across fp32's range
 * (bias sometimes 0), the rest as arbCase draws it: where scales underflow, overflow or no
 * int32 bias exists. */
export function arbExtremeCase(): fc.Arbitrary<PropCase> {
  const magnitude = fc.constantFrom(...EXTREME_MAGNITUDES);
  const perLayer = fc.array(fc.record({ scale: magnitude, biasScale: fc.oneof(fc.constant(0), magnitude) }), { minLength: 5, maxLength: 5 });
  return fc.tuple(arbCase({ dtypes: ['int8', 'int16'], budget: MAC_BUDGET / 2 }), perLayer, magnitude).map(([c, mags, input]): PropCase => ({
    ...c,
    layers: c.layers.map((L, l) => ({ ...L, weights: { ...L.weights, ...mags[l]! } })),
    inputs: { ...c.inputs, scale: input },
  }));
}
