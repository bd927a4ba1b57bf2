// How the timing engine's WebAssembly module is compiled: by default as is; a host may wrap the
// compile (cli/engine-flags.ts raises V8's tier-up budget for this module only). A module of its
// own, without the engine, so a command that never times anything does not load the engine to
// set this.

let wrapper = <T>(compile: () => T): T => compile();

/** Sets how the engine's module is compiled (before its first use). */
export function setEngineCompile(wrap: <T>(compile: () => T) => T): void {
  wrapper = wrap;
}

/** Runs the engine module's compile as set (isa/engine.ts). */
export function compileEngine<T>(compile: () => T): T {
  return wrapper(compile);
}
