// Finding a lab's files and loading the student's code. Student TypeScript is loaded through
// tsx and imports dlpkit by its package name (`dlpkit/runtime`, `dlpkit/labkit`, …): the paths
// in student-tsconfig.json map those names to this installation's sources, so a lab copy works
// from any folder. What the student's code imports is watched: the checker's own files
// (any check.ts or questions.ts, solution folders) are refused, so a student hands in work,
// not a bridge to the answers.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
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

/** The tsconfig whose paths resolve `dlpkit/*` for student code (and for programs a checker runs). */
export function studentTsconfig(): string {
  return join(labsRoot(), 'lib', 'student-tsconfig.json');
}

/** Student TypeScript must be ESM: the nearest package.json must say "type": "module". */
export function checkModuleScope(dir: string): void {
  let d = resolve(dir);
  for (;;) {
    const pj = join(d, 'package.json');
    if (existsSync(pj)) {
      let type: unknown;
      try {
        type = (JSON.parse(readFileSync(pj, 'utf8')) as { type?: unknown }).type;
      } catch {
        throw new DlpError(`${pj} is not valid JSON`);
      }
      if (type === 'module') return;
      throw new DlpError(`${pj} does not say "type": "module": lab files are ES modules (dlp lab start writes a package.json that does)`);
    }
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  throw new DlpError(`${dir} is not inside a package with "type": "module": add a package.json containing {"type": "module"} (dlp lab start writes one)`);
}

/** Why importing `file` from a student's code is refused, or undefined when it is allowed: the
 * checker's files (any check.ts or questions.ts under labs/, and solution folders other than
 * the one being checked) hold the answers. */
export function refusedImport(file: string, dir: string): string | undefined {
  const rel = relative(labsRoot(), file);
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined; // dlpkit itself, node_modules, the student's own files
  const parts = rel.split(sep);
  const checker = ['check.ts', 'questions.ts'].includes(parts[parts.length - 1]!);
  const checkingThisSolution = resolve(dir).split(sep).includes('solution') && !relative(resolve(dir), file).startsWith('..');
  const solution = parts.includes('solution') && !checkingThisSolution;
  if (!checker && !solution) return undefined;
  return `labs/${parts.join('/')}, which belongs to the checker (hand-outs import dlpkit as 'dlpkit/runtime', 'dlpkit/labkit', … and their own files only)`;
}

/** For a program the checker runs as its own process (where imports cannot be watched): the
 * first import specifier of `file` that reaches the checker's files, as a sentence. Relative and
 * absolute specifiers are resolved (a `.js` ending read as the `.ts` source). */
export function refusedStaticImport(dir: string, file: string): string | undefined {
  const text = readFileSync(join(dir, file), 'utf8');
  const specs = [...text.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  for (const spec of specs) {
    if (!spec.startsWith('.') && !spec.startsWith('/') && !spec.startsWith('file:')) continue;
    const path = resolve(dir, spec.startsWith('file:') ? fileURLToPath(spec) : spec).replace(/\.js$/, '.ts');
    const why = refusedImport(path, dir);
    if (why) return `${file} imports ${why}`;
  }
  return undefined;
}

/** Imports a student's TypeScript module; a missing file, a compile error or an import of the
 * checker's files is a DlpError naming the file. */
export async function loadStudentModule<T>(dir: string, file: string, watch = true): Promise<T> {
  const path = join(dir, file);
  if (!existsSync(path)) throw new DlpError(`missing file ${path}`);
  checkModuleScope(dir);
  const imported: string[] = [];
  let mod: T;
  try {
    // The TypeScript loader is imported here, when a student file is loaded, not at start-up.
    const { tsImport } = await import('tsx/esm/api');
    mod = (await tsImport(pathToFileURL(path).href, {
      parentURL: import.meta.url,
      tsconfig: studentTsconfig(),
      onImport: (url) => imported.push(url),
    })) as T;
  } catch (e) {
    throw new DlpError(`cannot load ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (watch) {
    for (const url of imported) {
      if (!url.startsWith('file:')) continue;
      const why = refusedImport(fileURLToPath(url.split('?')[0]!), dir);
      if (why) throw new DlpError(`${file} imports ${why}`);
    }
  }
  return mod;
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
  const opts: CheckOptions = { log: (l) => process.stderr.write(`${l}\n`), instructor: process.env['DLP_INSTRUCTOR'] === '1' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dir') opts.dir = argv[++i];
    else if (a === '--solution') opts.solution = opts.instructor = true;
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

/** Numeric answers. Students hand them in as data, `answers.json`, which the checker validates.
 * The reference solution (instructor mode only) computes them with `solution/answers.ts`, so
 * they stay right when the compiler or the presets change. */
export async function readStudentAnswers(dir: string, opts: CheckOptions): Promise<{ file: string; answers: unknown }> {
  if (opts.solution && existsSync(join(dir, 'answers.ts'))) {
    const m = await loadStudentModule<{ answers?: unknown }>(dir, 'answers.ts', false);
    const a = typeof m.answers === 'function' ? await (m.answers as () => unknown)() : m.answers;
    return { file: 'answers.ts', answers: a };
  }
  if (!existsSync(join(dir, 'answers.json')) && existsSync(join(dir, 'answers.ts'))) {
    throw new DlpError(`missing ${join(dir, 'answers.json')}: answers are handed in as data — run your script and write the numbers into answers.json (answers.ts is not read)`);
  }
  return { file: 'answers.json', answers: readStudentJson(dir, 'answers.json') };
}
