// A seeded mutator for fuzzing file readers: from a valid file, 1–4 random edits drawn from
// bit flips, byte overwrites, truncation, chunk deletion and splices (a chunk of the file
// copied elsewhere), huge or odd numbers (in text: a digit run replaced by 2^32, 1e308, -1,
// NaN, ...; in binary: a 32-bit field set to 0xffffffff or 0x7fffffff), deep nesting (up to
// 5000 opening brackets) and stray NUL or byte-order-mark bytes. The same seed always gives
// the same case, so a failure is replayed from its (format, seed).
import { createRng } from '../../isa/rng.js';

const ODD_NUMBERS = ['4294967296', '1e308', '-1', '0', '65536', '9007199254740993', 'NaN', '1e-300', '-0', '99999999999999999999', '0x7fffffff'];
const OPENERS = ['(', '[', '{', '"'];
const enc = new TextEncoder();

type Rand = () => number;
const pick = <T>(rnd: Rand, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const below = (rnd: Rand, n: number): number => Math.floor(rnd() * n);

function splice(b: Uint8Array, at0: number, del0: number, ins: Uint8Array): Uint8Array {
  const at = Math.min(at0, b.length);
  const del = Math.min(del0, b.length - at);
  const out = new Uint8Array(b.length - del + ins.length);
  out.set(b.subarray(0, at));
  out.set(ins, at);
  out.set(b.subarray(at + del), at + ins.length);
  return out;
}

/** A digit run in `b` (start, end), or undefined. */
function digitRun(b: Uint8Array, rnd: Rand): [number, number] | undefined {
  const starts: number[] = [];
  for (let i = 0; i < b.length; i++) if (b[i]! >= 48 && b[i]! <= 57 && !(b[i - 1]! >= 48 && b[i - 1]! <= 57)) starts.push(i);
  if (starts.length === 0) return undefined;
  const s = pick(rnd, starts);
  let e = s;
  while (b[e]! >= 48 && b[e]! <= 57) e++;
  return [s, e];
}

function edit(b: Uint8Array, rnd: Rand, text: boolean): Uint8Array {
  const at = below(rnd, b.length + 1);
  switch (below(rnd, 9)) {
    case 0: { // bit flip
      if (b.length === 0) return b;
      const out = b.slice();
      out[at % b.length]! ^= 1 << below(rnd, 8);
      return out;
    }
    case 1: { // byte overwrite
      if (b.length === 0) return b;
      const out = b.slice();
      out[at % b.length] = pick(rnd, [0, 0xff, 0x28, 0x2d, 0x39, 0x2c, 0x0a, below(rnd, 256)]);
      return out;
    }
    case 2: // truncation
      return b.subarray(0, at);
    case 3: // chunk deletion
      return splice(b, at, below(rnd, 64), new Uint8Array(0));
    case 4: { // splice: a chunk of the file copied to another place
      const from = below(rnd, b.length + 1);
      return splice(b, at, 0, b.slice(from, from + below(rnd, 256)));
    }
    case 5: { // huge or odd number
      if (text) {
        const run = digitRun(b, rnd);
        return run ? splice(b, run[0], run[1] - run[0], enc.encode(pick(rnd, ODD_NUMBERS))) : b;
      }
      if (b.length < 4) return b;
      const out = b.slice();
      new DataView(out.buffer).setUint32(below(rnd, b.length - 3), pick(rnd, [0xffffffff, 0x7fffffff, 0x80000000, 0x40000000]), true);
      return out;
    }
    case 6: // deep nesting
      return splice(b, at, 0, enc.encode(pick(rnd, OPENERS).repeat(1 + below(rnd, 5000))));
    case 7: // NUL or byte-order mark
      return splice(b, rnd() < 0.5 ? 0 : at, 0, rnd() < 0.5 ? Uint8Array.of(0) : Uint8Array.of(0xef, 0xbb, 0xbf));
    default: { // a long repetition of one line or record
      const from = below(rnd, b.length + 1);
      const chunk = b.slice(from, from + 1 + below(rnd, 40));
      const times = 1 + below(rnd, 200);
      const rep = new Uint8Array(chunk.length * times);
      for (let k = 0; k < times; k++) rep.set(chunk, k * chunk.length);
      return splice(b, at, 0, rep);
    }
  }
}

/** The case of `seed`: 1–4 edits of `valid`. */
export function mutate(valid: Uint8Array, seed: number, text: boolean): Uint8Array {
  const rnd = createRng(seed);
  let b = valid;
  for (let n = 1 + below(rnd, 4); n > 0; n--) b = edit(b, rnd, text);
  return b;
}
