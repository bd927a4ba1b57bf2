// Arrays of numbers for code that runs mostly before V8 optimises it: a compile's tiling search
// replays a few dozen short instruction streams and ranks ~10,000 plans, and is over before V8
// optimises most of it. In V8's interpreter and baseline tier every read of a Float64Array
// element allocates a heap number; a plain array holds a small integer (every cycle count and
// byte offset of a normal run) as a tagged value and reads it without allocating (issue #23: a
// new 256³ layer in `dlp scalesim` went from 0.49 to 0.42 s of CPU, with the bin's later
// optimisation, cli/bin.ts).

/** `n` copies of `v` in a plain array whose elements V8 keeps tagged for good: it is filled
 * with null first, so a number stored later past the small-integer range (or Infinity) does
 * not turn an array of small integers into unboxed doubles, read with allocations again. */
export function taggedArray(n: number, v: number): number[] {
  return new Array<number>(n).fill(null as unknown as number).fill(v);
}
