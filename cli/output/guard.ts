// Ctrl-C and the write phase. dlpkit installs no SIGINT handler during its long work, so Ctrl-C
// kills the process at once (exit status 130) even inside a long synchronous compile or
// simulation, and nothing has been written yet. The first output write installs a handler
// so the write itself (a short synchronous step: fill a temp folder or file, rename it into
// place) is never cut in half and no temp folder is stranded: a Ctrl-C that arrives during it
// is re-raised once it is done, and one that arrives after it ends the process at once. The
// handler stays (Node offers no way to tell whether a signal is still queued when it would be
// removed); writes come at the end of every command, so nothing long runs after it.
let depth = 0;
let pending = false;
let installed = false;

function onSigint(): void {
  if (depth > 0) pending = true;
  else reraise();
}

/** Dies of SIGINT, as if no handler had been installed (exit status 130 in a shell). */
function reraise(): void {
  process.off('SIGINT', onSigint);
  installed = false;
  process.kill(process.pid, 'SIGINT');
}

/** Runs the synchronous `write` with Ctrl-C deferred until it has finished (or failed). */
export function duringWrite<T>(write: () => T): T {
  if (!installed) {
    process.on('SIGINT', onSigint);
    installed = true;
  }
  depth++;
  try {
    return write();
  } finally {
    depth--;
    if (depth === 0 && pending) {
      pending = false;
      reraise();
    }
  }
}
