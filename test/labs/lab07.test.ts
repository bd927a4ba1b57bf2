// Lab 07 extends dlpkit itself, so its starter is this repository (no gelu) and its solution is a
// patch: the starter must fail at step 1 with a pinned message, the patch must apply to a scratch
// copy and pass the checker there (run as a student would, `node --import tsx`), and a patch
// that no longer applies must say the lab needs refreshing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLab07 } from '../../labs/07-pwl-activation/check.js';
import { prepareSolutionCheckout, SOLUTION_PATCH } from '../../labs/07-pwl-activation/checkout.js';
import { labFolder } from '../../labs/lib/load.js';

const PATCH = join(labFolder('07-pwl-activation'), SOLUTION_PATCH);

describe('lab 07: extend the ISA end to end', () => {
  const cleanup: (() => void)[] = [];
  afterAll(() => cleanup.forEach((f) => f()));

  it('the starter (this repository) fails at step 1 and says what to do', async () => {
    const r = await checkLab07({ quick: true });
    expect(r.passed).toBe(false);
    expect(r.cases.map((c) => [c.name, c.passed])).toEqual([
      ["step 1 · ACT_FUNCS has 'gelu'", false],
      ['step 2 · isa/pwl.ts', false],
      ['steps 3–6', false],
    ]);
    expect(r.cases[0]).toMatchObject({
      detail: "ACT_FUNCS in isa/spec.ts has no 'gelu' — step 1: append 'gelu' to ACT_FUNCS; the assembler, encoder, decoder and docs all read that list",
      expected: "['identity', 'relu', 'leaky', 'prelu', 'elu', 'sigmoid', 'tanh', 'softmax', 'gelu']",
    });
    expect(r.cases[1]!.detail).toBe('isa/pwl.ts is missing — step 2: copy labs/07-pwl-activation/pwl.ts to isa/pwl.ts and fill in its TODOs');
  });

  it('solution/gelu.patch applies to a scratch copy, which passes the checker (node --import tsx)', () => {
    let scratch: ReturnType<typeof prepareSolutionCheckout>;
    try {
      scratch = prepareSolutionCheckout();
    } catch (e) {
      throw new Error(`lab 07 needs refreshing: ${(e as Error).message}`);
    }
    cleanup.push(scratch.remove);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'labs/07-pwl-activation/check.ts', '--root', scratch.root, '--quick'], {
      cwd: scratch.root, encoding: 'utf8', timeout: 90_000,
    });
    const failed = run.stdout.split('\n').filter((l) => /^\s+FAIL|^\s+(expected|got):/.test(l));
    expect(failed, run.stderr).toEqual([]);
    expect(run.stdout).toMatch(/^PASSED: all 14 cases/m);
    expect(run.status).toBe(0);
    // The repository itself is never patched.
    expect(readFileSync('isa/spec.ts', 'utf8')).not.toMatch(/'gelu'/);
  });

  it('a patch that no longer applies says the lab needs refreshing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab07-stale-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const stale = join(dir, 'gelu.patch');
    // As if someone had since renamed an ACT function: the spec hunk's context no longer matches.
    writeFileSync(stale, readFileSync(PATCH, 'utf8').replaceAll("'tanh', 'softmax'", "'tanh', 'softmax2'"));
    expect(() => prepareSolutionCheckout(undefined, stale)).toThrow(
      /gelu\.patch no longer applies to this dlpkit \(git: error: patch failed: isa\/spec\.ts:\d+.*\): the lab needs refreshing — redo the solution on a scratch copy and regenerate the patch \(README, "For teachers"\)$/,
    );
  });

  /** The reference patch with `edit` applied inside the diff of `file`, checked in a scratch copy. */
  async function checkMutant(file: string, edit: (hunk: string) => string): Promise<Awaited<ReturnType<typeof checkLab07>>> {
    const dir = mkdtempSync(join(tmpdir(), 'lab07-mutant-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const parts = readFileSync(PATCH, 'utf8').split(/(?=^diff --git )/m);
    const i = parts.findIndex((p) => p.startsWith(`diff --git a/${file} `));
    expect(i, `the solution patch no longer changes ${file}`).toBeGreaterThanOrEqual(0);
    const changed = edit(parts[i]!);
    expect(changed, `the edit of ${file} no longer matches the solution patch`).not.toBe(parts[i]);
    parts[i] = changed;
    writeFileSync(join(dir, 'gelu.patch'), parts.join(''));
    const scratch = prepareSolutionCheckout(undefined, join(dir, 'gelu.patch'));
    cleanup.push(scratch.remove);
    return checkLab07({ root: scratch.root, quick: true });
  }

  it('the solution defines gelu once: no compiler pass or simulator file needs a case of its own', () => {
    // The simulator's ACT, the headroom analysis and the calibration forward all call isa/act.ts
    // (docs/compiler.md, "Adding an activation"), so calibration cannot disagree with ACT.
    const files = [...readFileSync(PATCH, 'utf8').matchAll(/^diff --git a\/(\S+) /gm)].map((m) => m[1]!);
    expect(files).toContain('isa/act.ts');
    expect(files.filter((f) => f.startsWith('compiler/passes/') || f.startsWith('simulator/'))).toEqual([]);
  });

  it.runIf(process.env['DLP_DEEP'] === '1')('a headroom bound without gelu (falling into elu\'s) fails; a looser correct bound passes', async () => {
    // The student adds gelu to floatActivation but leaves floatActivationBounds (isa/act.ts,
    // the bound compiler/passes/headroom.ts takes) without a case: gelu falls into elu's. The
    // line is replaced, not removed, so the hunk's line counts still hold.
    const geluBound = "+  if (func === 'gelu') return [-0.17, Math.max(vh * (1 + 2 ** -20), 0)];";
    const dropped = await checkMutant('isa/act.ts', (h) => h.replace(geluBound, '+  // (no gelu case: it takes the elu bound below)'));
    expect(dropped.cases.filter((c) => !c.passed).map((c) => c.name)).toContain('step 5 · headroom covers gelu');
    const looser = await checkMutant('isa/act.ts', (h) => h.replace("return [-0.17,", "return [-0.2,"));
    expect(looser.cases.filter((c) => !c.passed)).toEqual([]);
  }, 400_000);
});
