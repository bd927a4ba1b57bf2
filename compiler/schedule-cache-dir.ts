// The schedule cache (compiler/schedule-cache.ts) kept in a folder, so a tuned search is paid
// once per model shape and machine, not once per `dlp run` / `dlp scalesim` / `dlp compile`.
// The folder is dlpkit's own: DLP_SCHEDULE_CACHE names it (`off` turns the cache off), else
// $XDG_CACHE_HOME/dlpkit/schedules or ~/.cache/dlpkit/schedules. Entries live in a subfolder per
// engine (a hash of the compiler's code, fixed when the CLI is bundled), so a schedule found by
// other code is never recalled; folders of other engines (marked as dlpkit's, holding nothing
// but entries) are removed when a new one starts.
// Every write is a temp file renamed into place; any file-system error turns the cache off for
// the process rather than failing a compile.
import { readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cacheFolder, cacheRootFromEnv, entryName, sweepTemps, writeAtomically, type CacheFolderKind } from './cache-folder.js';
import type { ScheduleCache } from './schedule-cache.js';

/** Most entries one engine's folder keeps (checked at a process's first write); past it the
 * oldest tenth is dropped. */
export const MAX_ENTRIES = 2000;
const SCHEDULES: CacheFolderKind = { prefix: 'engine', marker: '.dlpkit-schedules', entry: /^[0-9a-f]{32}\.json$/ };

/** A schedule cache in `root`/engine-`engine`/. */
export function scheduleCacheDir(root: string, engine: string): ScheduleCache & { readonly dir: string } {
  const folder = cacheFolder(root, SCHEDULES, engine);
  const dir = folder.dir;
  let usable = true;
  let claimed = false;
  let pruned = false;
  const file = (key: string) => `${entryName(key)}.json`;
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
        if (!claimed) {
          claimed = true;
          folder.claim();
        }
        writeAtomically(dir, file(key), JSON.stringify({ key, schedule: value }));
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

/** Keeps at most MAX_ENTRIES entries (dropping the least recently written tenth) and removes
 * temp files an interrupted writer left over an hour ago. Only dlpkit's own names are touched. */
function prune(dir: string): void {
  const entries = sweepTemps(dir, SCHEDULES);
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
  const root = cacheRootFromEnv(env, 'DLP_SCHEDULE_CACHE', 'schedules');
  return root === undefined || engine === undefined ? undefined : scheduleCacheDir(root, engine);
}
