// Lab 07 checker: the student's dlpkit checkout, extended with ACT func=gelu end to end. It loads
// the checkout's own modules (checkout.ts) and walks the README's steps: the spec and everything
// derived from it (assembler, encoder, docs), the table in isa/pwl.ts against the lab's PWL model
// (pwl-spec.ts), the simulator on a hand-written program, the .mlp front end, the compiler
// (calibration, headroom), and the equivalence property — compiled + simulated = the lab's
// reference (reference.ts), bit-exact for int8/int16 — plus the project's own reference.
// Steps 4–5 live in compiler-steps.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { labInfo } from '../lib/catalog.js';
import { runCheckerMain } from '../lib/main.js';
import { seededRandom } from '../lib/numeric.js';
import { CaseList, describeError, finishCheck, fmt, type CaseResult, type CheckOptions, type CheckResult } from '../lib/result.js';
import {
  findCheckoutRoot, isaFace, loadOrFail, openCheckout, prepareSolutionCheckout, type Checkout, type IsaModule, type PwlModule, type RefModule,
  type SimModule, type SpecModule,
} from './checkout.js';
import { checkCompiler, HW } from './compiler-steps.js';
import { assertCase, bitsOf, describeValue, equalArrays, geluRegions, GELU_INT_ACT, makeWeights, ORIGINAL_FUNCS } from './fixtures.js';
import {
  actGelu, GELU_BOUND, GELU_GEOMETRY, refGelu, refSwish, SPEC_GELU, specEval, specGelu, specTable, type PwlGeometry, type SpecTable,
} from './pwl-spec.js';
import { fp32Forward, quantForward, type LabActivation, type LabLayer } from './reference.js';

const INFO = labInfo('07');

type Step = (list: CaseList, c: Checkout, o: CheckOptions) => Promise<void>;

export async function checkLab07(opts: CheckOptions = {}): Promise<CheckResult> {
  const started = performance.now();
  const list = new CaseList();
  let scratch: { root: string; remove(): void } | undefined;
  if (opts.solution) {
    try {
      scratch = prepareSolutionCheckout();
    } catch (e) {
      list.fail('apply solution/gelu.patch', describeError(e));
      return finishCheck(INFO, 'solution/gelu.patch', opts, list, started);
    }
    list.notes.push('checked the reference solution: solution/gelu.patch applied to a scratch copy of this repository');
  }
  const root = scratch?.root ?? findCheckoutRoot(opts.root ?? opts.dir);
  const checkout = openCheckout(root);
  try {
    await runSteps(list, checkout, opts);
  } finally {
    await checkout.close();
    scratch?.remove();
  }
  return finishCheck(INFO, root, opts, list, started);
}

async function runSteps(list: CaseList, c: Checkout, o: CheckOptions): Promise<void> {
  const hasGelu = await checkSpec(list, c);
  if (hasGelu) await checkDerived(list, c);
  // The table is self-contained: it is checked even before the spec knows gelu.
  await checkTable(list, c, o);
  if (!hasGelu) {
    list.fail('steps 3–6', "not checked yet: the simulator, front end, compiler and reference need 'gelu' in ACT_FUNCS (step 1)");
    return;
  }
  const steps: Step[] = [checkSimulator, checkCompiler, checkReference];
  for (const step of steps) await step(list, c, o);
}

// ---- step 1: the spec ------------------------------------------------------------------------

