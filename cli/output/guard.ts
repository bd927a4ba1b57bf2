// Ctrl-C and the write phase. dlpkit installs no SIGINT handler during its long work, so Ctrl-C
// kills the process at once (exit status 130) even inside a long synchronous compile or
// simulation, and nothing has been written yet. Only while output is being written (a short,
// synchronous step: fill a temp folder or file, rename it into place) is SIGINT held back, so
// a temp folder is never stranded; a Ctrl-C that arrived meanwhile is re-raised right after.
let depth = 0;
let pending = false;
let installed = false;

function onSigint(): void {
  if (depth > 0) {
    pending = true;
    return;
  }
  reraise();
}

function reraise(): void {
  uninstall();
  process.kill(process.pid, 'SIGINT');
}

function uninstall(): void {
  if (installed) process.off('SIGINT', onSigint);
  installed = false;
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
    if (depth === 0) {
      if (pending) {
        pending = false;
        reraise();
      } else {
        // A SIGINT already queued in the event loop is delivered before the check phase: the
        // handler re-raises it (depth is 0); only then is the default action restored.
        setImmediate(() => {
          if (depth === 0) uninstall();
        });
      }
    }
  }
}
