#!/usr/bin/env node
// Entry point of the `dlp` binary. Before a command runs:
//  - Under an address-space cap (`ulimit -v`, as autograders set) V8 cannot reserve the guard
//    region of a WebAssembly.Memory; the runtime's kernels need one, so dlp then starts itself
//    again with --disable-wasm-trap-handler (bounds checks in code instead of guard pages).
//  - A closed stdout (`dlp disasm x | head -1`) ends the command quietly with exit status 0;
//    another write error on stdout (/dev/full) is one error line and exit status 1.
//  - Ctrl-C is not caught: the process ends at once with exit status 130 (docs/output.md).
//  - V8 optimises a function much later than its default (TIER_UP_FLAG) and keeps its young
//    generation at its first size (YOUNG_FLAG): most dlp runs last well under a second, and by
//    default V8's optimising compiler works on code that has little left to run and the young
//    generation grows onto fresh pages the run never pays back.
//  - The bundled bin (dist/dlp/bin.cjs) runs the CLI from the CommonJS bundle of the command
//    being run, with V8's code cache (code-cache.ts).
import { fileURLToPath } from 'node:url';
import { setEngineFlag } from './engine-flags.js';
import { commandOf } from './command-word.js';

/**
 * 32 times V8's default interrupt budget (67,584 bytes of bytecode run before a function is
 * considered for optimisation). A short run's code mostly runs in V8's interpreter and
 * baseline tier, and optimising it costs more CPU than it saves. Measured on the 2-core reference machine,
 * CPU of the whole process, medians of 10-20 alternating runs (issue #23): `dlp scalesim` of
 * a new 256³ GEMM 0.42 s against 0.45-0.47 with 16 times and 0.46 with 4 times (0.49-0.52 at
 * 4 times before the engine's state was tagged). A second of work (`dlp run` of a 1024-wide
 * 5-layer model at batch 256, or the naive schedule at batch 16) takes the same CPU but up to
 * 0.1 s more wall time, since less of it is optimised on the second core. An earlier engine
 * (Float64Array state) was best at 4 times: 0.19 s for a recalled 256³ schedule against
 * 0.23-0.26 by default. With the replay engine in WebAssembly (isa/engine.ts), a new 256³
 * GEMM: 0.293 s at 32 times, 0.297 at 16, 0.292 at 64, 0.308 at 8, 0.351 at 4 and 0.435 at the
 * default (12 alternating runs). A budget the user sets (NODE_OPTIONS, node flags) is left alone.
 */
const TIER_UP_FLAG = '--interrupt-budget=2162688';

/**
 * The young generation keeps its first size (V8 doubles it when many objects outlive a
 * collection). Every page a process touches first costs a fault, about 12 µs on the 2-core
 * reference machine, and a short run never needs the larger young generation enough to pay its
 * fresh pages back: medians of 20 alternating runs (issue #23), `dlp scalesim` of a new 256³
 * GEMM 0.305 -> 0.299 s CPU (0.282 -> 0.272 s wall, 6,975 -> ~6,000 page faults) and of
 * 100×128×784 0.235 -> 0.217 s (0.231 -> 0.208 wall). Longer runs lose nothing: `dlp run` of a
 * 1024-wide 5-layer model at batch 256 1.51 -> 1.50 s CPU and its naive schedule at batch 16
 * 1.22 -> 1.14 (8 runs), `dlp mnist` 6.9 -> 6.6 s wall (2 runs). The explore pool's workers,
 * which compile point after point, get V8's growth back (cli/commands/explore.ts). Read by
 * V8 whenever it would grow the young generation, so it may be set after start-up.
 */
const YOUNG_FLAG = '--semi-space-growth-factor=1';

/**
 * Scavenges run on the main thread alone. With the young generation at its first size (1 MB,
 * YOUNG_FLAG), a run collects it every few milliseconds, and splitting each collection over two
 * threads costs the helper thread's CPU for no shorter pause. Measured on the 2-core reference
 * machine (issue #23): `dlp scalesim` of a new 256³ GEMM 204.7 -> 196.7 ms CPU and 197.5 -> 194.6
 * ms wall (medians of 20 alternating runs); the helper threads' CPU ~12 -> ~4 ms. Longer runs
 * pause as long as before: `dlp run` of a 1024-wide 5-layer model at batch 256 ~85 ms of
 * scavenges either way, one training epoch 37-39 against 42 ms. Read by V8 at each collection,
 * so it may be set after start-up.
 */
const SCAVENGE_FLAG = '--no-parallel-scavenge';

const NO_TRAP = '--disable-wasm-trap-handler';

function wasmMemoryWorks(): boolean {
  const wasm = (globalThis as unknown as { WebAssembly?: { Memory: new (d: { initial: number }) => unknown } }).WebAssembly;
  if (!wasm) return true;
  try {
    new wasm.Memory({ initial: 1 });
    return true;
  } catch {
    return false;
  }
}

// child_process is imported only here: loading it costs every other run a few milliseconds.
async function reexecWithoutTrapHandler(): Promise<never> {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, [NO_TRAP, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.signal) process.kill(process.pid, r.signal);
  process.exit(r.status ?? 1);
}

/** The bundle build (scripts/bundle-cli.mjs): its id, and each command's bundle file beside the
 * bin ('' for commands without one); the bundled bin runs the command's bundle with V8's code
 * cache (code-cache.ts). Unbundled, it imports main.js. */
declare const __DLP_CLI_BUNDLES__: { build: string; files: Record<string, string> } | undefined;

async function loadMain(): Promise<typeof import('./main.js')> {
  if (typeof __DLP_CLI_BUNDLES__ !== 'object') return import('./main.js');
  const { codeCacheKey, codeCacheRoot, loadBundle } = await import('./code-cache.js');
  const argv = process.argv.slice(2);
  const command = commandOf(argv);
  const { build, files } = __DLP_CLI_BUNDLES__;
  const name = command !== undefined && Object.hasOwn(files, command) ? files[command]! : files['']!;
  const file = fileURLToPath(new URL(`./${name}`, import.meta.url));
  return loadBundle(file, build, codeCacheKey(argv), codeCacheRoot()) as typeof import('./main.js');
}

function onStdoutError(e: NodeJS.ErrnoException): void {
  if (e.code !== 'EPIPE') {
    try {
      process.stderr.write(`error: cannot write to standard output (${e.code ?? e.message})\n`);
    } catch {
      // stderr is gone too: nothing left to tell
    }
  }
  process.exit(e.code === 'EPIPE' ? 0 : 1);
}

/** Start-up as a function, not top-level awaits: the bundled bin is CommonJS
 * (dist/dlp/bin.cjs), which Node runs without starting its ES module loader (~5 ms). */
async function run(): Promise<void> {
  if (!wasmMemoryWorks() && !process.execArgv.includes(NO_TRAP) && process.allowedNodeEnvironmentFlags.has(NO_TRAP)) {
    await reexecWithoutTrapHandler();
  }
  setEngineFlag(TIER_UP_FLAG);
  setEngineFlag(YOUNG_FLAG);
  setEngineFlag(SCAVENGE_FLAG);
  process.stdout.on('error', onStdoutError);
  process.stderr.on('error', () => process.exit(1));
  const { main } = await loadMain();
  process.exitCode = await main(process.argv.slice(2));
}

void run();
