// dlpkit's folders under the user's cache (Node only): the schedule cache (schedule-cache-dir.ts)
// and the CLI's code cache (cli/code-cache.ts). Each keeps one subfolder per build of the code
// whose results it holds ("engine-<id>", "bundle-<id>"), marked as dlpkit's; when a build first
// writes, the other builds' subfolders are removed, but only if they carry the marker and hold
// nothing but names dlpkit gives. Files are written to a temp name and renamed into place, so a
// reader never sees half a file.
import { mkdirSync, readdirSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A cache's root folder from its environment variable: none when it is `off`, the folder it
 * names, else $XDG_CACHE_HOME/dlpkit/`name` or ~/.cache/dlpkit/`name`. */
export function cacheRootFromEnv(env: NodeJS.ProcessEnv, variable: string, name: string): string | undefined {
  const setting = env[variable];
  if (setting === 'off') return undefined;
  return setting || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dlpkit', name);
}

/** One build's subfolder of a cache root and the names dlpkit may keep in it. */
export interface CacheFolderKind {
  /** Subfolder prefix: `<prefix>-<16 hex digits>`. */
  prefix: string;
  /** Empty file in every subfolder dlpkit made. */
  marker: string;
  /** An entry's name (temp files are recognised separately). */
  entry: RegExp;
}

const ID = /^[0-9a-f]{16}$/;
/** Temp names: `.<entry>.<pid>.<random hex>.tmp`. */
const TEMP = /^\.(.+)\.\d+\.[0-9a-f]+\.tmp$/;

function isTemp(kind: CacheFolderKind, name: string): boolean {
  const m = TEMP.exec(name);
  return m !== null && kind.entry.test(m[1]!);
}

/** The subfolder of `root` for build `id`; `claim()` creates it (marked) and removes other builds'. */
export function cacheFolder(root: string, kind: CacheFolderKind, id: string): { dir: string; claim(): void } {
  if (!ID.test(id)) throw new Error(`internal: build id '${id}' is not 16 hex digits`);
  const name = `${kind.prefix}-${id}`;
  const dir = join(root, name);
  const sibling = new RegExp(`^${kind.prefix}-[0-9a-f]{16}$`);
  return {
    dir,
    claim() {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, kind.marker), '');
      // Other builds' folders hold results this code will never use.
      for (const n of readdirSync(root)) if (n !== name && sibling.test(n)) removeOwnFolder(join(root, n), kind);
    },
  };
}

/** Removes a folder if dlpkit made it (it holds the marker), deleting only dlpkit's own names;
 * a folder holding anything else is left. */
function removeOwnFolder(folder: string, kind: CacheFolderKind): void {
  try {
    const names = readdirSync(folder);
    if (!names.includes(kind.marker) || !names.every((n) => n === kind.marker || kind.entry.test(n) || isTemp(kind, n))) return;
    for (const n of names) if (n !== kind.marker) unlinkSync(join(folder, n));
    unlinkSync(join(folder, kind.marker));
    rmdirSync(folder);
  } catch {
    // another process is using or removing it: leave it
  }
}

/** 32 hex digits (four 32-bit lanes of an FNV-1a pass with a final mix, each from its own
 * seed) naming a cache entry by its key. Not a cryptographic hash, and none is needed: each
 * entry stores its whole key and a reader compares it, so a collision is only a miss; and
 * node:crypto would cost every run that loads it about 5 ms of CPU (issue #23). */
export function entryName(key: string): string {
  let out = '';
  for (const seed of ENTRY_SEEDS) {
    let h = seed;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    out += ((h ^ (h >>> 16)) >>> 0).toString(16).padStart(8, '0');
  }
  return out;
}
const ENTRY_SEEDS = [0x811c9dc5, 0x9e3779b9, 0x7f4a7c15, 0x2545f491];

/** Writes `dir`/`name` through a temp file renamed into place. Not isa/files.ts's
 * writeFileAtomic: that one follows a symlink to its target (right for an output path the
 * user names); in a cache folder, whatever else sits at an entry's name is replaced, so a
 * link there never leads a write outside the folder. */
export function writeAtomically(dir: string, name: string, data: string | Uint8Array): void {
  const temp = join(dir, `.${name}.${process.pid}.${Math.floor(Math.random() * 2 ** 32).toString(16)}.tmp`);
  try {
    writeFileSync(temp, data);
    renameSync(temp, join(dir, name));
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // never written
    }
    throw e;
  }
}

/** Removes temp files an interrupted writer left in `dir` over an hour ago; returns the entries. */
export function sweepTemps(dir: string, kind: CacheFolderKind): string[] {
  const names = readdirSync(dir);
  const now = Date.now();
  for (const n of names) if (isTemp(kind, n) && now - statSync(join(dir, n)).mtimeMs > 3_600_000) unlinkSync(join(dir, n));
  return names.filter((n) => kind.entry.test(n));
}
