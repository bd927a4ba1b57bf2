// Finding a lab's files and loading the student's code. Student TypeScript is loaded through
// tsx so it can import dlpkit sources by relative path (`../../runtime/index.js`) whether the
// checker runs from the sources (vitest, `node --import tsx`) or from the built CLI in dist/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DlpError } from '../../isa/errors.js';
import type { CheckOptions } from './result.js';

/** The source `labs/` folder (walks up from this file, so it also works from dist/labs/lib). */
export function labsRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, 'labs', 'index.ts'))) return join(d, 'labs');
    if (existsSync(join(d, 'index.ts')) && existsSync(join(d, 'lib', 'result.ts'))) return d;
    d = dirname(d);
  }
  throw new DlpError('cannot find the labs/ source folder (are the lab sources installed?)');
}

/** Folder of lab `name` (e.g. '01-forward-backward'). */
export function labFolder(name: string): string {
  return join(labsRoot(), name);
}

/** The folder whose files a checker reads: --dir, --solution, or the lab folder itself. */
export function studentDir(labName: string, opts: CheckOptions): string {
  if (opts.dir !== undefined) {
    const d = isAbsolute(opts.dir) ? opts.dir : existsSync(resolve(opts.dir)) ? resolve(opts.dir) : join(labFolder(labName), opts.dir);
    if (!existsSync(d)) throw new DlpError(`lab folder '${opts.dir}' does not exist`);
    return d;
  }
  return opts.solution ? join(labFolder(labName), 'solution') : labFolder(labName);
}

/** Imports a student's TypeScript module; a missing file or a compile error is a DlpError. */
export async function loadStudentModule<T>(dir: string, file: string): Promise<T> {
  const path = join(dir, file);
  if (!existsSync(path)) throw new DlpError(`missing file ${path}`);
  try {
    // The TypeScript loader is imported here, when a student file is loaded, not at start-up.
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(pathToFileURL(path).href, import.meta.url)) as T;
  } catch (e) {
    throw new DlpError(`cannot load ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Reads a student's JSON file; errors name the file. */
export function readStudentJson(dir: string, file: string): unknown {
  const path = join(dir, file);
  if (!existsSync(path)) throw new DlpError(`missing file ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new DlpError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Parses the flags shared by every checker's command line (`--dir D`, `--root D`, `--solution`, `--quick`, `--reveal`). */
export function parseCheckArgs(argv: string[]): CheckOptions {
  const opts: CheckOptions = { log: (l) => process.stderr.write(`${l}\n`) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dir') opts.dir = argv[++i];
    else if (a === '--solution') opts.solution = true;
    else if (a === '--root') opts.root = argv[++i];
    else if (a === '--quick') opts.quick = true;
    else if (a === '--reveal') opts.reveal = true;
    else throw new DlpError(`unknown option '${a}' (use --dir DIR, --root DIR, --solution, --quick, --reveal)`);
  }
  return opts;
}

/** True when the module at `url` is the process entry point (`node --import tsx labs/NN/check.ts`). */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(url);
}

/** Numeric answers: from `answers.ts` (exporting `answers`, an object or an async function
 * returning one — computed by the student's own script) when present, else `answers.json`. */
export async function readStudentAnswers(dir: string): Promise<{ file: string; answers: unknown }> {
  if (existsSync(join(dir, 'answers.ts'))) {
    const m = await loadStudentModule<{ answers?: unknown }>(dir, 'answers.ts');
    const a = typeof m.answers === 'function' ? await (m.answers as () => unknown)() : m.answers;
    return { file: 'answers.ts', answers: a };
  }
  return { file: 'answers.json', answers: readStudentJson(dir, 'answers.json') };
}
