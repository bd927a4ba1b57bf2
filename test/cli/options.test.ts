// Option errors are one line with one wording per kind of value, the same in every command
// (cli/options.ts): counts, seeds (0 .. 2^32 - 1 everywhere), rates, fractions; unknown flags
// are reported as unknown flags (before a missing required option); `dlp infer --images`
// cannot ask for more than the MNIST test set has. Every case fails before any long work.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDlp, useTempDir } from '../helpers/cli.js';

const dir = useTempDir('dlp-opts-');
const TINY = join(dir, 'tiny.mlp');
writeFileSync(TINY, 'model tiny {\n  input 16\n  dense fc1: 8 relu\n  dense fc2: 4\n}\n');
const OUT = join(dir, 'out');

/** Each command's arguments up to the option under test (enough to reach option parsing). */
const COMMANDS: Record<string, string[]> = {
  mnist: ['mnist', '--out', OUT],
  train: ['train', '-o', join(dir, 'w.safetensors')],
  compile: ['compile', TINY, '-o', OUT],
  run: ['run', TINY],
  explore: ['explore', TINY, '--sweep', 'pes=8', '-o', OUT],
};

const COUNT = (flag: string, v: string) => `error: --${flag} must be a whole number of at least 1, got '${v}'`;
const SEED = (v: string) => `error: --seed must be a whole number from 0 to 4294967295, got '${v}'`;

async function firstErrorLine(args: string[]): Promise<{ code: number; line: string }> {
  const r = await runDlp(args);
  return { code: r.code, line: r.err.split('\n')[0]! };
}

describe('counts: one wording for 0, negative, fractional and non-numeric values', () => {
  const cases = Object.keys(COMMANDS).flatMap((cmd) => ['0', '-5', '1.5', 'abc', '', '1e3'].map((v) => [cmd, v] as const));
  it.each(cases)('%s --batch %j', async (cmd, v) => {
    expect(await firstErrorLine([...COMMANDS[cmd]!, '--batch', v])).toEqual({ code: 1, line: COUNT('batch', v) });
  });

  it.each([
    [['mnist', '--epochs', '0'], COUNT('epochs', '0')],
    [['train', '--epochs', '-1'], COUNT('epochs', '-1')],
    [['explore', TINY, '--sweep', 'pes=8', '--workers', '0'], COUNT('workers', '0')],
    [['train', '--kfold', 'x'], COUNT('kfold', 'x')],
    [['export', '--inputs', '0', '-o', 'x.onnx'], COUNT('inputs', '0')],
    [['infer', '--weights', 'none.safetensors', '--images', '0'], COUNT('images', '0')],
    [['infer', '--weights', 'none.safetensors', '--images', '20000'], "error: --images must be a whole number from 1 to 10000 (the MNIST test set has 10,000 images), got '20000'"],
    [['infer', '--weights', 'none.safetensors', '--calibration', '60001'], "error: --calibration must be a whole number from 1 to 60000 (the MNIST training set has 60,000 images), got '60001'"],
    [['mnist', '--hidden', '128,0'], "error: --hidden must be comma-separated whole numbers of at least 1, like 128,64, got '128,0'"],
  ])('%j', async (args, line) => {
    expect(await firstErrorLine(args)).toEqual({ code: 1, line });
  });
});

describe('seeds: 0 to 2^32 - 1 in every command', () => {
  const withScaleSim = { ...COMMANDS, scalesim: ['scalesim', '--config', 'c.cfg', '--topology', 't.csv'] };
  const cases = Object.keys(withScaleSim).flatMap((cmd) => ['-1', '4294967296', 'abc', '1.5', ''].map((v) => [cmd, v] as const));
  it.each(cases)('%s --seed %j is refused', async (cmd, v) => {
    expect(await firstErrorLine([...withScaleSim[cmd as keyof typeof withScaleSim]!, '--seed', v])).toEqual({ code: 1, line: SEED(v) });
  });

  // Accepted: the error that follows is about the next option, not the seed.
  it.each([
    [['mnist', '--seed', '0', '--dtype', 'int4'], "error: --dtype must be int8, int16 or fp32, got 'int4'"],
    [['mnist', '--seed', '4294967295', '--dtype', 'int4'], "error: --dtype must be int8, int16 or fp32, got 'int4'"],
    [['train', '--seed', '0', '--batch', '0'], COUNT('batch', '0')],
    [['explore', TINY, '--sweep', 'pes=8', '--seed', '0', '--workers', '0'], COUNT('workers', '0')],
  ])('%j accepts the seed', async (args, line) => {
    expect(await firstErrorLine(args)).toEqual({ code: 1, line });
  });

  it('`dlp run --seed 0` and `--seed 4294967295` run', async () => {
    for (const seed of ['0', '4294967295']) {
      const r = await runDlp(['run', TINY, '--seed', seed, '--json']);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
    }
  });
});

describe('rates, penalties and fractions', () => {
  it.each([
    ['lr', 'abc', 'a positive finite number'], ['lr', '0', 'a positive finite number'], ['lr', '-1', 'a positive finite number'],
    ['lr', 'Infinity', 'a positive finite number'], ['lr', '1e999', 'a positive finite number'], ['std', '0', 'a positive finite number'],
    ['l2', '-0.1', 'a finite number of at least 0'], ['l1', 'NaN', 'a finite number of at least 0'],
    ['dropout', '1', 'a number from 0 up to but not including 1'], ['validation', '-0.5', 'a number from 0 up to but not including 1'],
    ['prune', '2', 'a number from 0 up to but not including 1'], ['input-dropout', 'x', 'a number from 0 up to but not including 1'],
  ])('train --%s %s', async (flag, v, must) => {
    expect(await firstErrorLine([...COMMANDS.train!, `--${flag}`, v])).toEqual({ code: 1, line: `error: --${flag} must be ${must}, got '${v}'` });
  });

  it('the perceptron reads --lr with the same parser', async () => {
    expect(await firstErrorLine([...COMMANDS.train!, '--model', 'perceptron', '--lr', 'abc'])).toEqual({ code: 1, line: "error: --lr must be a positive finite number, got 'abc'" });
  });
});

describe('unknown flags and required options', () => {
  it.each([
    [['compile', TINY, '--bogus'], "error: unknown option '--bogus'"],
    [['compile', TINY, '-o', OUT, '--bogus'], "error: unknown option '--bogus'"],
    [['run', TINY, '--bacth', '2'], "error: unknown option '--bacth'"],
    [['infer', '--bogus'], "error: unknown option '--bogus'"],
    [['scalesim', '--bogus'], "error: unknown option '--bogus'"],
    [['compile', TINY], "error: required option '-o, --output <dir>' not specified"],
    [['export', '--weights', 'w.safetensors'], "error: required option '-o, --output <file.onnx>' not specified"],
    [['export', '--bogus'], "error: unknown option '--bogus'"],
    [['scalesim', '--topology', 't.csv'], "error: required option '--config <file.cfg>' not specified"],
    [['compile'], "error: missing required argument 'model'"],
  ])('%j', async (args, line) => {
    const r = await firstErrorLine(args);
    expect(r.line.startsWith(line), r.line).toBe(true);
    expect(r.code).toBe(1);
  });
});
