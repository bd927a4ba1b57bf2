// Lab 07 — inputs the checker builds and the comparisons it reports: the hand-written ACT
// program for the simulator step, random .mlp models and weights for the compiler steps, and
// element-wise comparison with a sentence naming the first bad output.
import { seededRandom } from '../lib/numeric.js';
import type { CaseResult } from '../lib/result.js';
import type { IsaModule, ProgramLike, WeightsLike } from './checkout.js';
import type { LabActivation } from './reference.js';

/** ACT functions before the lab, in their encoded order (they must keep their numbers). */
export const ORIGINAL_FUNCS = ['identity', 'relu', 'leaky', 'prelu', 'elu', 'sigmoid', 'tanh', 'softmax'] as const;

/** The integer ACT of the simulator step: v = x·2^-10, output scale 2^-12 (Y·16384 >> 18 = y·4096). */
export const GELU_INT_ACT = { scale: 2 ** -10, mult: 16384, shift: 18 } as const;

const PROGRAM = `; lab 07: ACT func=gelu on fp32 inputs, and on int32 inputs through the float path
.region x fp32  [4, 16]
.region y fp32  [4, 16]
.region q int32 [4, 16]
.region z int16 [4, 16]
    LOAD   dst=nram[0], src=dram[x], rows=4, cols=16, stride=64, dtype=fp32
    ACT    dst=nram[0x100], src=nram[0], rows=4, cols=16, func=gelu, inType=fp32, outType=fp32
    STORE  dst=dram[y], src=nram[0x100], rows=4, cols=16, stride=64, dtype=fp32
    LOAD   dst=nram[0x200], src=dram[q], rows=4, cols=16, stride=64, dtype=int32
    ACT    dst=nram[0x300], src=nram[0x200], rows=4, cols=16, func=gelu, inType=int32, outType=int16, scale=${GELU_INT_ACT.scale}, mult=${GELU_INT_ACT.mult}, shift=${GELU_INT_ACT.shift}
    STORE  dst=dram[z], src=nram[0x300], rows=4, cols=16, stride=32, dtype=int16
    HALT
`;

/** fp32 inputs: every knot, both clamp edges and their neighbours, the worst-error point, ±large, random. */
function geluInputs(): Float32Array {
  const f = Math.fround;
  const knots = Array.from({ length: 33 }, (_, i) => -8 + 0.5 * i);
  const edges = [-100, f(-8 - 2 ** -20), f(8 - 2 ** -21), 8.5, 100, f(0.2448730), -0.75, 1e-30, -1e-30, f(0.5 + 2 ** -24), f(-0.5 - 2 ** -24), 3.3, -3.3, 7.25, -7.75];
  const rand = seededRandom(707);
  const random = Array.from({ length: 64 - knots.length - edges.length }, () => rand() * 20 - 10);
  return Float32Array.from([...knots, ...edges, ...random]);
}

/** The simulator step's program with x (fp32) and q (int32) written into its DRAM image. */
export function geluRegions(isa: IsaModule): { program: ProgramLike; dram: Uint8Array; x: Float32Array; q: Int32Array } {
  const program = isa.assemble(PROGRAM, 'lab07-gelu.dlps');
  const dram = isa.materializeDram(program).slice();
  const x = geluInputs();
  const q = Int32Array.from({ length: 64 }, (_, i) => i * 401 - 12800 + (i % 7));
  const view = new DataView(dram.buffer, dram.byteOffset, dram.byteLength);
  const at = (name: string) => program.regions.find((r) => r.name === name)!.addr;
  x.forEach((v, i) => view.setFloat32(at('x') + 4 * i, v, true));
  q.forEach((v, i) => view.setInt32(at('q') + 4 * i, v, true));
  return { program, dram, x, q };
}

/** A region's values after the run. */
export function bitsOf(dram: Uint8Array, program: ProgramLike, name: string, dtype: 'fp32' | 'int16'): Float32Array | Int16Array {
  const r = program.regions.find((g) => g.name === name)!;
  const n = r.shape.reduce((a, b) => a * b, 1);
  const bytes = dram.slice(r.addr, r.addr + n * (dtype === 'fp32' ? 4 : 2));
  return dtype === 'fp32' ? new Float32Array(bytes.buffer) : new Int16Array(bytes.buffer);
}

/** A chain of dense layers as .mlp text (identity layers carry no activation word). */
export function makeMlp(inputs: number, layers: { units: number; act: LabActivation }[], softmax: boolean): string {
  const dense = layers.map((l) => `  dense ${l.units}${l.act === 'identity' ? '' : ` ${l.act}`}`);
  return ['model lab07 {', `  input ${inputs}`, ...dense, ...(softmax ? ['  softmax'] : []), '}', ''].join('\n');
}

/** Seeded weights: uniform in ±scale/√K, biases uniform in ±scale/4. */
export function makeWeights(sizes: number[], seed: number, scale: number): WeightsLike[] {
  const rand = seededRandom(seed);
  return sizes.slice(1).map((N, l) => {
    const K = sizes[l]!;
    const w = Float32Array.from({ length: K * N }, () => ((rand() * 2 - 1) * scale) / Math.sqrt(K));
    const b = Float32Array.from({ length: N }, () => ((rand() * 2 - 1) * scale) / 4);
    return { w, b };
  });
}

/** -0 and NaN spelt out, so a sign or NaN difference is visible in feedback. */
export function describeValue(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** The first output outside its tolerance as a sentence (tolerance 0 = bit-exact), or undefined. */
export function equalArrays(got: Float32Array, want: Float32Array, tol: Float64Array, cols: number): string | undefined {
  if (got.length !== want.length) return `the output has ${got.length} values, the reference ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const ok = tol[i] === 0 ? Object.is(got[i], want[i]) || got[i] === want[i] : Math.abs(got[i]! - want[i]!) <= tol[i]!;
    if (!ok) {
      return `output[${Math.floor(i / cols)}][${i % cols}] = ${describeValue(got[i]!)} but the lab reference gives ${describeValue(want[i]!)}` +
        (tol[i] ? ` (tolerance ${tol[i]!.toExponential(2)})` : ' (bit-exact required)');
    }
  }
  return undefined;
}

/** A failed case for the project's reference, or undefined when it agreed. */
export function assertCase(what: string, mismatch: string | undefined): CaseResult | undefined {
  if (mismatch === undefined) return undefined;
  return {
    name: '', passed: false,
    detail: `${what}: ${mismatch} — step 6: give floatAct in test/reference/mlp-reference.ts a gelu case that follows the README's rule (written from the docs, not imported from the simulator)`,
  };
}
