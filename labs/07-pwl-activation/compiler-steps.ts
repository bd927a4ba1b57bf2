// Lab 07 checker, steps 4 and 5: the .mlp front end and the compiler — a gelu layer parses,
// compiles to ACT func=gelu, is calibrated through the table and bounded by the headroom proof —
// and the equivalence property: random models compiled and simulated by the checkout equal the
// lab's reference (reference.ts), bit-exact for int8/int16, within tolerance for fp32.
import fc from 'fast-check';
import { seededRandom } from '../lib/numeric.js';
import { describeError, fmt, type CaseList, type CaseResult, type CheckOptions } from '../lib/result.js';
import { isaFace, loadOrFail, type Bundle, type Checkout, type CompilerModule, type HeadroomModule, type IsaModule, type QuantizeModule, type SimModule } from './checkout.js';
import { equalArrays, makeMlp, makeWeights } from './fixtures.js';
import { actGelu, specGelu } from './pwl-spec.js';
import { fp32Forward, quantForward, type LabActivation, type LabLayer } from './reference.js';

/** The hardware every compiled case runs on (small buffers: tiling and k-splitting happen). */
export const HW = 'edge-tiny';

export async function checkCompiler(list: CaseList, c: Checkout, o: CheckOptions): Promise<void> {
  const isa = await loadOrFail<IsaModule>(list, c, isaFace(c), 'step 4 · .mlp: dense N gelu');
  const comp = isa && (await loadOrFail<CompilerModule>(list, c, 'compiler/index.ts', 'step 4 · .mlp: dense N gelu'));
  const sim = comp && (await loadOrFail<SimModule>(list, c, 'simulator/index.ts', 'step 5 · equivalence'));
  if (!isa || !comp || !sim) return;
  let parsed = false;
  await list.run('step 4 · .mlp: dense N gelu', () => {
    const src = makeMlp(4, [{ units: 6, act: 'gelu' }, { units: 2, act: 'identity' }], false);
    let model;
    try {
      model = comp.parseMlp(src, 'gelu.mlp');
    } catch (e) {
      return { name: '', passed: false, detail: `parseMlp rejects a gelu layer: ${describeError(e)} — step 4: add { kind: 'gelu' } to Activation (compiler/model.ts) and 'gelu' to ACTIVATION_WORDS (compiler/frontend/mlp.ts)` };
    }
    const act = model.layers[0]?.activation;
    if (act?.kind !== 'gelu') return { name: '', passed: false, detail: "`dense 6 gelu` must give activation { kind: 'gelu' }", expected: "{ kind: 'gelu' }", got: JSON.stringify(act) };
    parsed = true;
    return { name: '', passed: true, detail: "`dense 6 gelu` parses to activation { kind: 'gelu' }" };
  });
  if (!parsed) {
    list.fail('step 5', 'not checked yet: the compiler cases build their models from .mlp text (step 4)');
    return;
  }
  const hw = isa.loadHardware(HW);

  await list.run('step 5 · compiler: ACT func=gelu in the program', () => {
    const model = comp.parseMlp(makeMlp(4, [{ units: 6, act: 'gelu' }, { units: 3, act: 'gelu' }], false));
    const bundle = comp.compile(model, makeWeights([4, 6, 3], 1, 2), hw, { dtype: 'int8' });
    const acts = bundle.program.instrs.filter((i) => i['op'] === 'ACT');
    const gelus = acts.filter((i) => i['func'] === 'gelu');
    if (gelus.length === 0) return { name: '', passed: false, detail: 'the compiled program has no ACT with func=gelu: codegen must pass the layer\'s activation through', expected: 'ACT … func=gelu', got: [...new Set(acts.map((i) => String(i['func'])))].join(', ') };
    return { name: '', passed: true, detail: `${gelus.length} of ${acts.length} ACT instructions use func=gelu (hidden layer on the float path, last layer to fp32)` };
  });

  await list.run('step 5 · calibration sees gelu', async () => {
    const q = await c.load<QuantizeModule>('compiler/passes/quantize.ts');
    // v = 0.75·x0 + 0.02·j with x0 in [−1, 1): the largest output lies between knots (0.5 and
    // 1), where the table is up to 0.02 above exact GELU — calibrating with exact GELU shows.
    const weights = makeWeights([4, 6, 2], 7, 6);
    weights[0] = { w: Float32Array.from({ length: 24 }, (_, i) => (i < 6 ? 0.75 : 0)), b: Float32Array.from({ length: 6 }, (_, j) => 0.02 * j) };
    const bundle = comp.compile(comp.parseMlp(makeMlp(4, [{ units: 6, act: 'gelu' }, { units: 2, act: 'identity' }], false)), weights, hw, { dtype: 'int16' });
    const got = bundle.layout.quant.layers[0]!.outScale;
    const calib = q.defaultCalibration(4);
    let range = 0;
    for (let r = 0; r < calib.length / 4; r++) {
      for (let j = 0; j < 6; j++) {
        let acc = 0;
        for (let i = 0; i < 4; i++) acc += calib[r * 4 + i]! * weights[0]!.w[i * 6 + j]!;
        range = Math.max(range, Math.abs(specGelu(Math.fround(acc + weights[0]!.b[j]!))));
      }
    }
    const want = Math.fround(range / 32767);
    const ok = Math.abs(got - want) <= 1e-6 * want;
    return {
      name: '', passed: ok,
      detail: ok ? `the gelu layer's output scale ${fmt(got)} = max|table(v)| / 32767 over the calibration rows`
        : "the gelu layer's output scale is not max|table(v)|/qmax over the calibration rows (between knots the table differs from exact GELU by up to 0.025): the calibration forward (floatActivation in isa/act.ts, which compiler/passes/quantize.ts applies) must apply the same table as ACT (evalPwl(GELU_TABLE, v)), not exact GELU",
      expected: fmt(want, 8), got: fmt(got, 8),
    };
  });

  await list.run('step 5 · headroom covers gelu', async () => {
    const h = await c.load<HeadroomModule>('compiler/passes/headroom.ts');
    const L = { func: 'gelu', alpha: 0, path: 'float', requant: [{ mult: 16384, shift: 16 }], accScale: [Math.fround(1 / 1024)], outType: 'int16', N: 1 };
    for (const [lo, hi] of [[-16384, 16384], [-4096, -1], [-9000, 300]] as const) {
      let tmin = Infinity;
      let tmax = -Infinity;
      for (let x = lo; x <= hi; x++) {
        const y = actGelu(x, 'int16', L.accScale[0], 16384, 16);
        tmin = Math.min(tmin, y);
        tmax = Math.max(tmax, y);
      }
      const r = h.outputRange(L, { lo: Float64Array.of(lo), hi: Float64Array.of(hi) });
      if (!(r.lo[0]! <= tmin && r.hi[0]! >= tmax)) {
        return {
          name: '', passed: false,
          detail: `outputRange (compiler/passes/headroom.ts, bounds from floatActivationBounds in isa/act.ts) for a gelu layer with v in [${lo / 1024}, ${hi / 1024}] must cover what the table reaches — GELU dips to −0.17 below zero; the int32 headroom proof of the next layer relies on it`,
          expected: `a range containing [${tmin}, ${tmax}]`, got: `[${r.lo[0]}, ${r.hi[0]}]`,
        };
      }
    }
    return { name: '', passed: true, detail: 'the output range bound contains every value the table can produce (three accumulator ranges)' };
  });

  await list.run('step 5 · equivalence: compiled + simulated = reference (fast-check)', () => equivalence(comp, sim, hw, o.quick ? 25 : 200));
}