async function checkSpec(list: CaseList, c: Checkout): Promise<boolean> {
  let ok = false;
  await list.run("step 1 · ACT_FUNCS has 'gelu'", async () => {
    const spec = await c.load<SpecModule>('isa/spec.ts');
    const funcs = [...spec.ACT_FUNCS];
    const got = funcs.map((f) => `'${f}'`).join(', ');
    if (!funcs.includes('gelu')) {
      return {
        name: '', passed: false,
        detail: "ACT_FUNCS in isa/spec.ts has no 'gelu' — step 1: append 'gelu' to ACT_FUNCS; the assembler, encoder, decoder and docs all read that list",
        expected: `[${[...ORIGINAL_FUNCS, 'gelu'].map((f) => `'${f}'`).join(', ')}]`, got: `[${got}]`,
      };
    }
    const moved = ORIGINAL_FUNCS.findIndex((f, i) => funcs[i] !== f);
    if (moved >= 0) {
      return {
        name: '', passed: false,
        detail: `'${ORIGINAL_FUNCS[moved]}' must stay func ${moved}: programs already encoded (.dlpb) store the index — add 'gelu' after the existing functions`,
        expected: `[${ORIGINAL_FUNCS.map((f) => `'${f}'`).join(', ')}, …, 'gelu']`, got: `[${got}]`,
      };
    }
    const field = spec.ISA.ACT.fields.find((f) => f.name === 'func');
    if (field && funcs.length > 2 ** field.bits) {
      return { name: '', passed: false, detail: `ACT's func field has ${field.bits} bits: room for ${2 ** field.bits} functions, not ${funcs.length}` };
    }
    ok = true;
    return { name: '', passed: true, detail: `gelu is func ${funcs.indexOf('gelu')}; existing functions keep their numbers` };
  });
  return ok;
}

async function checkDerived(list: CaseList, c: Checkout): Promise<void> {
  const isa = await loadOrFail<IsaModule>(list, c, isaFace(c), 'step 1 · assembler, printer, encoder, decoder');
  if (!isa) return;
  await list.run('step 1 · assembler, printer, encoder, decoder', () => {
    const src = 'ACT dst=nram[0x40], src=nram[0], rows=2, cols=8, func=gelu, inType=int32, outType=int8, mult=16384, shift=20, scale=0.125\nHALT\n';
    const p = isa.assemble(src, 'gelu.dlps');
    const act = p.instrs[0]!;
    if (act['func'] !== 'gelu') return { name: '', passed: false, detail: 'the assembler read func=gelu as something else', expected: 'gelu', got: String(act['func']) };
    const back = isa.decodeInstr(isa.encodeInstr(act), 0);
    const diff = Object.keys(act).find((k) => act[k] !== back[k]);
    if (diff) return { name: '', passed: false, detail: `encode → decode changes field ${diff}`, expected: String(act[diff]), got: String(back[diff]) };
    const text = isa.printInstr(act);
    const again = isa.assemble(`${text}\nHALT\n`).instrs[0]!;
    if (!text.includes('func=gelu') || again['func'] !== 'gelu') return { name: '', passed: false, detail: 'print → assemble does not give func=gelu back', got: text };
    const file = isa.decodeProgram(isa.encodeProgram(p));
    if (file.instrs[0]!['func'] !== 'gelu') return { name: '', passed: false, detail: 'a .dlpb file round trip loses func=gelu' };
    return { name: '', passed: true, detail: `'${text}' assembles, prints, encodes and decodes unchanged` };
  });
  await list.run('step 1 · docs/isa.md', () => {
    const doc = isa.generateIsaDoc();
    const semantics = doc.slice(doc.indexOf('## ACT semantics')).split('\n## ')[0]!;
    if (!/gelu/.test(semantics)) {
      return { name: '', passed: false, detail: 'the "ACT semantics" section does not describe gelu: add its rule to the float path in isa/docs.ts (ACT_SEMANTICS), then regenerate docs/isa.md' };
    }
    const onDisk = c.has('docs/isa.md') ? readFileSync(join(c.root, 'docs/isa.md'), 'utf8') : '';
    if (onDisk !== doc) {
      return { name: '', passed: false, detail: 'docs/isa.md is stale: regenerate it from the spec with `node --import tsx isa/docs-cli.ts`' };
    }
    return { name: '', passed: true, detail: 'generated from the spec: func lists gelu and the ACT semantics give its rule' };
  });
}

// ---- step 2: the table -----------------------------------------------------------------------

