// `dlp lab list`, `dlp lab start NN DIR`, `dlp lab check NN` and `dlp lab run FILE`: the labs,
// their hand-outs and their checkers. The last
// result of each lab is cached in labs/.status.json so `list` can show where a student stands.
import { Command, CommanderError } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DlpError } from '../../isa/errors.js';
import { writeOutputFolder } from '../output/folder.js';
import { writeFileAtomic } from '../../isa/files.js';
import { findLab, formatResult, labs, labsRoot, runStudentProgram, checkHandoutTarget, fillHandout, type CheckResult } from '../../labs/index.js';

interface LabStatus {
  passed: boolean;
  mode: 'full' | 'quick';
  /** Folder checked, relative to the lab folder ('.' = the starter files, 'solution'). */
  dir: string;
  failed: number;
  cases: number;
  score?: string;
  at: string;
}
type StatusFile = Record<string, LabStatus>;

function statusPath(): string {
  return join(labsRoot(), '.status.json');
}

/** Reads the cache; a missing or damaged file is just "no status yet". */
export function readLabStatus(): StatusFile {
  const p = statusPath();
  if (!existsSync(p)) return {};
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as StatusFile;
  } catch {
    return {};
  }
}

function recordLabStatus(r: CheckResult, folder: string): void {
  const all = readLabStatus();
  all[r.lab] = {
    passed: r.passed,
    mode: r.mode,
    dir: relative(join(labsRoot(), folder), r.dir) || '.',
    failed: r.cases.filter((c) => !c.passed).length,
    cases: r.cases.length,
    ...(r.score ? { score: `${r.score.points}/${r.score.of}` } : {}),
    at: new Date().toISOString(),
  };
  try {
    writeFileAtomic(statusPath(), `${JSON.stringify(all, null, 2)}\n`);
  } catch {
    // a read-only install still checks; it just cannot remember the result
  }
}

/** True when `dir` is a hand-out of lab `id` (its package.json is the one `dlp lab start` writes). */
function isHandoutOf(dir: string, id: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === `dlpkit-lab-${id}`;
  } catch {
    return false;
  }
}

function describeStatus(s: LabStatus | undefined): string {
  if (!s) return 'not checked';
  const cases = (n: number): string => `${n} case${n === 1 ? '' : 's'}`;
  const what = s.passed ? `passed (${cases(s.cases)})` : `FAILED: ${s.cases - s.failed} of ${cases(s.cases)} passed, ${s.failed} failed`;
  const where = s.dir === '.' ? '' : ` [${s.dir}]`;
  return `${what}${s.mode === 'quick' ? ' (quick)' : ''}${s.score ? `, ${s.score}` : ''}${where}, ${s.at.slice(0, 16).replace('T', ' ')}`;
}

export function register(program: Command): void {
  const lab = program.command('lab').description('architecture lab exercises with automatic checkers');

  lab.command('list')
    .description('list the labs with their expected time and last check result')
    .option('--json', 'print as JSON')
    .action((o: { json?: boolean }) => {
      const status = readLabStatus();
      if (o.json) {
        const rows = labs.map((l) => ({ id: l.id, folder: l.folder, title: l.title, minutes: l.minutes, status: status[l.id] ?? null }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const titleWidth = Math.max(...labs.map((l) => l.title.length));
      const lines = [`${'id'.padEnd(4)}${'title'.padEnd(titleWidth + 2)}${'time'.padEnd(9)}status`];
      for (const l of labs) {
        lines.push(`${l.id.padEnd(4)}${l.title.padEnd(titleWidth + 2)}${`${l.minutes} min`.padEnd(9)}${describeStatus(status[l.id])}`);
      }
      lines.push('', `Labs live in ${labsRoot()}/NN-name/ (README.md first). Check one with: dlp lab check NN`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  lab.command('start')
    .description('write the hand-out of lab NN (README and starter files, no solution) to a new or empty folder DIR')
    .argument('<lab>', 'lab number (e.g. 3 or 03) or folder name')
    .argument('<dir>', 'folder to create (refused when it exists and is not empty)')
    .action((key: string, dir: string) => {
      const l = findLab(key);
      if (!l) throw new DlpError(`unknown lab '${key}' (labs: ${labs.map((x) => x.id).join(', ')})`);
      checkHandoutTarget(dir);
      let files: string[] = [];
      writeOutputFolder(dir, { flag: 'DIR', kind: 'lab-handout' }, (tmp) => {
        files = fillHandout(l, tmp);
      });
      process.stdout.write(`lab ${l.id} — ${l.title}: wrote ${files.join(', ')} to ${dir}\nRead README.md first; check your work with: dlp lab check ${l.id} --dir ${dir}\n`);
    });

  lab.command('run')
    .description('run a lab script (e.g. sweep.ts) with node + tsx, resolving dlpkit/* from any folder')
    .argument('<file>', 'the TypeScript file to run')
    .argument('[args...]', 'arguments for the script')
    .action(async (file: string, args: string[]) => {
      const r = await runStudentProgram(file, { timeoutSeconds: 24 * 3600, args, log: (line) => process.stdout.write(`${line.slice(4)}\n`) });
      if (r.code !== 0) throw new CommanderError(r.code ?? 1, 'dlp.lab.run', `${file} exited with ${r.code}`);
    });

  lab.command('check')
    .description('run the checker of lab NN on your files (exit code 0 = pass, 1 = fail)')
    .argument('<lab>', 'lab number (e.g. 3 or 03) or folder name')
    .option('--solution', 'check the reference solution instead of your files')
    .option('--dir <dir>', 'check the files in DIR (default: the current folder when it is a hand-out of this lab, else the lab folder)')
    .option('--root <dir>', 'labs that extend dlpkit itself (07): the checkout to check (default: the current directory)')
    .option('--quick', 'quick mode: data subsets and lowered thresholds, labelled as such')
    .option('--reveal', 'teachers (DLP_INSTRUCTOR=1 or --solution): show expected values of numeric answers')
    .option('--json', 'print the structured result as JSON')
    .action(async (key: string, o: { solution?: boolean; dir?: string; root?: string; quick?: boolean; reveal?: boolean; json?: boolean }) => {
      const l = findLab(key);
      if (!l) throw new DlpError(`unknown lab '${key}' (labs: ${labs.map((x) => x.id).join(', ')})`);
      if (o.solution && o.dir) throw new DlpError('give either --solution or --dir, not both');
      // Inside a hand-out of this lab (`dlp lab start`), the default is that folder.
      const dir = o.dir ?? (!o.solution && isHandoutOf(process.cwd(), l.id) ? process.cwd() : undefined);
      const r = await l.check({
        ...(dir !== undefined ? { dir } : {}),
        ...(o.root !== undefined ? { root: o.root } : {}),
        solution: !!o.solution,
        quick: !!o.quick,
        reveal: !!o.reveal,
        instructor: !!o.solution || process.env['DLP_INSTRUCTOR'] === '1',
        log: (line) => process.stderr.write(`${line}\n`),
      });
      recordLabStatus(r, l.folder);
      process.stdout.write(o.json ? `${JSON.stringify(r, null, 2)}\n` : `${formatResult(r)}\n`);
      if (!r.passed) throw new CommanderError(1, 'dlp.lab.failed', `lab ${r.lab} failed`);
    });
}
