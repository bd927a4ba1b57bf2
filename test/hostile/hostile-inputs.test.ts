// Hostile inputs (issue #15): each row makes a small file that asks for too much memory, time
// or stack, or carries a value dlpkit must not compute with, runs `dlp` on it in-process
// (cli/main.ts, the code dist/cli/bin.js runs) and pins the exact first line of the error and
// the exit code. Limits are documented in docs/models.md, docs/simulator.md and docs/isa.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportOnnx, modelToJson } from '../../compiler/index.js';
import { writeWeightsFile } from '../../compiler/node.js';
import { modelProto } from '../../compiler/frontend/onnx-schema.js';
import type { ModelGraph, ModelWeights } from '../../compiler/model.js';
import { encodeProgram, withParam, type Program } from '../../isa/index.js';
import { loadHardware } from '../../isa/node.js';
import { runDlp, useTempDir } from '../helpers/cli.js';

const dir = useTempDir('dlp-hostile-');
const at = (name: string): string => join(dir, name);
const text = (name: string, body: string): string => {
  writeFileSync(at(name), body);
  return at(name);
};
const bytes = (name: string, body: Uint8Array): string => {
  writeFileSync(at(name), body);
  return at(name);
};

/** A two-layer 4 → 3 → 2 model and weights with every value finite. */
const model: ModelGraph = {
  name: 'tiny', inputSize: 4, softmax: false,
  layers: [
    { kind: 'dense', name: 'fc1', units: 3, activation: { kind: 'relu' } },
    { kind: 'dense', name: 'fc2', units: 2, activation: { kind: 'identity' } },
  ],
};
const weights = (): ModelWeights => [
  { w: Float32Array.from({ length: 12 }, (_, i) => (i % 5) / 8 - 0.25), b: Float32Array.of(0.1, 0, -0.1) },
  { w: Float32Array.from({ length: 6 }, (_, i) => (i % 3) / 4 - 0.25), b: Float32Array.of(0, 0.5) },
];

/** The tiny model as ONNX with `edit` applied to the decoded protobuf message. */
function onnxWith(name: string, edit: (m: { graph: { initializer: { name: string; dims: number[]; rawData: Uint8Array }[]; node: { opType: string; attribute: { name: string; f?: number }[] }[] } }) => void): string {
  const msg = modelProto().decode(exportOnnx(model, weights())) as unknown as Parameters<typeof edit>[0];
  edit(msg);
  return bytes(name, modelProto().encode(modelProto().fromObject(msg as object)).finish());
}

/** A program of one region and HALT as a .dlpb, with `patch` applied to its bytes. */
function dlpb(name: string, p: Program, patch?: (b: Uint8Array) => void): string {
  const b = encodeProgram(p);
  patch?.(b);
  return bytes(name, b);
}
const halt = { op: 'HALT', layer: 0 } as const;
/** Index of `needle` in `hay` (for patching a byte of an encoded file). */
const find = (hay: Uint8Array, needle: number[]): number => hay.findIndex((_, i) => needle.every((v, k) => hay[i + k] === v));

const hwJson = (name: string, path: string, value: number): string =>
  text(name, JSON.stringify(withParamRaw(loadHardware('dlp-s'), path, value)));
/** A preset with one field set, bypassing the schema (the file is what a user could write). */
function withParamRaw(hw: object, path: string, value: number): object {
  const copy = structuredClone(hw) as Record<string, Record<string, unknown>>;
  const [a, b] = path.split('.') as [string, string];
  copy[a]![b] = value;
  return copy;
}

interface Row {
  what: string;
  args: () => string[];
  /** The exact first line of stderr. */
  error: string;
  code?: number;
  env?: Record<string, string>;
}