async function checkTable(list: CaseList, c: Checkout, o: CheckOptions): Promise<void> {
  if (!c.has('isa/pwl.ts')) {
    list.fail('step 2 · isa/pwl.ts', 'isa/pwl.ts is missing — step 2: copy labs/07-pwl-activation/pwl.ts to isa/pwl.ts and fill in its TODOs');
    return;
  }
  const m = await loadOrFail<PwlModule>(list, c, 'isa/pwl.ts', 'step 2 · isa/pwl.ts tables');
  if (!m) return;
  const missing: string[] = [
    ...(['gelu', 'buildPwlTable', 'evalPwl'] as const).filter((k) => typeof m[k] !== 'function'),
    ...(['GELU_PWL', 'GELU_TABLE'] as const).filter((k) => m[k] === undefined),
  ];
  if (missing.length) {
    list.fail('step 2 · isa/pwl.ts tables', `isa/pwl.ts does not export ${missing.join(', ')} (see labs/07-pwl-activation/pwl.ts for the API)`);
    return;
  }
  await list.run('step 2 · isa/pwl.ts tables', () => {
    for (const x of [-8, -3, -1, -0.5, 0, 0.25, 1, 2.5, 7.9]) {
      const got = m.gelu(x);
      if (!(Math.abs(got - refGelu(x)) <= 1e-12)) return { name: '', passed: false, detail: `gelu(${x}) is off (tanh form, README)`, expected: fmt(refGelu(x), 12), got: fmt(got, 12) };
    }
    const g = m.GELU_PWL;
    if (g.lo !== GELU_GEOMETRY.lo || g.hi !== GELU_GEOMETRY.hi || g.segments !== GELU_GEOMETRY.segments) {
      return { name: '', passed: false, detail: 'GELU_PWL must be the geometry the README fixes', expected: JSON.stringify(GELU_GEOMETRY), got: JSON.stringify(g) };
    }
    const fine: PwlGeometry = { lo: -4, hi: 4, segments: 64 };
    const tables: [string, SpecTable, () => SpecTable][] = [
      ['GELU_TABLE', SPEC_GELU, () => m.GELU_TABLE],
      ['buildPwlTable(gelu, 32 on [−8, 8))', SPEC_GELU, () => m.buildPwlTable(refGelu, GELU_GEOMETRY)],
      ['buildPwlTable(swish, 32 on [−8, 8))', specTable(refSwish, GELU_GEOMETRY), () => m.buildPwlTable(refSwish, GELU_GEOMETRY)],
      ['buildPwlTable(gelu, 64 on [−4, 4))', specTable(refGelu, fine), () => m.buildPwlTable(refGelu, fine)],
    ];
    for (const [what, want, make] of tables) {
      const bad = compareTables(what, want, make());
      if (bad) return bad;
    }
    return { name: '', passed: true, detail: 'GELU_TABLE, and tables built for GELU, Swish and a 64-segment geometry, equal the rule entry by entry' };
  });
  await list.run('step 2 · evalPwl bit-exact (fast-check)', () => evalProperty(m, o.quick ? 2000 : 20000));
  await list.run(`step 2 · |table − GELU| ≤ ${GELU_BOUND}`, () => {
    let worst = 0;
    let at = 0;
    for (let i = -12 * 1024; i <= 12 * 1024; i++) {
      const v = i / 1024;
      const e = Math.abs(m.evalPwl(m.GELU_TABLE, v) - refGelu(v));
      if (!(e <= worst)) [worst, at] = [e, v];
    }
    list.metrics.tableMaxError = worst;
    const ok = worst <= GELU_BOUND;
    return { name: '', passed: ok, detail: `worst error ${fmt(worst, 4)} at v = ${at} (v = k/1024 on [−12, 12])`, expected: `≤ ${GELU_BOUND}`, got: fmt(worst, 6) };
  });
}

