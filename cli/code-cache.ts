// V8's code cache for the bundled CLI (dist/dlp/cli*.cjs). Most dlp runs last well under a
// second, and parsing and compiling the bundle's functions to bytecode is a large share of that:
// `dlp scalesim` on a 256³ GEMM with its schedule recalled took 0.20 s of CPU loading the
// bundle from source and 0.17 s with the cache (10 alternating runs, issue #23). Node 20 has no
// compile cache for ES modules (module.enableCompileCache is Node 22), so each command's bundle
// is one CommonJS file run through vm.Script, which takes and produces V8's cached data.
//
// The cache is per command (its key), made after a run that exited 0, so it holds the bytecode
// of what that command ran. It lives in DLP_CODE_CACHE (`off` turns it off), else
// $XDG_CACHE_HOME/dlpkit/code or ~/.cache/dlpkit/code, in a subfolder per bundle build
// (cache-folder.ts). Each file carries its data's length and CRC-32, checked before V8 sees it:
// V8 itself checks its version, flags and the source length, not the bytes. (A CRC-32 catches
// every burst of up to 32 flipped bits and all but one in 2^32 other damage; a SHA-256 would
// load node:crypto, about 5 ms of every run's CPU. zlib.crc32 is Node 20.15's: before it, no
// cache.) A missing, damaged or rejected cache costs nothing but the compile it would have
// saved; it is rewritten at exit. Any file-system error leaves the cache alone and the command
// unaffected.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import * as zlib from 'node:zlib';
import { cacheFolder, cacheRootFromEnv, writeAtomically, type CacheFolderKind } from '../compiler/cache-folder.js';
import { commandOf } from './command-word.js';

const CODE: CacheFolderKind = { prefix: 'bundle', marker: '.dlpkit-code', entry: /^[a-z][a-z0-9.-]{0,40}\.v8$/ };
const MAGIC = 'dlpkit-code/3\n';
/** After MAGIC: the data's length and CRC-32, each a 32-bit little-endian word, then zeros up
 * to a multiple of 8 bytes: V8 copies cached data that does not start 8-byte aligned (the file's
 * buffer does), and the copy of ~500 KB costs ~120 fresh pages. */
const HEAD = Math.ceil((MAGIC.length + 8) / 8) * 8;
/** zlib.crc32 (Node >= 20.15, 22.2), or undefined where Node has none. */
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
/** CommonJS's module wrapper (what require puts around a file), plus __dlpImport. */
const WRAP = ['(function (exports, require, module, __filename, __dirname, __dlpImport) { ', '\n});'] as const;

/** The code cache's root folder, or undefined when DLP_CODE_CACHE is `off` (or this Node has
 * no zlib.crc32 to check entries with). */
export function codeCacheRoot(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return crc32 === undefined ? undefined : cacheRootFromEnv(env, 'DLP_CODE_CACHE', 'code');
}

/** The cache key of a command line: its command (commandOf: `help run` is run's), and `.help`
 * for help and version runs (which run little of the command, so their cache would serve its
 * real runs badly). The command picks the bundle (bin.ts), so a key is only ever used by one. */
export function codeCacheKey(argv: readonly string[]): string {
  const word = commandOf(argv);
  const command = word !== undefined && /^[a-z]{1,20}$/.test(word) ? word : 'dlp';
  const help = argv.find((a) => !a.startsWith('-')) === 'help' || argv.some((a) => a === '-h' || a === '--help' || a === '-V' || a === '--version');
  return help ? `${command}.help` : command;
}

/** The bundle's text inside WRAP, as one flat string: V8 flattens a concatenation before it
 * looks the script up, copying the ~500 KB once more. The bundle is ASCII (scripts/bundle-cli.mjs),
 * so latin1 gives its text without UTF-8 decoding, kept by V8 at one byte per character. */
function wrappedSource(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const text = Buffer.allocUnsafeSlow(WRAP[0].length + size + WRAP[1].length);
    let at = text.write(WRAP[0], 'latin1');
    for (let n = 0; at < WRAP[0].length + size; at += n) {
      n = readSync(fd, text, at, WRAP[0].length + size - at, null);
      if (n === 0) throw new Error(`${file}: shorter than its size`);
    }
    text.write(WRAP[1], at, 'latin1');
    return text.toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** The file's cached data if it is intact: MAGIC, the data's length and CRC-32, the data. */
export function readCodeCache(file: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (crc32 === undefined || bytes.length <= HEAD || bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
  const data = bytes.subarray(HEAD);
  return bytes.readUInt32LE(MAGIC.length) === data.length && bytes.readUInt32LE(MAGIC.length + 4) === crc32(data) ? data : undefined;
}

/** What readCodeCache reads back. */
export function encodeCodeCache(data: Uint8Array): Buffer {
  const head = Buffer.alloc(HEAD);
  head.write(MAGIC, 'latin1');
  head.writeUInt32LE(data.length, MAGIC.length);
  head.writeUInt32LE(crc32!(data), MAGIC.length + 4);
  return Buffer.concat([head, data]);
}

/**
 * Runs the CommonJS bundle `file` (of the bundle build `buildId`) as `require` would (returning
 * its exports), with V8's
 * code cache for `key` from `root` when there is one; when there is none (or V8 rejects it),
 * the cache is written at exit if the process exits with status 0. The bundle gets
 * `__dlpImport(specifier)` for the ES modules it leaves outside (specifiers relative to it):
 * Node 20 cannot run import() in a vm.Script compiled from cached data.
 */
export function loadBundle(file: string, buildId: string, key: string, root: string | undefined): unknown {
  const folder = root === undefined ? undefined : cacheFolder(root, CODE, buildId);
  const cacheFile = folder && join(folder.dir, `${key}.v8`);
  const cachedData = cacheFile === undefined ? undefined : readCodeCache(cacheFile);
  const script = new Script(wrappedSource(file), { filename: file, cachedData });
  if (folder && (cachedData === undefined || script.cachedDataRejected)) {
    process.once('exit', (code) => {
      if (code !== 0) return;
      try {
        folder.claim();
        writeAtomically(folder.dir, `${key}.v8`, encodeCodeCache(script.createCachedData()));
      } catch {
        // no cache this time
      }
    });
  }
  const url = pathToFileURL(file);
  const importOutside = (specifier: string): Promise<unknown> => import(new URL(specifier, url).href);
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file), importOutside);
  return module.exports;
}
