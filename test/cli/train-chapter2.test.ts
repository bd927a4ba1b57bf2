// `dlp train` options that follow the book: frozen parameters (--freeze) and input dropout
// (--input-dropout), plus their errors.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runDlp, useTempDir } from '../helpers/cli.js';
import { readFileSync } from 'node:fs';
import { readSafetensors } from '../../compiler/weights/safetensors.js';

const dir = useTempDir('dlp-train-ch2-');

describe('dlp train --freeze and --input-dropout', () => {
  it('--freeze *.bias keeps every bias at its initial 0 while the weights train', async () => {
    const out = join(dir, 'frozen.safetensors');
    const r = await runDlp(['train', '--subset', '600', '--epochs', '1', '--hidden', '16', '--freeze', '*.bias', '--input-dropout', '0.2', '--json', '-o', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { lossHistory: number[] };
    expect(s.lossHistory).toHaveLength(1);
    const tensors = readSafetensors(readFileSync(out));
    expect([...tensors.keys()].sort()).toEqual(['fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight']);
    for (const name of ['fc1.bias', 'fc2.bias']) expect(Array.from(tensors.get(name)!.data).every((v) => v === 0), name).toBe(true);
    expect(Array.from(tensors.get('fc2.weight')!.data).some((v) => v !== 0)).toBe(true);
  });

  it.each([
    [['--freeze', 'fc9.bias'], "freeze: 'fc9.bias' matches no parameter (the model has fc1.weight, fc1.bias, fc2.weight, fc2.bias)"],
    [['--freeze', 'fc1.bias,,x'], "--freeze must be comma-separated parameter names like fc1.bias or *.bias, got 'fc1.bias,,x'"],
    [['--input-dropout', '1'], "--input-dropout must be a number from 0 up to but not including 1, got '1'"],
    [['--prune', '0.5', '--prune-scope', 'row'], "--prune-scope must be one of global, layer, got 'row'"],
  ])('%j is refused with one line', async (args, message) => {
    const r = await runDlp(['train', '--subset', '200', '--epochs', '1', '--hidden', '16', ...args, '-o', join(dir, 'x.safetensors')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