function compareTables(what: string, want: SpecTable, got: SpecTable | undefined): CaseResult | undefined {
  if (!(got?.a instanceof Float32Array) || !(got.b instanceof Float32Array) || got.a.length !== want.a.length || got.b.length !== want.b.length) {
    return { name: '', passed: false, detail: `${what}: a and b must be Float32Arrays of ${want.a.length} entries`, got: `${got?.a?.constructor?.name} × ${got?.a?.length}, ${got?.b?.constructor?.name} × ${got?.b?.length}` };
  }
  if (got.lo !== want.lo || got.hi !== want.hi || got.width !== want.width) {
    return { name: '', passed: false, detail: `${what}: lo, hi and width`, expected: `${want.lo}, ${want.hi}, ${want.width}`, got: `${got.lo}, ${got.hi}, ${got.width}` };
  }
  for (let i = 0; i < want.a.length; i++) {
    if (!Object.is(got.a[i], want.a[i]) || !Object.is(got.b[i], want.b[i])) {
      return {
        name: '', passed: false,
        detail: `${what}: segment ${i} (from x = ${want.lo + i * want.width}) differs from the rule (a = fround((t1 − t0)/w), b = fround(t0 − a·x0), t = fround(f(knot)))`,
        expected: `a ${want.a[i]}, b ${want.b[i]}`, got: `a ${got.a[i]}, b ${got.b[i]}`,
      };
    }
  }
  return undefined;
}

/** fast-check: evalPwl equals the rule on fp32 inputs, knots ± a few ulps and the specials. */
function evalProperty(m: PwlModule, numRuns: number): CaseResult {
  const tables: [string, SpecTable][] = [['GELU', SPEC_GELU], ['Swish', specTable(refSwish, GELU_GEOMETRY)], ['GELU/64', specTable(refGelu, { lo: -4, hi: 4, segments: 64 })]];
  const knot = fc.tuple(fc.integer({ min: -9, max: 9 }), fc.integer({ min: -3, max: 3 })).map(([k, d]) => Math.fround(k + d * 2 ** -21));
  const input = fc.oneof(fc.float({ min: -12, max: 12, noNaN: true }), knot, fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, -8, 8, Math.fround(8 - 2 ** -21)));
  for (const [what, t] of tables) {
    const r = fc.check(fc.property(input, (v) => Object.is(m.evalPwl(t, v), specEval(t, v))), { numRuns, seed: 20240807 });
    if (!r.failed) continue;
    const v = r.counterexample?.[0] as number | undefined;
    if (v === undefined) return { name: '', passed: false, detail: `${what}: evalPwl threw: ${describeError(r.errorInstance)}` };
    let got: string;
    try {
      got = describeValue(m.evalPwl(t, v));
    } catch (e) {
      got = `threw ${describeError(e)}`;
    }
    return { name: '', passed: false, detail: `${what} table: evalPwl(${describeValue(v)}) differs from the rule (fast-check seed ${r.seed}, shrunk)`, expected: describeValue(specEval(t, v)), got };
  }
  return { name: '', passed: true, detail: `equal to the rule (Object.is) on ${numRuns} inputs for each of GELU, Swish and GELU/64` };
}

// ---- step 3: the simulator -------------------------------------------------------------------

