#!/usr/bin/env node
// Entry point of the `dlp` binary. Three things happen before a command runs:
//  - Under an address-space cap (`ulimit -v`, as autograders set) V8 cannot reserve the guard
//    region of a WebAssembly.Memory; the runtime's kernels need one, so dlp then starts itself
//    again with --disable-wasm-trap-handler (bounds checks in code instead of guard pages).
//  - A closed stdout (`dlp disasm x | head -1`) ends the command quietly with exit status 0;
//    another write error on stdout (/dev/full) is one error line and exit status 1.
//  - Ctrl-C is not caught: the process ends at once with exit status 130 (docs/output.md).
import { fileURLToPath } from 'node:url';

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

if (!wasmMemoryWorks() && !process.execArgv.includes(NO_TRAP) && process.allowedNodeEnvironmentFlags.has(NO_TRAP)) {
  await reexecWithoutTrapHandler();
}
process.stdout.on('error', onStdoutError);
process.stderr.on('error', () => process.exit(1));
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
