// Output folders dlpkit owns (report folders, compile bundles). Every folder dlpkit writes
// carries a manifest, `.dlpkit.json` ({tool, kind, version, files}), and dlpkit only ever
// replaces or deletes what such a manifest lists (docs/output.md):
//  - the new folder is filled in a temp sibling `.NAME.tmp-PID-XXXXXX`, then renamed into place;
//  - a missing or empty target is simply renamed onto; an owned target (manifest, nothing else
//    in it) is renamed aside, the new folder renamed in, and the old one's listed files deleted;
//  - a regular file, or a non-empty folder that holds anything dlpkit did not write, is refused
//    with one line naming --force; --force writes into such a folder file by file, replacing
//    only files its manifest lists and refusing to overwrite any other file.
// Two writers racing for one path both finish; the later rename wins with a whole result.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, posix, sep } from 'node:path';
import { DlpError } from '../../isa/errors.js';
import { dlpkitVersion } from '../version.js';
import { duringWrite } from './guard.js';
import { checkParent, lstatOrUndefined, realOrAbsolute } from './paths.js';

export const MANIFEST_FILE = '.dlpkit.json';

export interface Manifest {
  tool: 'dlpkit';
  kind: string;
  version: string;
  /** Every file of the folder dlpkit wrote, as relative POSIX paths (the manifest itself excluded). */
  files: string[];
}

export interface OutputFolderOptions {
  /** The option that named the folder, for messages: '--out', '-o'. */
  flag: string;
  /** What the folder holds ('mnist-report', 'bundle', ...), recorded in the manifest. */
  kind: string;
  /** Write into a non-empty folder dlpkit does not own, replacing only dlpkit's own files. */
  force?: boolean;
}

type Target =
  | { state: 'missing' }
  | { state: 'not-folder' }
  | { state: 'empty' }
  | { state: 'owned'; files: string[] }
  /** Non-empty and holding files no manifest lists; `owned` are those a manifest does list. */
  | { state: 'foreign'; owned: string[]; others: string[] };

/** A relative path that stays inside its folder ('a/b.json', not '../x', '/x' or 'a/./b'). */
function isSafeRelative(p: unknown): p is string {
  if (typeof p !== 'string' || p === '' || p.includes('\0') || p.includes('\\') || p.startsWith('/')) return false;
  if (posix.normalize(p) !== p || p === MANIFEST_FILE) return false;
  return p.split('/').every((s) => s !== '..' && s !== '.' && s !== '');
}

/** The manifest of `dir`, or undefined when it has none or one dlpkit cannot trust. */
export function readManifest(dir: string): Manifest | undefined {
  const st = lstatOrUndefined(join(dir, MANIFEST_FILE));
  if (!st?.isFile()) return undefined;
  try {
    const m = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Partial<Manifest>;
    if (m.tool !== 'dlpkit' || typeof m.kind !== 'string' || !Array.isArray(m.files) || !m.files.every(isSafeRelative)) return undefined;
    return { tool: 'dlpkit', kind: m.kind, version: String(m.version), files: m.files };
  } catch {
    return undefined;
  }
}

/** Files (and symlinks) and empty folders under `root`, as relative POSIX paths; symlinks are not followed. */
function walk(root: string, rel = ''): { files: string[]; emptyDirs: string[] } {
  const files: string[] = [];
  const emptyDirs: string[] = [];
  const names = readdirSync(join(root, rel));
  if (names.length === 0 && rel !== '') emptyDirs.push(rel);
  for (const name of names) {
    const r = rel ? `${rel}/${name}` : name;
    if (lstatOrUndefined(join(root, r))?.isDirectory()) {
      const sub = walk(root, r);
      files.push(...sub.files);
      emptyDirs.push(...sub.emptyDirs);
    } else {
      files.push(r);
    }
  }
  return { files, emptyDirs };
}