async function checkSimulator(list: CaseList, c: Checkout): Promise<void> {
  const isa = await loadOrFail<IsaModule>(list, c, isaFace(c), 'step 3 · simulator');
  const sim = isa && (await loadOrFail<SimModule>(list, c, 'simulator/index.ts', 'step 3 · simulator'));
  if (!isa || !sim) return;
  let fpOut: Float32Array | undefined;
  let fpIn: Float32Array | undefined;
  await list.run('step 3 · simulator: ACT func=gelu bit-exact', () => {
    const { program, dram, x, q } = geluRegions(isa);
    const r = sim.simulate(program, isa.loadHardware(HW), { dram });
    const y = bitsOf(r.dram, program, 'y', 'fp32');
    const z = bitsOf(r.dram, program, 'z', 'int16');
    [fpIn, fpOut] = [x, Float32Array.from(y)];
    // Most outputs equal to fround(GELU(v)) (not only at the knots) means the table was bypassed.
    const exact = x.filter((v, i) => Object.is(y[i], Math.fround(refGelu(v)))).length;
    const hint = y.every(Number.isNaN) ? ' — all NaN: applyFloat in simulator/act.ts has no case for gelu'
      : exact > 0.75 * x.length ? ' — the outputs are fround(GELU(v)) itself: the float path must go through the table' : '';
    for (let i = 0; i < x.length; i++) {
      const want = specGelu(x[i]!);
      if (!Object.is(y[i], want)) {
        return { name: '', passed: false, detail: `fp32 → fp32: element ${i}, v = ${describeValue(x[i]!)}${hint}`, expected: describeValue(want), got: describeValue(y[i]!) };
      }
    }
    for (let i = 0; i < q.length; i++) {
      const want = actGelu(q[i]!, 'int16', GELU_INT_ACT.scale, GELU_INT_ACT.mult, GELU_INT_ACT.shift);
      if (z[i] !== want) {
        return { name: '', passed: false, detail: `int32 → int16 (v = fround(x·${GELU_INT_ACT.scale}), 16.16, mult ${GELU_INT_ACT.mult}, shift ${GELU_INT_ACT.shift}): element ${i}, x = ${q[i]}`, expected: String(want), got: String(z[i]) };
      }
    }
    return { name: '', passed: true, detail: `${x.length} fp32 inputs (knots, clamp edges, ±large, random) and ${q.length} int32 inputs through the float path equal the rule` };
  });
  await list.run(`step 3 · simulator output within ${GELU_BOUND} of GELU`, () => {
    if (!fpOut || !fpIn) return { name: '', passed: false, detail: 'needs the fp32 run above' };
    let worst = 0;
    for (let i = 0; i < fpIn.length; i++) worst = Math.max(worst, Math.abs(fpOut[i]! - refGelu(fpIn[i]!)));
    list.metrics.simMaxError = worst;
    return { name: '', passed: worst <= GELU_BOUND, detail: `worst |y − GELU(v)| = ${fmt(worst, 4)} over the fp32 inputs`, expected: `≤ ${GELU_BOUND}`, got: fmt(worst, 6) };
  });
}

// ---- step 6: the project's reference ---------------------------------------------------------

async function checkReference(list: CaseList, c: Checkout): Promise<void> {
  const ref = await loadOrFail<RefModule>(list, c, 'test/reference/mlp-reference.ts', 'step 6 · test/reference/mlp-reference.ts knows gelu');
  if (!ref) return;
  await list.run('step 6 · test/reference/mlp-reference.ts knows gelu', () => {
    const sizes = [5, 7, 3];
    const w = makeWeights(sizes, 11, 6);
    const acts: LabActivation[] = ['gelu', 'gelu'];
    const layers: LabLayer[] = acts.map((act, i) => ({ inputs: sizes[i]!, units: sizes[i + 1]!, act, w: w[i]!.w, b: w[i]!.b }));
    const theirs = layers.map((L) => ({ w: L.w, b: L.b, inputs: L.inputs, units: L.units, activation: { kind: L.act } }));
    const rand = seededRandom(3);
    const x = Float32Array.from({ length: 2 * 5 }, () => Math.fround(rand() * 2 - 1));
    const fpWant = fp32Forward(layers, x, 2, false).y;
    const bad = assertCase('fp32Forward', equalArrays(ref.fp32Forward(theirs, x, 2, false), fpWant, new Float64Array(fpWant.length), 3));
    if (bad) return bad;
    for (const dtype of ['int8', 'int16'] as const) {
      const qmax = dtype === 'int8' ? 127 : 32767;
      const scales = { input: 1 / qmax, layers: [{ wScale: [6 / qmax], outScale: 8 / qmax, wQmax: [qmax] }, { wScale: [3 / qmax], outScale: 1, wQmax: [qmax] }] };
      const want = quantForward(layers, scales, dtype, x, 2, false);
      const bad2 = assertCase(`quantForward ${dtype}`, equalArrays(ref.quantForward(theirs, scales, dtype, x, 2, false), want, new Float64Array(want.length), 3));
      if (bad2) return bad2;
    }
    return { name: '', passed: true, detail: 'fp32Forward and quantForward (int8, int16) give the lab reference\'s outputs for a gelu-gelu network, bit for bit' };
  });
}

await runCheckerMain(import.meta.url, checkLab07);
