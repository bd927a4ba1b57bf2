// The schedule cache (compiler/schedule-cache.ts) kept in a folder, so a tuned search is paid
// once per model shape and machine, not once per `dlp run` / `dlp scalesim` / `dlp compile`.
// The folder is dlpkit's own: DLP_SCHEDULE_CACHE names it (`off` turns the cache off), else
// $XDG_CACHE_HOME/dlpkit/schedules or ~/.cache/dlpkit/schedules. Entries live in a subfolder per
// engine (a hash of the compiler's code, fixed when the CLI is bundled), so a schedule found by
// other code is never recalled; folders of other engines (marked as dlpkit's, holding nothing
// but entries) are removed when a new one starts.
// Every write is a temp file renamed into place; any file-system error turns the cache off for
// the process rather than failing a compile.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ScheduleCache } from './schedule-cache.js';

/** Most entries one engine's folder keeps (checked at a process's first write); past it the
 * oldest tenth is dropped. */
export const MAX_ENTRIES = 2000;
const ENGINE_ID = /^[0-9a-f]{16}$/;
const ENGINE_NAME = /^engine-[0-9a-f]{16}$/;
/** In every engine folder dlpkit made: only such folders are ever removed. */
const MARKER = '.dlpkit-schedules';
const ENTRY_NAME = /^[0-9a-f]{32}\.json$/;
const TEMP_NAME = /^\.[0-9a-f]{32}\.json\.\d+\.[0-9a-f]+\.tmp$/;

/** A schedule cache in `root`/`engine`/. */
export function scheduleCacheDir(root: string, engine: string): ScheduleCache & { readonly dir: string } {
  if (!ENGINE_ID.test(engine)) throw new Error(`internal: engine id '${engine}' is not 16 hex digits`);
  const dir = join(root, `engine-${engine}`);
  let usable = true;
  let prepared = false;
  let pruned = false;
  const file = (key: string) => `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`;
  const prepare = (): void => {
    if (prepared) return;
    prepared = true;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, MARKER), '');
    // Other engines' folders hold schedules this code will never recall.
    for (const name of readdirSync(root)) if (name !== `engine-${engine}` && ENGINE_NAME.test(name)) removeEngineFolder(join(root, name));
  };
  return {
    dir,
    get(key) {
      if (!usable) return undefined;
      try {
        const stored = JSON.parse(readFileSync(join(dir, file(key)), 'utf8')) as { key?: unknown; schedule?: unknown };
        // A different key under the same hash prefix, or a damaged file: a miss.
        return stored.key === key && typeof stored.schedule === 'string' ? stored.schedule : undefined;
      } catch {
        return undefined;
      }
    },
    set(key, value) {
      if (!usable) return;
      try {
        prepare();
        const name = file(key);
        const temp = join(dir, `.${name}.${process.pid}.${Math.floor(Math.random() * 2 ** 32).toString(16)}.tmp`);
        writeFileSync(temp, JSON.stringify({ key, schedule: value }));
        renameSync(temp, join(dir, name));
        // Once per process: a process adds at most as many entries as it compiles models.
        if (!pruned) {
          pruned = true;
          prune(dir);
        }
      } catch {
        usable = false;
      }
    },
  };
}

/** Removes a folder of another engine if dlpkit made it (it holds the marker), deleting only
 * dlpkit's own names; a folder holding anything else is left. */
function removeEngineFolder(folder: string): void {
  try {
    const names = readdirSync(folder);
    if (!names.includes(MARKER) || !names.every((n) => n === MARKER || ENTRY_NAME.test(n) || TEMP_NAME.test(n))) return;
    for (const n of names) if (n !== MARKER) unlinkSync(join(folder, n));
    unlinkSync(join(folder, MARKER));
    rmdirSync(folder);
  } catch {
    // another process is using or removing it: leave it
  }
}

/** Keeps at most MAX_ENTRIES entries (dropping the least recently written tenth) and removes
 * temp files an interrupted writer left over an hour ago. Only dlpkit's own names are touched. */
function prune(dir: string): void {
  const names = readdirSync(dir);
  const now = Date.now();
  for (const n of names) if (TEMP_NAME.test(n) && now - statSync(join(dir, n)).mtimeMs > 3_600_000) unlinkSync(join(dir, n));
  const entries = names.filter((n) => ENTRY_NAME.test(n));
  if (entries.length <= MAX_ENTRIES) return;
  const aged = entries.map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs })).sort((a, b) => a.t - b.t);
  for (const { n } of aged.slice(0, Math.ceil(MAX_ENTRIES / 10))) unlinkSync(join(dir, n));
}

/** The build's engine id: scripts/bundle-cli.mjs defines it as a hash of the compiled isa,
 * kernels and compiler code. Unbundled code (the sources, dist/cli) has none. */
declare const __DLP_ENGINE_ID__: string | undefined;
export function bundledEngineId(): string | undefined {
  return typeof __DLP_ENGINE_ID__ === 'string' ? __DLP_ENGINE_ID__ : undefined;
}

/** The cache a command uses: DLP_SCHEDULE_CACHE's folder, or the default one, for this
 * build's engine; none when it is `off`, or when no engine id is known. */
export function scheduleCacheFromEnv(env: NodeJS.ProcessEnv = process.env, engine = bundledEngineId()): ScheduleCache | undefined {
  const setting = env.DLP_SCHEDULE_CACHE;
  if (setting === 'off' || engine === undefined) return undefined;
  const root = setting && setting !== '' ? setting : join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dlpkit', 'schedules');
  return scheduleCacheDir(root, engine);
}
