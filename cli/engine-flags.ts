// V8 settings a dlp process runs with: cli/bin.ts sets them as it starts (its comments give the
// measurements), `dlp explore` puts the young generation's back for its worker pool, and the
// timing engine's module is compiled with its own tier-up budget (compileEngineLazily).
// A setting the user gives V8 (NODE_OPTIONS, node's own flags) is always left alone.
import { setFlagsFromString } from 'node:v8';

/** Sets `flag` (`--name=value`, or `--name` / `--no-name` for a boolean) unless the user has
 * given V8 that flag. */
export function setEngineFlag(flag: string): void {
  if (!userGaveFlag(flag, process.env.NODE_OPTIONS, process.execArgv)) setFlagsFromString(flag);
}

/** Whether NODE_OPTIONS or node's own arguments set the V8 flag of `flag` (`--name=value`),
 * as `--name=v` or `--name v`, or for a boolean `flag` (`--name`, `--no-name`) either way; V8
 * reads `-` and `_` in a name alike. */
export function userGaveFlag(flag: string, nodeOptions: string | undefined, execArgv: readonly string[]): boolean {
  const eq = flag.indexOf('=');
  const name = (eq < 0 ? flag.slice(2).replace(/^no-/, '') : flag.slice(2, eq)).replace(/[-_]/g, '[-_]');
  const negated = eq < 0 ? '(no[-_])?' : '';
  return new RegExp(`(^|\\s)--${negated}${name}(=|\\s)`).test(`${nodeOptions ?? ''} ${execArgv.join(' ')} `);
}

/** V8's tier-up budget for WebAssembly (--wasm-tiering-budget) on the V8 versions it is known
 * for (Node 20-24: V8 11-13): 1,800,000. */
const WASM_TIERING_DEFAULT = 1_800_000;
/** The timing engine's budget: a function is optimised after about 1 GB of baseline code run. */
const ENGINE_TIERING = 1_000_000_000;

/**
 * Compiles the timing engine's module (isa/engine.ts) with V8's tier-up budget raised, and puts
 * the default back: the module keeps the budget it was compiled with, and the runtime's
 * WebAssembly kernels keep V8's. A compile run keeps the engine in V8's baseline code, whose
 * optimising compiles would cost more CPU than they save; a run of seconds still optimises it.
 * Measured on the 2-core reference machine, medians of 16-24 alternating runs (issue #23): a new
 * 256³ layer in `dlp scalesim` 0.258 -> 0.230 s CPU at the same wall time; `dlp run` of a
 * 1024-wide 5-layer model at batch 256 1.36 s CPU either way (the runtime's training kernels,
 * at the raised budget, would lose about 5%: hence only this module). Left alone where the user
 * set the budget, and on V8 versions whose default is not known.
 */
export function compileEngineLazily<T>(compile: () => T): T {
  const major = Number(process.versions.v8.split('.')[0]);
  if (major < 11 || major > 13 || userGaveFlag(`--wasm-tiering-budget=${ENGINE_TIERING}`, process.env.NODE_OPTIONS, process.execArgv)) return compile();
  setFlagsFromString(`--wasm-tiering-budget=${ENGINE_TIERING}`);
  try {
    return compile();
  } finally {
    setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_DEFAULT}`);
  }
}
