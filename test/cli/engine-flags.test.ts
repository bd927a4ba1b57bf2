// cli/engine-flags.ts: dlp's V8 settings never override one the user gave; the engine's
// compile raises V8's WebAssembly tier-up budget for that module only.
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { compileEngineLazily, userGaveFlag } from '../../cli/engine-flags.js';
import { REPLAY_WASM } from '../../isa/replay-wasm.js';
import { wasmApi } from '../../kernels/wasm-encoder.js';

const wasm = wasmApi()!;

describe('userGaveFlag', () => {
  const flag = '--semi-space-growth-factor=1';
  it('finds the flag in NODE_OPTIONS or node arguments, with - or _ in its name', () => {
    expect(userGaveFlag(flag, '--semi-space-growth-factor=4', [])).toBe(true);
    expect(userGaveFlag(flag, '--max-old-space-size=100 --semi_space_growth_factor=4', [])).toBe(true);
    expect(userGaveFlag(flag, undefined, ['--semi-space-growth-factor=3'])).toBe(true);
    expect(userGaveFlag('--interrupt-budget=2162688', '', ['--stack-size=900', '--interrupt_budget=1000'])).toBe(true);
    expect(userGaveFlag(flag, '--semi-space-growth-factor 4', [])).toBe(true); // the value after a space
    expect(userGaveFlag(flag, undefined, ['--semi-space-growth-factor', '3'])).toBe(true);
  });
  it('does not take another flag, a prefix of the name or a value for the flag', () => {
    expect(userGaveFlag(flag, undefined, [])).toBe(false);
    expect(userGaveFlag(flag, '--max-semi-space-size=4', ['--no-semi-space-growth-factor'])).toBe(false);
    expect(userGaveFlag(flag, '--xsemi-space-growth-factor=2', [])).toBe(false);
    expect(userGaveFlag('--interrupt-budget=2162688', '--interrupt-budget-for-feedback-allocation=100', [])).toBe(false);
  });
  it('finds a boolean flag given either way', () => {
    const off = '--no-parallel-scavenge';
    expect(userGaveFlag(off, '--parallel-scavenge', [])).toBe(true);
    expect(userGaveFlag(off, undefined, ['--no-parallel_scavenge'])).toBe(true);
    expect(userGaveFlag(off, '--parallel-scavenge-x', ['--parallel-scavenge-task-trace'])).toBe(false);
    expect(userGaveFlag(off, '--no-parallel-marking', [])).toBe(false);
    expect(userGaveFlag('--always-sparkplug', '--no-always-sparkplug', [])).toBe(true);
  });
});

describe('compileEngineLazily', () => {
  // A module keeps the tier-up budget it was compiled with. V8's test intrinsic tells whether a
  // function still runs its baseline (Liftoff) code.
  setFlagsFromString('--allow-natives-syntax');
  const isLiftoff = new Function('f', 'return %IsLiftoffFunction(f)') as (f: unknown) => boolean;
  /** The engine's binary with a custom section of `tag`: V8 shares a compiled module between
   * identical binaries, so each compile here gets its own. */
  const binary = (tag: string): Uint8Array => {
    const engine = Uint8Array.from(atob(REPLAY_WASM), (c) => c.charCodeAt(0));
    const name = new TextEncoder().encode(`dlpkit-test-${tag}-${Math.random()}`);
    return new Uint8Array([...engine, 0, name.length + 1, name.length, ...name]);
  };
  const instance = (module: object) =>
    new wasm.Instance(module, { env: { memory: new wasm.Memory({ initial: 1, maximum: 16 }) } }).exports as { spansMeet: (...a: number[]) => number };
  /** Whether spansMeet (a 9-row overlap test) is optimised within `rounds` of 50,000 calls
   * (about 10 MB of code run each), V8 given 50 ms after each to finish compiling. */
  const tiersUp = async (f: (...a: number[]) => number, rounds: number): Promise<boolean> => {
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < 50_000; i++) f(0, 9, 8, 16, 7, 9, 8, 16);
      await new Promise((done) => setTimeout(done, 50));
      if (!isLiftoff(f)) return true;
    }
    return false;
  };

  it('keeps the module it compiles in baseline code, and modules compiled after it tier up as usual', async () => {
    const lazy = instance(compileEngineLazily(() => new wasm.Module(binary('lazy'))));
    const usual = instance(new wasm.Module(binary('usual')));
    // The same work, far past V8's default budget (about 1.8 MB of code run) and far below the
    // raised one (1 GB): the module compiled after compileEngineLazily has V8's budget back.
    expect(await tiersUp(usual.spansMeet, 10)).toBe(true);
    expect(await tiersUp(lazy.spansMeet, 10)).toBe(false);
  });

  it('passes the compile\'s value and errors through', () => {
    expect(compileEngineLazily(() => 42)).toBe(42);
    expect(() => compileEngineLazily(() => { throw new Error('no module'); })).toThrow('no module');
  });
});
