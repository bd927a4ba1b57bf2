// `dlp mnist --quick`, `dlp train` and `dlp infer` end to end through main(), into a temp
// folder: the report files exist and parse, the page has its four charts, the JSON summaries
// carry their fields, and bad flags or values fail with one line and exit code 1.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDlp, useTempDir } from '../helpers/cli.js';
import { readBundle } from '../../compiler/bundle-files.js';
import { readWeightsFile, readWeightsMetadata } from '../../compiler/weights/weights-file.js';
import { QUICK_SUBSET } from '../../cli/commands/mnist.js';

const dir = useTempDir('dlp-cli-');


describe('dlp mnist --quick', () => {
  const out = join(dir, 'report');
  let summary: Record<string, unknown>;
  beforeAll(async () => {
    const r = await runDlp(['mnist', '--quick', '--json', '--out', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    summary = JSON.parse(r.out) as Record<string, unknown>;
  });

  it('prints one JSON object with the summary fields', () => {
    for (const k of ['hostAccuracy', 'dlpAccuracy', 'cpuForwardSeconds', 'dlpSeconds', 'speedup', 'cycles', 'dramReadBytes', 'dramWriteBytes', 'mfuUtilization', 'energyJoules']) {
      expect(typeof summary[k], k).toBe('number');
    }
    for (const k of ['hostAccuracy', 'dlpAccuracy', 'mfuUtilization']) {
      expect(summary[k] as number).toBeGreaterThanOrEqual(0);
      expect(summary[k] as number).toBeLessThanOrEqual(1);
    }
    expect(summary.speedup).toBeCloseTo((summary.cpuForwardSeconds as number) / (summary.dlpSeconds as number), 6);
    expect(summary.reportDir).toBe(out);
    // Host time: the median of 11 timed runs after warm-up; the range spans the samples; no grade for a subset.
    const samples = summary.cpuForwardSamples as number[];
    expect(samples).toHaveLength(11);
    const sorted = [...samples].sort((a, b) => a - b);
    expect(summary.cpuForwardSeconds).toBe(sorted[5]);
    expect(summary.speedupRange).toEqual([sorted[0]! / (summary.dlpSeconds as number), sorted[10]! / (summary.dlpSeconds as number)]);
    expect(summary.grade).toBeNull();
    expect(summary.hostWallSeconds as number).toBeGreaterThan(0);
    expect((summary.hostWallSamples as number[]).length).toBe(samples.length);
    const account = summary.cycleBreakdown as Record<string, number>;
    expect(Object.values(account).reduce((a, b) => a + b, 0)).toBe(summary.cycles);
    const layers = summary.layers as { name: string; macs: number }[];
    expect(layers.map((l) => l.name)).toEqual(['fc1', 'fc2', 'fc3']);
    expect(layers[0]!.macs).toBe(QUICK_SUBSET * 784 * 128);
    expect((summary.config as { testSamples: number }).testSamples).toBe(QUICK_SUBSET);
    // A quick run still learns something, and int8 stays close to the host model.
    expect(summary.hostAccuracy as number).toBeGreaterThan(0.5);
    expect(Math.abs((summary.dlpAccuracy as number) - (summary.hostAccuracy as number))).toBeLessThan(0.02);
  });

  it('writes the report folder and nothing else next to it', () => {
    expect(readdirSync(out).sort()).toEqual(['.dlpkit.json', 'bundle', 'model.safetensors', 'report.html', 'report.json', 'trace.json']);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Record<string, unknown>;
    expect(report.format).toBe('dlpkit-mnist-report');
    expect(report.cycles).toBe(summary.cycles);
    expect((report.simulator as { cycles: number }).cycles).toBe(summary.cycles);
    const trace = JSON.parse(readFileSync(join(out, 'trace.json'), 'utf8')) as { traceEvents: { ph: string }[] };
    expect(trace.traceEvents.filter((e) => e.ph === 'X').length).toBeGreaterThan(10);
    const bundle = readBundle(join(out, 'bundle'));
    expect(bundle.batch).toBe(QUICK_SUBSET);
    expect(bundle.dtype).toBe('int8');
    const weights = readWeightsFile(join(out, 'model.safetensors'), {
      name: 'm', inputSize: 784, softmax: true,
      layers: [128, 64, 10].map((units, i) => ({ kind: 'dense' as const, name: `fc${i + 1}`, units, activation: { kind: 'identity' as const } })),
    });
    expect(weights[0]!.w.length).toBe(784 * 128);
  });

  it('renders one self-contained page with its five charts', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src="http/);
    for (const id of ['chart-training', 'chart-layers', 'chart-roofline', 'chart-cycles', 'chart-timeline']) expect(html).toContain(`<svg id="${id}"`);
    const chart = (id: string): string => html.slice(html.indexOf(`<svg id="${id}"`), html.indexOf('</svg>', html.indexOf(`<svg id="${id}"`)));
    expect(chart('chart-training')).toContain('<polyline');
    expect((chart('chart-layers').match(/class="layer-bar"/g) ?? []).length).toBe(3);
    expect((chart('chart-roofline').match(/class="layer-point"/g) ?? []).length).toBe(4);
    expect(chart('chart-roofline')).toContain('class="roof"');
    expect((chart('chart-cycles').match(/class="cycle-bar"/g) ?? []).length).toBe(4); // the run and 3 layers
    expect(chart('chart-timeline')).toContain('load (DMA in)');
    expect((chart('chart-timeline').match(/<rect /g) ?? []).length).toBeGreaterThan(10);
  });
});

describe('dlp train and dlp infer', () => {
  const weights = join(dir, 'w.safetensors');
  it('trains and prints testAccuracy, epochSeconds and the loss history', async () => {
    const r = await runDlp(['train', '--subset', '800', '--epochs', '2', '--hidden', '32', '--json', '-o', weights]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { testAccuracy: number; epochSeconds: number[]; lossHistory: number[]; trainSamples: number };
    expect(s.testAccuracy).toBeGreaterThan(0.5);
    expect(s.epochSeconds).toHaveLength(2);
    expect(s.lossHistory).toHaveLength(2);
    expect(s.lossHistory[1]!).toBeLessThan(s.lossHistory[0]!);
    expect(s.trainSamples).toBe(800);
    expect(existsSync(weights)).toBe(true);
  });

  it('--course trains the lab network with the lab settings; explicit options still win', async () => {
    const r = await runDlp(['train', '--course', '--subset', '3000', '--json', '-o', join(dir, 'c.safetensors')]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { lossHistory: number[] };
    // The runtime's courseTrainOptions on raw pixels (test/runtime/mnist-training.test.ts).
    expect(s.lossHistory.map((l) => Number(l.toFixed(4)))).toEqual([2.1747, 1.7255]);
    const unit = await runDlp(['train', '--course', '--pixels', 'unit', '--epochs', '1', '--subset', '3000', '--json', '-o', join(dir, 'u.safetensors')]);
    expect((JSON.parse(unit.out) as { lossHistory: number[] }).lossHistory[0]).toBeCloseTo(Math.log(10), 2);
  });

  it('the weights file records the pixel scale, and dlp infer uses it unless told otherwise', async () => {
    const file = join(dir, 'c.safetensors');
    expect(readWeightsMetadata(file)).toMatchObject({ pixels: 'raw', producer: 'dlpkit' });
    const acc = async (extra: string[]) => {
      const r = await runDlp(['infer', '--weights', file, '--images', '300', '--json', ...extra]);
      expect(r.code).toBe(0);
      return (JSON.parse(r.out) as { accuracy: number }).accuracy;
    };
    const recorded = await acc([]);
    expect(await acc(['--pixels', 'raw'])).toBe(recorded);
    expect(await acc(['--pixels', 'unit'])).not.toBe(recorded);
  });

  it('reports k-fold cross-validation', async () => {
    const r = await runDlp(['train', '--subset', '300', '--epochs', '1', '--hidden', '16', '--kfold', '3', '--json', '-o', join(dir, 'k.safetensors')]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { crossValidation: { folds: unknown[] }; epochSeconds: number[] };
    expect(s.crossValidation.folds).toHaveLength(3);
    expect(s.epochSeconds).toHaveLength(4);
  });

  it('runs the trained weights on the simulator', async () => {
    const r = await runDlp(['infer', '--weights', weights, '--images', '200', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { accuracy: number; correct: number; images: number; report: { cycles: number; macs: number } };
    expect(s.images).toBe(200);
    expect(s.correct).toBe(Math.round(s.accuracy * 200));
    expect(s.accuracy).toBeGreaterThan(0.5);
    expect(s.report.macs).toBe(200 * (784 * 32 + 32 * 10));
    const text = await runDlp(['infer', '--weights', weights, '--images', '50']);
    expect(text.out).toMatch(/^mnist 784-32-10 on dlp-s \(int8\): accuracy \d+\.\d\d % \(\d+ of 50 test images\)/);
    expect(text.out).toContain('Simulation on dlp-s');
  });
});

describe('command-line errors', () => {
  const cases: [string[], string][] = [
    [['mnist', '--bogus'], "error: unknown option '--bogus'"],
    [['mnist', '--dtype', 'int4'], "error: --dtype must be int8, int16 or fp32, got 'int4'"],
    [['mnist', '--epochs', 'ten'], "error: --epochs must be a whole number of at least 1, got 'ten'"],
    [['mnist', '--hidden', '128,x'], "error: --hidden must be comma-separated whole numbers of at least 1, like 128,64, got '128,x'"],
    [['mnist', '--hw', 'nope'], "error: unknown hardware preset 'nope'"],
    [['train', '--optimizer', 'rmsprop'], "error: --optimizer must be one of sgd, momentum, adam, got 'rmsprop'"],
    [['train', '--model', 'svm'], "error: --model must be one of mlp, linear, perceptron, got 'svm'"],
    [['train', '--dropout', '1'], "error: --dropout must be a number from 0 up to but not including 1, got '1'"],
    [['train', '--kfold', '1'], "error: --kfold must be at least 2, got '1'"],
    [['infer'], 'error: give --weights FILE, or an .onnx --model that holds its weights'],
    [['infer', '--weights', 'missing.safetensors'], 'error: missing.safetensors: cannot read weights file: ENOENT'],
  ];
  it.each(cases)('%j', async (args, message) => {
    const r = await runDlp(args);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')[0]).toContain(message);
    expect(r.out).toBe('');
  });

  it.each(['mnist', 'train', 'infer'])('%s --help shows an example', async (name) => {
    const r = await runDlp([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Examples?:\n {2}\$ dlp /);
  });
});
