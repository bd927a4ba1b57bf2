// V8 settings a dlp process runs with: cli/bin.ts sets them as it starts (its comments give the
// measurements), and `dlp explore` puts the young generation's back for its worker pool.
// A setting the user gives V8 (NODE_OPTIONS, node's own flags) is always left alone.
import { setFlagsFromString } from 'node:v8';

/** Sets `flag` (`--name=value`) unless the user has given V8 that flag. */
export function setEngineFlag(flag: string): void {
  if (!userGaveFlag(flag, process.env.NODE_OPTIONS, process.execArgv)) setFlagsFromString(flag);
}

/** Whether NODE_OPTIONS or node's own arguments set the V8 flag of `flag` (`--name=value`),
 * as `--name=v` or `--name v`; V8 reads `-` and `_` in a name alike. */
export function userGaveFlag(flag: string, nodeOptions: string | undefined, execArgv: readonly string[]): boolean {
  const name = flag.slice(2, flag.indexOf('=')).replace(/[-_]/g, '[-_]');
  return new RegExp(`(^|\\s)--${name}(=|\\s)`).test(`${nodeOptions ?? ''} ${execArgv.join(' ')} `);
}