function inspect(abs: string): Target {
  const st = lstatOrUndefined(abs);
  if (!st) return { state: 'missing' };
  if (!st.isDirectory()) return { state: 'not-folder' };
  const names = readdirSync(abs);
  if (names.length === 0) return { state: 'empty' };
  const manifest = readManifest(abs);
  // No manifest: foreign, whatever it holds (no walk through a home folder to say so).
  if (!manifest) return { state: 'foreign', owned: [], others: names.sort() };
  const { files, emptyDirs } = walk(abs);
  const listed = new Set(manifest.files);
  const others = [...files.filter((f) => f !== MANIFEST_FILE && !listed.has(f)), ...emptyDirs];
  const owned = files.filter((f) => listed.has(f));
  if (others.length === 0) return { state: 'owned', files: owned };
  return { state: 'foreign', owned, others };
}

/** The one-line refusals (`shown`: the path as the user gave it); `undefined` when the folder can be written. */
function refusal(shown: string, t: Target, o: OutputFolderOptions): string | undefined {
  if (t.state === 'not-folder') {
    return `${o.flag} ${shown}: is a file; dlpkit writes a folder there and never replaces a file with one (not even with --force)`;
  }
  if (t.state === 'foreign' && !o.force) {
    const list = t.others.slice(0, 3).join(', ') + (t.others.length > 3 ? `, ... (${t.others.length} in all)` : '');
    return `${o.flag} ${shown}: the folder holds files dlpkit did not write (${list}); choose a new or empty folder, ` +
      `or add --force to write dlpkit's files into it (nothing else there is replaced or deleted)`;
  }
  return undefined;
}

/** The folder path, absolute; a symlink to a folder means the folder it points to. */
const targetPath = realOrAbsolute;

/** Fails now (before any long work) if `path` could not be written as an output folder. */
export function checkOutputFolder(path: string, o: OutputFolderOptions): void {
  const abs = targetPath(path);
  const why = refusal(path, inspect(abs), o);
  if (why) throw new DlpError(why);
  if (inspect(abs).state === 'missing') checkParent(abs, o.flag);
}

/** Eight hex digits against another writer's temp name. Math.random is enough: a temp folder
 * is made by mkdir and an old one renamed aside, neither of which takes over a folder with
 * anything in it (and loading node:crypto would cost every run about 5 ms of CPU, issue #23). */
function randomSuffix(): string {
  return Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
}

function isRace(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'EEXIST' || code === 'ENOTEMPTY';
}

/** Removes `rel` under `root` if it is a file or symlink reached through real folders only. */
function unlinkInside(root: string, rel: string): void {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    if (!lstatOrUndefined(join(root, ...parts.slice(0, i)))?.isDirectory()) return;
  }
  const st = lstatOrUndefined(join(root, rel));
  if (st && !st.isDirectory()) unlinkSync(join(root, rel));
}

/** Removes the now-empty parent folders of `files` (deepest first), never `root` itself. */
function pruneEmptyParents(root: string, files: string[]): void {
  const dirs = new Set<string>();
  for (const f of files) for (let d = posix.dirname(f); d !== '.'; d = posix.dirname(d)) dirs.add(d);
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(join(root, d));
    } catch {
      // not empty (or not there): kept
    }
  }
}

/** Deletes an old owned folder set aside: its listed files, then whatever became empty. */
function discardOld(aside: string, files: string[], newDir: string): void {
  for (const f of [...files, MANIFEST_FILE]) unlinkInside(aside, f);
  pruneEmptyParents(aside, files);
  const rest = readdirSync(aside);
  // Anything else (a file that appeared while we worked) goes back into the folder.
  for (const name of rest) {
    if (!lstatOrUndefined(join(newDir, name))) renameSync(join(aside, name), join(newDir, name));
  }
  try {
    rmdirSync(aside);
  } catch {
    process.stderr.write(`warning: kept ${aside}: it holds files dlpkit did not write\n`);
  }
}