const ROWS: Row[] = [
  // ---- bounded memory ----
  {
    what: 'a 56-byte program declaring a 1 GiB random region',
    args: () => ['simulate', text('big.dlps', '.region big int8 [1073741824] = random(seed=1)\n    HALT\n')],
    error: "error: the program needs 1073741824 bytes of DRAM, more than the simulator's limit of 268435456 bytes (set DLP_MAX_DRAM_BYTES to raise it)",
  },
  {
    what: 'the same program as a 101-byte .dlpb',
    args: () => ['simulate', dlpb('big.dlpb', { instrs: [halt], regions: [{ name: 'big', dtype: 'int8', shape: [1073741824], addr: 0, init: { kind: 'random', seed: 1, min: -128, max: 127 } }], layerNames: {} })],
    error: "error: the program needs 1073741824 bytes of DRAM, more than the simulator's limit of 268435456 bytes (set DLP_MAX_DRAM_BYTES to raise it)",
  },
  {
    what: 'DLP_MAX_DRAM_BYTES lowers the cap',
    args: () => ['simulate', text('k2.dlps', '.region w int8 [2048] = random(seed=1)\n    HALT\n')],
    env: { DLP_MAX_DRAM_BYTES: '1024' },
    error: "error: the program needs 2048 bytes of DRAM, more than the simulator's limit of 1024 bytes (set DLP_MAX_DRAM_BYTES to raise it)",
  },
  {
    what: 'a DRAM image shorter than the program\'s regions',
    args: () => ['simulate', text('two.dlps', '.region a int8 [64]\n.region b int8 [64]\n    HALT\n'), '--dram', bytes('short.bin', new Uint8Array(100))],
    error: "error: DRAM image has 100 bytes but the program's regions need 128 (region 'b' ends at 0x80)",
  },
  {
    what: 'a SCALE-Sim topology with 10^9 depth-wise channels',
    args: () => ['scalesim', '--config', 'examples/scalesim/systolic32_ws.cfg', '--topology',
      text('dw.csv', 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nDP1, 3, 3, 1, 1, 1000000000, 1, 1,\n'), '-o', at('ss-dw')],
    error: `error: ${at('dw.csv')}:2: the topology expands to more than dlpkit's limit of 4096 GEMM layers (a depth-wise layer of 1000000000 channels is 1000000000 GEMMs)`,
  },
  {
    what: 'a GEMM topology with 10^10 output elements',
    args: () => ['scalesim', '--config', 'examples/scalesim/systolic32_ws.cfg', '--topology', text('gemm.csv', 'Layer, M, N, K,\nbig, 100000, 65535, 1,\n'), '-o', at('ss-gemm')],
    error: `error: ${at('gemm.csv')}:2: layer 'big': GEMM M=100000 N=65535 K=1 has M×N = 6553500000 elements, more than dlpkit's limit of 67108864`,
  },
  {
    what: 'an .mlp input of 2^32 features',
    args: () => ['compile', text('huge.mlp', 'model m { input 4294967296 dense 4 }\n'), '-o', at('out-huge')],
    error: `error: ${at('huge.mlp')}:1:11: model m: input size 4294967296 exceeds dlpkit's limit of 65535 features per layer`,
  },
  {
    what: 'an .mlp input of 65536 features (one more than a LOAD row holds)',
    args: () => ['compile', text('wide.mlp', 'model m { input 65536 dense 4 }\n'), '-o', at('out-wide')],
    error: `error: ${at('wide.mlp')}:1:11: model m: input size 65536 exceeds dlpkit's limit of 65535 features per layer`,
  },
  {
    what: 'a 30000×30000 layer',
    args: () => ['compile', text('square.mlp', 'model m {\n  input 30000\n  dense 30000\n}\n'), '-o', at('out-square')],
    error: `error: ${at('square.mlp')}:3:3: model m: layer fc1 (30000×30000) brings the model to 900000000 weights, more than dlpkit's limit of 67108864`,
  },
  {
    what: 'a JSON model with 2^32 inputs',
    args: () => ['compile', text('huge.json', '{"name": "m", "input": 4294967296, "layers": [{"units": 4}]}'), '-o', at('out-hj')],
    error: `error: ${at('huge.json')}: input: must be <= 65535`,
  },
  {
    what: 'ONNX weight dims [-16, 8] (8 inputs where 4 flow in)',
    args: () => ['compile', onnxWith('neg8.onnx', (m) => { m.graph.initializer[0]!.dims = [-16, 8]; }), '-o', at('out-neg8')],
    error: `error: ${at('neg8.onnx')}: Gemm node "/fc1/Gemm": weight fc1.weight [-16, 8] expects 8 input features, but 4 flow in`,
  },
  {
    what: 'ONNX weight dims [-16, 4]',
    args: () => ['compile', onnxWith('neg.onnx', (m) => { m.graph.initializer[0]!.dims = [-16, 4]; }), '-o', at('out-neg')],
    error: `error: ${at('neg.onnx')}: Gemm node "/fc1/Gemm": weight fc1.weight [-16, 4]: units -16 must be in 1..65535`,
  },
  {
    what: 'ONNX weight dims [30000, 30000]',
    args: () => ['compile', onnxWith('sq.onnx', (m) => { m.graph.initializer[0]!.dims = [30000, 4]; }), '-o', at('out-sq')],
    error: `error: ${at('sq.onnx')}: initializer fc1.weight: dims [30000, 4] need 120000 values but 12 float32 values are stored`,
  },
  {
    what: 'an 800-term constant expression',
    args: () => ['asm', text('long.dlps', `.const c = ${Array(800).fill('1').join(' + ')}\n    HALT\n`), '-o', at('long.dlpb')],
    error: `error: ${at('long.dlps')}:1:526: expression has more than 128 operators (the assembler's limit)`,
  },
  {
    what: '300 nested parentheses',
    args: () => ['asm', text('deep.dlps', `.const c = ${'('.repeat(300)}1${')'.repeat(300)}\n    HALT\n`), '-o', at('deep.dlpb')],
    error: `error: ${at('deep.dlps')}:1:44: expression nested more than 32 parentheses deep (the assembler's limit)`,
  },
  // ---- bad values ----
  {
    what: 'a NaN weight in ONNX',
    args: () => ['compile', onnxWith('nan.onnx', (m) => { new DataView(m.graph.initializer[0]!.rawData.buffer, m.graph.initializer[0]!.rawData.byteOffset).setFloat32(8, NaN, true); }), '-o', at('out-nan')],
    error: `error: ${at('nan.onnx')}: initializer fc1.weight: element 2 is NaN; parameters must be finite`,
  },
  {
    what: 'an infinite bias in ONNX',
    args: () => ['compile', onnxWith('inf.onnx', (m) => { new DataView(m.graph.initializer[1]!.rawData.buffer, m.graph.initializer[1]!.rawData.byteOffset).setFloat32(4, -Infinity, true); }), '-o', at('out-inf')],
    error: `error: ${at('inf.onnx')}: initializer fc1.bias: element 1 is -Infinity; parameters must be finite`,
  },
  {
    what: 'a NaN Gemm alpha',
    args: () => ['compile', onnxWith('alpha.onnx', (m) => { m.graph.node[0]!.attribute.find((a) => a.name === 'alpha')!.f = NaN; }), '-o', at('out-alpha')],
    error: `error: ${at('alpha.onnx')}: Gemm node "/fc1/Gemm": alpha NaN and beta 1 must be finite`,
  },
  {
    what: 'a JSON model with leaky alpha 1e999 (Infinity after JSON.parse)',
    args: () => ['compile', text('inf-alpha.json', '{"name": "m", "input": 4, "layers": [{"units": 2, "activation": {"kind": "leaky", "alpha": 1e999}}]}'), '-o', at('out-inf-alpha')],
    error: `error: ${at('inf-alpha.json')}: layers[0].activation: must be one of "identity", "none", "relu", "leaky", "prelu", "elu", "sigmoid", "tanh" or an object {"kind": "leaky" | "elu", "alpha": number}`,
  },
  {
    what: 'a NaN weight in safetensors',
    args: () => {
      // writeWeightsFile refuses non-finite data, so the file is written with a marker value
      // (7.5, used nowhere else) and patched: fc2.w[3] is row 1, column 1 of the (in, out)
      // 3×2 matrix, element 1·3 + 1 = 4 of the [out, in] tensor fc2.weight.
      const w = weights();
      w[1]!.w[3] = 7.5;
      writeFileSync(at('tiny.json'), modelToJson(model));
      writeWeightsFile(at('nan.safetensors'), model, w);
      const file = new Uint8Array(readFileSync(at('nan.safetensors')));
      new DataView(file.buffer).setFloat32(find(file, [...new Uint8Array(Float32Array.of(7.5).buffer)]), NaN, true);
      return ['compile', at('tiny.json'), '--weights', bytes('nan.safetensors', file), '-o', at('out-st')];
    },
    error: `error: ${at('nan.safetensors')}: tensor fc2.weight: element 4 is NaN; parameters must be finite`,
  },
  {
    what: 'hardware dramBytePj 1e308',
    args: () => ['simulate', 'examples/dense-relu.dlps', '--hw', hwJson('pj.json', 'energy.dramBytePj', 1e308)],
    error: `error: ${at('pj.json')}: invalid hardware config: energy.dramBytePj: energy.dramBytePj must be <= 1000000`,
  },
  {
    what: 'hardware bytesPerCycle 1e-300',
    args: () => ['simulate', 'examples/dense-relu.dlps', '--hw', hwJson('bw.json', 'dram.bytesPerCycle', 1e-300)],
    error: `error: ${at('bw.json')}: invalid hardware config: dram.bytesPerCycle: dram.bytesPerCycle must be >= 0.001`,
  },
  {
    what: 'a sweep through __proto__',
    args: () => ['explore', 'examples/mnist.mlp', '--sweep', '__proto__.toString=1'],
    error: "error: --sweep: '__proto__.toString' is not a sweep key; use one of pes, lanes, rows, cols, dataflow, nramKiB, wramKiB, dramBytesPerCycle, dramLatency, clockMHz, dtype, batch or a dotted hardware path such as dram.latencyCycles",
  },
  {
    what: 'a .dlpb with a duplicate layer tag',
    args: () => ['disasm', dlpb('dup-tag.dlpb', { instrs: [halt], regions: [], layerNames: { 1: 'aa', 2: 'bb' } }, (b) => { b[find(b, [2, 2, 0, 98, 98])] = 1; })],
    // Header 32 bytes, one 32-byte instruction, entry #0 (tag, u16 length, 'aa') 5 bytes: 69.
    error: `error: ${at('dup-tag.dlpb')}: layer name #1 at byte offset 69 repeats layer tag 1`,
  },
  {
    what: 'a .dlpb with a duplicate constant name',
    args: () => ['disasm', dlpb('dup-const.dlpb', { instrs: [halt], regions: [], layerNames: {}, consts: { X: 1, Y: 2 } }, (b) => { b[find(b, [1, 0, 89])! + 2] = 88; })],
    // Header 32, one instruction 32, constant #0 (u16 length, 'X', f64) 11 bytes: 75.
    error: `error: ${at('dup-const.dlpb')}: constant #1 at byte offset 75 repeats the name 'X'`,
  },
  {
    what: 'training with --lr 1e12',
    args: () => ['train', '--lr', '1e12', '--optimizer', 'sgd', '--subset', '500', '--epochs', '1', '-o', at('diverged.safetensors')],
    // The CLI's default schedule has already lowered the rate a little by batch 3.
    error: 'error: training diverged at epoch 1, batch 3 of 5: the loss is NaN (learning rate 904508497187.4738); try a smaller --lr',
  },
  {
    what: 'a NUL byte in .mlp',
    args: () => ['compile', text('nul.mlp', 'model m {\n  input 4\0 dense 2\n}\n'), '-o', at('out-nul')],
    error: `error: ${at('nul.mlp')}:2:10: NUL character (U+0000) in the model text`,
  },
];

describe('hostile inputs get one clear error line and exit 1', () => {
  it.each(ROWS.map((r) => [r.what, r] as const))('%s', async (_what, r) => {
    const saved = { ...process.env };
    Object.assign(process.env, r.env ?? {});
    try {
      const res = await runDlp(r.args());
      expect(res.err.split('\n')[0]).toBe(r.error);
      expect(res.code).toBe(r.code ?? 1);
    } finally {
      for (const k of Object.keys(r.env ?? {})) if (saved[k] === undefined) delete process.env[k];
    }
  });
});

describe('hostile inputs, through the API', () => {
  it('withParam never follows __proto__, constructor or prototype', () => {
    const hw = loadHardware('dlp-s');
    for (const path of ['__proto__.toString', 'constructor.name', 'dram.constructor', 'mfu.__proto__.x', 'toString', 'dram', 'mfu.kind.length']) {
      expect(() => withParam(hw, path, 1), path).toThrow(`unknown hardware parameter '${path}'`);
    }
    expect(typeof Object.prototype.toString).toBe('function');
    expect(withParam(hw, 'dram.latencyCycles', 7).dram.latencyCycles).toBe(7);
  });

  it('the Object prototype is untouched after `dlp explore --sweep __proto__.toString=1`', async () => {
    await runDlp(['explore', 'examples/mnist.mlp', '--sweep', '__proto__.toString=1']);
    expect(({} as { toString: unknown }).toString).toBe(Object.prototype.toString);
    expect(String({})).toBe('[object Object]');
  });

  it('writes no weights when training diverges', () => {
    expect(() => readFileSync(at('diverged.safetensors'))).toThrow(/ENOENT/);
  });
});

describe('a UTF-8 byte-order mark is skipped in every text format', () => {
  const BOM = '\uFEFF';
  it.each([
    ['.dlps', () => ['asm', text('bom.dlps', `${BOM}    HALT\n`), '-o', at('bom.dlpb')]],
    ['.mlp', () => ['compile', text('bom.mlp', `${BOM}model m { input 4 dense 2 }\n`), '-o', at('out-bom-mlp')]],
    ['JSON model', () => ['compile', text('bom.json', `${BOM}{"name": "m", "input": 4, "layers": [{"units": 2}]}`), '-o', at('out-bom-json')]],
    ['hardware JSON', () => ['simulate', 'examples/dense-relu.dlps', '--hw', text('bom-hw.json', `${BOM}${JSON.stringify(loadHardware('dlp-s'))}`)]],
    ['SCALE-Sim topology and config', () => ['scalesim', '--config', text('bom.cfg', `${BOM}${readFileSync('examples/scalesim/systolic32_ws.cfg', 'utf8')}`),
      '--topology', text('bom.csv', `${BOM}Layer, M, N, K,\ng1, 4, 4, 4,\n`), '-o', at('ss-bom')]],
  ])('%s', async (_what, args) => {
    const res = await runDlp(args());
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
  });
});
