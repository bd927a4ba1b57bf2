// Fuzzing every input format (issue #15): ~300 mutated files per format in `npm test`, 10^4
// under DLP_DEEP=1 (`npm run test:deep`). Each case is classified; these are failures:
// a crash (any exception that is not dlpkit's DlpError, e.g. RangeError or "Maximum call
// stack size exceeded"), a hang (a case over the time limit), and a silent accept of a file
// known to be invalid (formats.ts). A DlpError (one clear line) or acceptance is fine.
// Replay a failure with its format and case seed: mutate(format.seed, seed, format.text).
import { describe, expect, it } from 'vitest';
import { DlpError } from '../../isa/errors.js';
import { createRng } from '../../isa/rng.js';
import { DEEP } from '../properties/report.js';
import { fuzzFormats, type FuzzFormat } from './formats.js';
import { mutate } from './mutate.js';
import { classify, type Outcome } from './classify.js';

const CASES = DEEP ? 10_000 : 300;
const PREFIXES = DEEP ? 1_000 : 50;
/** Fixed under CI, fresh otherwise (DLP_FUZZ_SEED replays a run). */
const RUN_SEED = Number(process.env.DLP_FUZZ_SEED ?? (process.env.CI ? 20261206 : Math.floor(Math.random() * 2 ** 31)));

describe(`fuzzing input formats (${CASES} cases each, run seed ${RUN_SEED})`, () => {
  for (const f of fuzzFormats()) {
    it(f.name, () => {
      const counts: Record<Outcome, number> = { accepted: 0, refused: 0, crash: 0, hang: 0 };
      const failures: string[] = [];
      // Per-format case seeds: the run seed mixed with an FNV-1a hash of the format's name.
      let h = 0x811c9dc5;
      for (const ch of f.name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
      const seeds = createRng((RUN_SEED ^ h) >>> 0);
      for (let k = 0; k < CASES; k++) {
        const seed = Math.floor(seeds() * 2 ** 32);
        const r = classify(f, mutate(f.seed, seed, f.text));
        counts[r.outcome]++;
        if ((r.outcome === 'crash' || r.outcome === 'hang') && failures.length < 5) failures.push(`${r.outcome} at case seed ${seed}: ${r.why}`);
      }
      let silent = 0;
      if (f.refusePrefixBelow !== undefined) {
        for (let k = 0; k < PREFIXES; k++) {
          const cut = Math.floor(seeds() * f.refusePrefixBelow);
          const r = classify(f, f.seed.subarray(0, cut));
          if (r.outcome !== 'refused') {
            silent++;
            if (failures.length < 5) failures.push(`${r.outcome === 'accepted' ? 'silent accept' : r.outcome} of the first ${cut} bytes${r.why ? `: ${r.why}` : ''}`);
          }
        }
      }
      if (DEEP) console.log(`fuzz ${f.name}: ${CASES} cases: ${counts.accepted} accepted, ${counts.refused} refused, ${counts.crash} crashes, ${counts.hang} hangs; ${f.refusePrefixBelow !== undefined ? PREFIXES : 0} known-invalid: ${silent} not refused`);
      expect(failures).toEqual([]);
      expect(counts.accepted + counts.refused).toBe(CASES);
    }, DEEP ? 3_600_000 : 120_000);
  }
});

describe('the fuzz classifier', () => {
  const fake = (read: () => unknown): FuzzFormat => ({ name: 'fake', text: true, seed: new Uint8Array(0), read });
  it('calls a non-DlpError exception a crash, a DlpError a refusal', () => {
    expect(classify(fake(() => { throw new RangeError('Invalid typed array length: -128'); }), new Uint8Array(0)))
      .toEqual({ outcome: 'crash', why: 'RangeError: Invalid typed array length: -128' });
    expect(classify(fake(() => { throw new DlpError('bad'); }), new Uint8Array(0))).toEqual({ outcome: 'refused' });
    expect(classify(fake(() => 1), new Uint8Array(0))).toEqual({ outcome: 'accepted' });
  });
  it('calls a case over the time limit a hang', () => {
    const slow = fake(() => { const t = performance.now(); while (performance.now() - t < 30); });
    expect(classify(slow, new Uint8Array(0), 10).outcome).toBe('hang');
  });
});