/** --force or a folder that cannot be renamed onto: moves the new files in one by one. */
function installInPlace(tmp: string, abs: string, shown: string, owned: string[], o: OutputFolderOptions): void {
  const fresh = walk(tmp).files.filter((f) => f !== MANIFEST_FILE);
  const ownedSet = new Set(owned);
  for (const f of fresh) {
    const parts = f.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const rel = parts.slice(0, i).join('/');
      const st = lstatOrUndefined(join(abs, rel));
      if (!st) break;
      const last = i === parts.length;
      if (!last && st.isDirectory()) continue;
      if (!ownedSet.has(rel) || st.isDirectory()) {
        throw new DlpError(`${o.flag} ${shown}: '${rel}' is in the way and was not written by dlpkit; not replacing it (move it away first)`);
      }
      break;
    }
  }
  const freshSet = new Set(fresh);
  // Old dlpkit files the new output does not have (and owned files where a folder must go).
  for (const f of owned) if (!freshSet.has(f)) unlinkInside(abs, f);
  pruneEmptyParents(abs, owned.filter((f) => !freshSet.has(f)));
  for (const f of fresh) {
    mkdirSync(dirname(join(abs, f)), { recursive: true });
    renameSync(join(tmp, f), join(abs, f));
  }
  renameSync(join(tmp, MANIFEST_FILE), join(abs, MANIFEST_FILE));
  rmSync(tmp, { recursive: true, force: true });
}

/** True when `abs` is the current folder or holds it: renaming it would strand the shell there. */
function holdsCwd(abs: string): boolean {
  const cwd = realOrAbsolute(process.cwd());
  return cwd === abs || cwd.startsWith(`${abs}${sep}`);
}

/** Puts the filled temp folder at `abs`; retries when another writer changes `abs` meanwhile. */
function install(tmp: string, abs: string, shown: string, o: OutputFolderOptions): void {
  for (let attempt = 0; attempt < 20; attempt++) {
    const t = inspect(abs);
    const why = refusal(shown, t, o);
    if (why) throw new DlpError(why);
    if (holdsCwd(abs) && t.state !== 'missing') {
      return installInPlace(tmp, abs, shown, t.state === 'owned' ? t.files : t.state === 'foreign' ? t.owned : [], o);
    }
    if (t.state === 'missing' || t.state === 'empty') {
      try {
        renameSync(tmp, abs);
        return;
      } catch (e) {
        if (isRace(e)) continue;
        // An empty folder that cannot be renamed onto (the current folder, a mount point).
        if (t.state === 'empty') return installInPlace(tmp, abs, shown, [], o);
        throw e;
      }
    }
    if (t.state === 'foreign') return installInPlace(tmp, abs, shown, t.owned, o);
    if (t.state === 'owned') {
      const aside = join(dirname(abs), `.${basename(abs)}.old-${process.pid}-${randomSuffix()}`);
      try {
        renameSync(abs, aside);
      } catch (e) {
        if (isRace(e)) continue;
        // Cannot be moved (the current folder, a mount point): replace its files in place.
        return installInPlace(tmp, abs, shown, t.files, o);
      }
      try {
        renameSync(tmp, abs);
      } catch (e) {
        if (!isRace(e)) {
          renameSync(aside, abs);
          throw e;
        }
        // Another writer put its whole result there first: it stands, ours is dropped.
        rmSync(tmp, { recursive: true, force: true });
      }
      discardOld(aside, t.files, abs);
      return;
    }
  }
  throw new DlpError(`${o.flag} ${shown}: other processes keep replacing this folder; try again`);
}

/**
 * Writes the output folder `path` as a whole: `fill(tmp)` writes every file into a fresh temp
 * folder, dlpkit adds its manifest, and the folder is put in place (see the file comment).
 * Returns the absolute path written. On any error nothing at `path` has changed.
 */
export function writeOutputFolder(path: string, o: OutputFolderOptions, fill: (tmp: string) => void): string {
  const abs = targetPath(path);
  const early = refusal(path, inspect(abs), o);
  if (early) throw new DlpError(early);
  checkParent(abs, o.flag);
  return duringWrite(() => {
    mkdirSync(dirname(abs), { recursive: true });
    // mkdir (not mkdtemp, which makes it 0700) so the folder gets the usual permissions.
    const tmp = join(dirname(abs), `.${basename(abs)}.tmp-${process.pid}-${randomSuffix()}`);
    mkdirSync(tmp);
    try {
      fill(tmp);
      const manifest: Manifest = { tool: 'dlpkit', kind: o.kind, version: dlpkitVersion(), files: walk(tmp).files.sort() };
      writeFileSync(join(tmp, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
      install(tmp, abs, path, o);
      return abs;
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
  });
}
