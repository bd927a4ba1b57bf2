// compiler/cache-folder.ts entryName: the schedule cache's file names. Any function of the key
// is correct (an entry stores its whole key and a reader compares it); what matters is that
// names fit the folder's entry pattern and that distinct keys rarely share one.
import { describe, expect, it } from 'vitest';
import { entryName } from '../../compiler/cache-folder.js';

describe('entryName', () => {
  it('is 32 hex digits, the same for the same key', () => {
    for (const key of ['', 'a', 'é∑🎉', 'x'.repeat(10_000)]) {
      expect(entryName(key)).toMatch(/^[0-9a-f]{32}$/);
      expect(entryName(key)).toBe(entryName(`${key}`));
    }
  });

  it('gives 40,000 keys that differ in one character, their order or their length 40,000 names', () => {
    const base = JSON.stringify({ layers: [[784, 128], [128, 10]], hw: 'dlp-s', batch: 256, dtype: 'int8' });
    const keys = new Set<string>();
    for (let i = 0; i < base.length; i++) {
      for (const c of '0123456789abcdefghijklmnopqrstuvwxyz{}[]":,') keys.add(base.slice(0, i) + c + base.slice(i + 1));
    }
    for (let n = 0; keys.size < 40_000; n++) keys.add(`${base}${n}`);
    for (let i = 0; i + 1 < base.length; i++) keys.add(base.slice(0, i) + base[i + 1] + base[i] + base.slice(i + 2));
    const names = new Set([...keys].map(entryName));
    expect(names.size).toBe(keys.size);
  });

  it('changes every lane when one character changes (no lane ignores the key)', () => {
    const a = entryName('gemm 256x256x256 os 8x8');
    const b = entryName('gemm 256x256x257 os 8x8');
    for (let lane = 0; lane < 4; lane++) expect(a.slice(8 * lane, 8 * lane + 8)).not.toBe(b.slice(8 * lane, 8 * lane + 8));
  });
});
