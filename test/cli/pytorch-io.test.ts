// `dlp run MODEL --input X --output Y`, `dlp simulate BUNDLE --input X --output Y`, state_dict
// weights and `--explain` folds on the PyTorch fixtures, through the CLI.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv, parseNpy, writeNpy } from '../../compiler/weights/tensor-files.js';
import { readSafetensors, writeSafetensors, type SafeTensor } from '../../compiler/weights/safetensors.js';
import { runDlp, useTempDir } from '../helpers/cli.js';

const F = 'test/fixtures/pytorch';
const tmp = useTempDir('dlp-pt-io-');
const out = (name: string): string => join(tmp, name);
const npy = (path: string) => parseNpy(readFileSync(path));

function maxNormRel(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let m = 0;
  b.forEach((v, i) => { d = Math.max(d, Math.abs(a[i]! - v)); m = Math.max(m, Math.abs(v)); });
  return d / m;
}

describe('dlp run --input/--output', () => {
  it('runs mlp_bn.onnx on x.npy ([12, 4, 5], flattened) and matches PyTorch (fp32, batch 5 in 3 runs)', async () => {
    const r = await runDlp(['run', `${F}/mlp_bn.onnx`, '--dtype', 'fp32', '--batch', '5', '--input', `${F}/mlp_bn.x.npy`, '--output', out('bn.npy')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ran 12 rows of 20 features on dlp-s \(fp32\) in 3 runs of batch 5: \d+ cycles in total\nwrote .*bn\.npy: 12 × 5 fp32 values\n$/);
    expect(maxNormRel(npy(out('bn.npy')).data, npy(`${F}/mlp_bn.y.npy`).data)).toBeLessThanOrEqual(1e-5);
  });

  it('reads .npy float32/float64, .csv and .safetensors into the same rows, and writes .csv that reads back exactly', async () => {
    const inputs = ['mlp.x.npy', 'mlp.x64.npy', 'mlp.x.csv', 'mlp.x.safetensors'];
    const results = [];
    for (const [i, x] of inputs.entries()) {
      const r = await runDlp(['run', `${F}/mlp.onnx`, '--dtype', 'fp32', '--batch', '4', '--input', `${F}/${x}`, '--output', out(`o${i}.npy`)]);
      expect(r.code, r.err).toBe(0);
      results.push(npy(out(`o${i}.npy`)).data);
    }
    for (const y of results.slice(1)) expect(y).toEqual(results[0]);
    expect(maxNormRel(results[0]!, npy(`${F}/mlp.y.npy`).data)).toBeLessThanOrEqual(1e-5);
    const r = await runDlp(['run', `${F}/mlp.onnx`, '--dtype', 'fp32', '--batch', '4', '--input', `${F}/mlp.x.npy`, '--output', out('o.csv')]);
    expect(r.code, r.err).toBe(0);
    const csv = parseCsv(readFileSync(out('o.csv'), 'utf8'));
    expect([csv.rows, csv.cols]).toEqual([12, 5]);
    expect(csv.data).toEqual(results[0]);
  });

  it('reads uint8 .npy rows (0..255) as their values', async () => {
    const r = await runDlp(['run', `${F}/mlp.onnx`, '--dtype', 'fp32', '--input', `${F}/mlp.xu8.npy`, '--output', out('u8.npy')]);
    expect(r.code, r.err).toBe(0);
    expect(maxNormRel(npy(out('u8.npy')).data, npy(`${F}/mlp.yu8.npy`).data)).toBeLessThanOrEqual(1e-5);
  });

  it('int8: calibrates on the input rows and says so', async () => {
    const r = await runDlp(['run', `${F}/autoencoder.onnx`, '--batch', '8', '--input', `${F}/autoencoder.x.npy`, '--output', out('ae8.npy')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('int8 scales calibrated on the first 12 input rows (give --calibration FILE to fix them)\n');
    expect(maxNormRel(npy(out('ae8.npy')).data, npy(`${F}/autoencoder.y.npy`).data)).toBeLessThan(0.05);
  });

  it('LogSoftmax: the host applies it to the device logits', async () => {
    const r = await runDlp(['run', `${F}/noops.onnx`, '--dtype', 'fp32', '--input', `${F}/noops.x.npy`, '--output', out('noops.npy')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('LogSoftmax: the device computed the logits; the host applied log-softmax\n');
    expect(maxNormRel(npy(out('noops.npy')).data, npy(`${F}/noops.y.npy`).data)).toBeLessThanOrEqual(1e-5);
  });

  it('simulate BUNDLE --input/--output gives exactly what run gives', async () => {
    const bundle = out('bundle');
    expect((await runDlp(['compile', `${F}/mlp.onnx`, '--dtype', 'int16', '--batch', '5', '--calibration', `${F}/mlp.x.safetensors`, '-o', bundle])).code).toBe(0);
    const s = await runDlp(['simulate', bundle, '--input', `${F}/mlp.x.npy`, '--output', out('sim.npy')]);
    expect(s.code, s.err).toBe(0);
    expect(s.out).toMatch(/^ran 12 rows on dlp-s \(int16\) in 3 runs of batch 5: \d+ cycles in total\n/);
    const r = await runDlp(['run', `${F}/mlp.onnx`, '--dtype', 'int16', '--batch', '5', '--calibration', `${F}/mlp.x.safetensors`, '--input', `${F}/mlp.x.npy`, '--output', out('run.npy')]);
    expect(r.code, r.err).toBe(0);
    expect(npy(out('sim.npy')).data).toEqual(npy(out('run.npy')).data);
  });

  it('simulate --dump --json without -o prints only JSON', async () => {
    const bundle = out('bundle-dump');
    await runDlp(['compile', `${F}/mlp.onnx`, '--dtype', 'fp32', '-o', bundle]);
    const s = await runDlp(['simulate', join(bundle, 'program.dlpb'), '--dump', 'output', '--json']);
    expect(s.code, s.err).toBe(0);
    const parsed = JSON.parse(s.out) as { report: { cycles: number }; regions: { output: number[][] } };
    expect(parsed.report.cycles).toBeGreaterThan(0);
    expect(parsed.regions.output).toHaveLength(1);
  });

  const errors: [string, string[], RegExp | string][] = [
    ['output == input', ['--input', `${F}/mlp.x.npy`, '--output', `${F}/mlp.x.npy`], `error: ${F}/mlp.x.npy: --output is the input file; refusing to overwrite it\n`],
    ['an unknown output type', ['--input', `${F}/mlp.x.npy`, '--output', 'y.txt'], 'error: y.txt: unknown output file type ".txt"; expected .npy or .csv\n'],
    ['--input alone', ['--input', `${F}/mlp.x.npy`], 'error: --input and --output go together (rows in, outputs out)\n'],
    ['the wrong width', ['--input', `${F}/autoencoder.x.npy`, '--output', 'never.npy'], `error: ${F}/autoencoder.x.npy: input rows have 128 features; the model takes 20\n`],
    ['an unknown input type', ['--input', `${F}/mlp.onnx`, '--output', 'never.npy'], `error: ${F}/mlp.onnx: unknown input file type ".onnx"; expected .npy, .csv or .safetensors\n`],
    ['a missing input', ['--input', 'nope.npy', '--output', 'never.npy'], 'error: nope.npy: cannot read input file: no such file\n'],
  ];
  it.each(errors)('refuses %s in one line', async (_label, args, message) => {
    const r = await runDlp(['run', `${F}/mlp.onnx`, ...args]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(message);
  });

  it('refuses malformed .npy and .csv inputs naming the problem', async () => {
    const x = readFileSync(`${F}/mlp.x.npy`);
    const cases: [string, Uint8Array | string, string][] = [
      ['short.npy', x.subarray(0, x.length - 4), 'not a usable .npy file: shape (12, 20) of \'<f4\' needs 960 data bytes but the file holds 956'],
      ['magic.npy', Buffer.from('hello world'), 'not a usable .npy file: missing the \\x93NUMPY magic'],
      ['i4.npy', Buffer.from(x.toString('latin1').replace("'<f4'", "'<i4'"), 'latin1'), 'not a usable .npy file: dtype \'<i4\' is not supported (float32 \'<f4\', float64 \'<f8\' or uint8 \'|u1\')'],
      ['hdr.npy', Buffer.concat([x.subarray(0, 8), Buffer.from([0xff, 0xff]), x.subarray(10, 40)]), 'not a usable .npy file: header length 65535 runs past the end of the file (40 bytes)'],
      ['bad.csv', '1,2\n3,x\n', "2:3: 'x' is not a finite number"],
      ['ragged.csv', '1,2\n3\n', '2: row has 1 values, earlier rows have 2'],
    ];
    for (const [name, bytes, message] of cases) {
      writeFileSync(out(name), bytes);
      const r = await runDlp(['run', `${F}/mlp.onnx`, '--input', out(name), '--output', out('never.npy')]);
      expect(r.err).toBe(`error: ${out(name)}${message.match(/^\d/) ? ':' : ': '}${message}\n`);
    }
  });
});

describe('state_dict weights with an ONNX graph', () => {
  it('maps PyTorch names by name (sd2) and, renamed, by order and shape', async () => {
    const sd = readSafetensors(readFileSync(`${F}/mlp_bn.sd2.safetensors`));
    const renamed: Record<string, SafeTensor> = {};
    for (const [k, t] of sd) renamed[`net.layers.${k}`] = t;
    writeFileSync(out('renamed.safetensors'), writeSafetensors(renamed));
    for (const w of [`${F}/mlp_bn.sd2.safetensors`, out('renamed.safetensors')]) {
      const r = await runDlp(['run', `${F}/mlp_bn.onnx`, '--dtype', 'fp32', '--weights', w, '--input', `${F}/mlp_bn.x.npy`, '--output', out('sd.npy')]);
      expect(r.code, r.err).toBe(0);
      expect(maxNormRel(npy(out('sd.npy')).data, npy(`${F}/mlp_bn.y2.npy`).data)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('reports mapping problems precisely', async () => {
    const sd = readSafetensors(readFileSync(`${F}/mlp.sd.safetensors`));
    const write = (name: string, edit: (m: Map<string, SafeTensor>) => void): string => {
      const m = new Map(sd);
      edit(m);
      writeFileSync(out(name), writeSafetensors(Object.fromEntries(m)));
      return out(name);
    };
    const cases: [string, string][] = [
      [write('extra.safetensors', (m) => m.set('9.weight', { dtype: 'F32', shape: [2, 2], data: new Float32Array(4) })), 'unexpected tensor 9.weight [2, 2]: the model has no parameter of that name (its parameters: 0.weight, 0.bias, 3.weight, 3.bias, 5.weight, 5.bias)'],
      [write('missing.safetensors', (m) => m.delete('3.bias')), 'missing tensor 3.bias (expected shape [16], bias of layer fc2)'],
      [write('shape.safetensors', (m) => m.set('3.weight', { dtype: 'F32', shape: [32, 16], data: new Float32Array(512) })), 'tensor 3.weight has shape [32, 16]; initializer 3.weight of the model is [16, 32]'],
      [write('count.safetensors', (m) => { m.clear(); m.set('a.weight', sd.get('0.weight')!); m.set('a.bias', sd.get('0.bias')!); }), 'cannot map the state_dict by order: it has 1 Linear weight (a.weight), the model has 3 dense layers (fc1, fc2, fc3)'],
      [write('order.safetensors', (m) => { m.clear(); for (const [k, t] of sd) m.set(`x.${k === '0.weight' ? '3.weight' : k === '3.weight' ? '0.weight' : k}`, t); }), 'tensor x.0.weight [16, 32] maps by order to layer 1 (fc1, 20 → 32), which expects [32, 20]'],
    ];
    for (const [file, message] of cases) {
      const r = await runDlp(['compile', `${F}/mlp.onnx`, '--weights', file, '-o', out('never')]);
      expect(r.err).toBe(`error: ${file}: ${message}\n`);
    }
  });

  it('compile --explain lists the folds', async () => {
    const r = await runDlp(['compile', `${F}/mlp_bn.onnx`, '--explain', '-o', out('explain')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('fold: BatchNormalization node "/2/BatchNormalization" (epsilon 0.00001) folded into the outputs of layer fc1 (weights and bias scaled per unit)\n');
  });
});

describe('writeNpy', () => {
  it('writes a 64-byte aligned float32 header numpy reads (same layout as mlp.y.npy from numpy)', () => {
    const ref = readFileSync(`${F}/mlp.y.npy`);
    const t = parseNpy(ref);
    expect(Buffer.from(writeNpy(t))).toEqual(ref);
  });
});

describe('dlp infer --model m.onnx', () => {
  it('runs without --weights when the ONNX file holds its weights, and refuses a model without any', async () => {
    const m = join(tmp, 'q.onnx');
    const r0 = await runDlp(['export', '--model', 'examples/mnist.mlp', '-o', m]);
    expect(r0.err).toBe('error: give --weights FILE, or an .onnx --model that holds its weights\n');
    const w = join(tmp, 'q.safetensors');
    const { parseMlp } = await import('../../compiler/frontend/mlp.js');
    const { randomWeights } = await import('../../compiler/weights/random.js');
    const { weightsToTensors } = await import('../../compiler/weights/weights.js');
    const model = parseMlp(readFileSync('examples/mnist.mlp', 'utf8'));
    writeFileSync(w, writeSafetensors(weightsToTensors(model, randomWeights(model, 4))));
    expect((await runDlp(['export', '--model', 'examples/mnist.mlp', '--weights', w, '-o', m])).code).toBe(0);
    const r = await runDlp(['infer', '--model', m, '--images', '20', '--calibration', '20', '--json']);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { images: number }).images).toBe(20);
  });
});

describe('dlp run --input --json', () => {
  it('prints one JSON summary (rows, runs, cycles, calibration) and refuses --trace', async () => {
    const r = await runDlp(['run', `${F}/aligned.onnx`, '--batch', '8', '--input', `${F}/aligned.x.npy`, '--output', out('a.npy'), '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { rows: number; runs: number; batch: number; calibration: string; cycles: number; report: { cycles: number } };
    expect([j.rows, j.runs, j.batch, j.calibration]).toEqual([12, 2, 8, 'first 12 input rows']);
    expect(j.cycles).toBeGreaterThanOrEqual(j.report.cycles);
    const t = await runDlp(['run', `${F}/aligned.onnx`, '--input', `${F}/aligned.x.npy`, '--output', out('a.npy'), '--trace', out('t.json')]);
    expect(t.err).toBe('error: --input/--output cannot be combined with --trace or --sparsity-report\n');
  });
});

describe('tensor files', () => {
  it('CSV: a header line of names is skipped, CRLF accepted; a header-like line later is an error', () => {
    expect(parseCsv('x1,x2\r\n1,2\r\n3,4.5\r\n')).toEqual({ rows: 2, cols: 2, data: new Float32Array([1, 2, 3, 4.5]) });
    expect(() => parseCsv('1,2\nx,y\n', 'r.csv')).toThrow("r.csv:2:1: 'x' is not a finite number");
  });
  it('npy: float64 and uint8 files written by numpy read as float32 values', () => {
    expect(npy(`${F}/mlp.x64.npy`).data).toEqual(npy(`${F}/mlp.x.npy`).data);
    const u8 = npy(`${F}/mlp.xu8.npy`);
    expect([u8.rows, u8.cols, u8.data[0], u8.data[1], u8.data[7]]).toEqual([12, 20, 0, 37, (7 * 37) % 256]);
  });
});