interface PropModel {
  inputs: number;
  layers: { units: number; act: LabActivation }[];
  softmax: boolean;
  dtype: 'int8' | 'int16' | 'fp32';
  batch: number;
  wScale: number;
  seed: number;
}

const arbModel: fc.Arbitrary<PropModel> = fc.record({
  inputs: fc.integer({ min: 1, max: 12 }),
  layers: fc.array(fc.record({ units: fc.integer({ min: 1, max: 10 }), act: fc.constantFrom<LabActivation>('gelu', 'gelu', 'relu', 'identity') }), { minLength: 1, maxLength: 3 }),
  softmax: fc.boolean(),
  dtype: fc.constantFrom('int8' as const, 'int16' as const, 'fp32' as const),
  batch: fc.integer({ min: 1, max: 4 }),
  wScale: fc.constantFrom(0.5, 2, 6, 16),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
}).map((m) => (m.layers.some((l) => l.act === 'gelu') ? m : { ...m, layers: [{ ...m.layers[0]!, act: 'gelu' as const }, ...m.layers.slice(1)] }));

/** Compiles and simulates one random model; the first output that leaves the reference, or undefined. */
function runModel(comp: CompilerModule, sim: SimModule, hw: unknown, m: PropModel): string | undefined {
  const sizes = [m.inputs, ...m.layers.map((l) => l.units)];
  const src = makeMlp(m.inputs, m.layers, m.softmax);
  const weights = makeWeights(sizes, m.seed, m.wScale);
  const rand = seededRandom(m.seed ^ 0x5bd1e995);
  const x = Float32Array.from({ length: m.batch * m.inputs }, () => Math.fround(rand() * 2 - 1));
  let bundle: Bundle;
  let out: Float32Array;
  try {
    bundle = comp.compile(comp.parseMlp(src), weights, hw, { dtype: m.dtype, batch: m.batch });
    const dram = bundle.image.slice();
    comp.writeInputs(bundle, dram, x);
    out = comp.readOutputs(bundle, sim.simulate(bundle.program, hw, { dram }).dram);
  } catch (e) {
    return `compile/simulate threw: ${describeError(e)}`;
  }
  const layers: LabLayer[] = m.layers.map((l, i) => ({ inputs: sizes[i]!, units: l.units, act: l.act, w: weights[i]!.w, b: weights[i]!.b }));
  let want: Float32Array;
  let tol: Float64Array;
  if (m.dtype === 'fp32') {
    ({ y: want, tol } = fp32Forward(layers, x, m.batch, m.softmax));
  } else {
    const q = bundle.layout.quant;
    const scales = { input: q.inputScale, layers: q.layers.map((L) => ({ wScale: L.wScale, outScale: L.outScale, wQmax: L.wQmax })) };
    want = quantForward(layers, scales, m.dtype, x, m.batch, m.softmax);
    tol = new Float64Array(want.length);
  }
  return equalArrays(out, want, tol, sizes[sizes.length - 1]!);
}

function equivalence(comp: CompilerModule, sim: SimModule, hw: unknown, numRuns: number): CaseResult {
  const r = fc.check(fc.property(arbModel, (m) => runModel(comp, sim, hw, m) === undefined), { numRuns, seed: 7077 });
  if (!r.failed) {
    return { name: '', passed: true, detail: `${r.numRuns} random models (1–3 layers, gelu/relu/identity, ± softmax, int8/int16 bit-exact, fp32 within 1e-5 of Σ|x·w|) on ${HW}` };
  }
  const m = r.counterexample?.[0] as PropModel | undefined;
  if (!m) return { name: '', passed: false, detail: `the property threw: ${describeError(r.errorInstance)}` };
  const why = runModel(comp, sim, hw, m) ?? 'differs (not reproducible outside fast-check)';
  return {
    name: '', passed: false,
    detail: `${m.dtype}, batch ${m.batch}, weights seed ${m.seed} × ${m.wScale}, on ${HW} (fast-check seed ${r.seed}, shrunk): ${why}`,
    got: makeMlp(m.inputs, m.layers, m.softmax).replace(/\n\s*/g, ' '),
  };
}
