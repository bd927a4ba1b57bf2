// Lab 05 checker: compares answers.json with the values the simulator and the hardware
// config give (questions.ts computes each), within each question's tolerance. Students see
// the direction and size of their error; `--reveal` (teachers) shows the expected value.
import { labInfo } from '../lib/catalog.js';
import { readStudentAnswers, studentDir } from '../lib/load.js';
import { runCheckerMain } from '../lib/main.js';
import { canReveal, CaseList, finishCheck, REVEAL_REFUSED, fmt, type CheckOptions, type CheckResult } from '../lib/result.js';
import { memoMeasure, QUESTIONS } from './questions.js';

const INFO = labInfo('05');

export async function checkLab05(opts: CheckOptions = {}): Promise<CheckResult> {
  const started = performance.now();
  const dir = studentDir(INFO.folder, opts);
  const list = new CaseList();
  let answers: Record<string, unknown> | undefined;
  await list.run('answers', async () => {
    const { file, answers: raw } = await readStudentAnswers(dir, opts);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { name: '', passed: false, detail: `${file} must give an object {"q1": number, …}` };
    answers = raw as Record<string, unknown>;
    const unknown = Object.keys(answers).filter((k) => !QUESTIONS.some((q) => q.id === k));
    if (unknown.length) return { name: '', passed: false, detail: `unknown keys ${unknown.join(', ')} (questions are ${QUESTIONS.map((q) => q.id).join(', ')})` };
    return { name: '', passed: true, detail: `${Object.keys(answers).length} answers from ${file}` };
  });
  if (!answers) return finishCheck(INFO, dir, opts, list, started);
  const given = answers;
  const measure = memoMeasure();
  for (const q of QUESTIONS) {
    await list.run(`${q.id}: ${q.text}`, () => {
      const want = q.answer(measure);
      const got = given[q.id];
      const tol = q.tolerance === 0 ? 'exact' : `±${fmt(q.tolerance * 100, 3)} %`;
      const expected = canReveal(opts) ? `${fmt(want, 6)} (${tol})` : `hidden (${tol})`;
      if (typeof got !== 'number' || !Number.isFinite(got)) return { name: '', passed: false, detail: 'no numeric answer yet', expected, got: JSON.stringify(got) };
      const rel = want === 0 ? Math.abs(got) : (got - want) / Math.abs(want);
      const ok = q.tolerance === 0 ? got === want : Math.abs(rel) <= q.tolerance;
      const off = q.tolerance === 0 && Number.isInteger(want)
        ? (got < want ? 'too small' : 'too large')
        : `${rel < 0 ? 'too small' : 'too large'} by ${fmt(Math.abs(rel) * 100, 3)} %`;
      return { name: '', passed: ok, detail: ok ? `${fmt(got, 6)} is right` : `${fmt(got, 6)} is ${off}`, expected, got: fmt(got, 6) };
    });
  }
  if (opts.reveal && !canReveal(opts)) list.notes.push(REVEAL_REFUSED);
  return finishCheck(INFO, dir, opts, list, started);
}

await runCheckerMain(import.meta.url, checkLab05);
