// Lab 07 works on a whole dlpkit checkout, not on files in the lab folder: this file finds the
// checkout to check, loads its modules (one tsx namespace per check, so the checkout's own isa,
// compiler and simulator are used, not the checker's), and builds the reference solution's
// checkout: a scratch copy of the repository with solution/gelu.patch applied.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import { DlpError } from '../../isa/errors.js';
import { labFolder, labsRoot } from '../lib/load.js';
import { describeError, type CaseList } from '../lib/result.js';

/** The reference solution, a unified diff against the repository root. */
export const SOLUTION_PATCH = 'solution/gelu.patch';
/** Files that mark a folder as a dlpkit checkout. */
const MARKERS = ['isa/spec.ts', 'simulator/act.ts', 'compiler/model.ts'];
/** Top-level entries a scratch copy leaves out (node_modules is linked instead). */
const SKIP = new Set(['node_modules', 'dist', '.git', 'dlp-report']);

export function isCheckout(dir: string): boolean {
  return MARKERS.every((m) => existsSync(join(dir, m)));
}

/** The checkout to check: `root` when given, else the current directory when it is a dlpkit
 * checkout, else the repository this lab belongs to. */
export function findCheckoutRoot(root?: string): string {
  if (root !== undefined) {
    const d = isAbsolute(root) ? root : resolve(root);
    if (!isCheckout(d)) throw new DlpError(`'${root}' is not a dlpkit checkout (no ${MARKERS.join(', ')})`);
    return d;
  }
  if (isCheckout(process.cwd())) return process.cwd();
  return dirname(labsRoot());
}

/** Modules of one checkout, loaded in their own namespace. */
export interface Checkout {
  root: string;
  has(rel: string): boolean;
  load<T>(rel: string): Promise<T>;
  close(): Promise<void>;
}

let namespaces = 0;

export function openCheckout(root: string): Checkout {
  const api = register({ namespace: `dlpkit-lab07-${process.pid}-${++namespaces}` });
  return {
    root,
    has: (rel) => existsSync(join(root, rel)),
    async load<T>(rel: string): Promise<T> {
      const path = join(root, rel);
      if (!existsSync(path)) throw new DlpError(`${rel} does not exist in ${root}`);
      return (await api.import(pathToFileURL(path).href, import.meta.url)) as T;
    },
    close: () => api.unregister(),
  };
}

/** A scratch copy of `repo` with the reference patch applied; `remove()` deletes it. Throws a
 * DlpError saying the lab needs refreshing when the patch no longer applies. */
export function prepareSolutionCheckout(repo: string = dirname(labsRoot()), patch = join(labFolder('07-pwl-activation'), SOLUTION_PATCH)): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'dlpkit-lab07-'));
  const remove = () => rmSync(root, { recursive: true, force: true });
  try {
    cpSync(repo, root, {
      recursive: true,
      filter: (src) => {
        const rel = relative(repo, src);
        return !SKIP.has(rel.split(sep)[0]!) && rel !== join('labs', '.status.json');
      },
    });
    if (existsSync(join(repo, 'node_modules'))) symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
    applyPatch(root, patch);
    return { root, remove };
  } catch (e) {
    remove();
    throw e;
  }
}

/** `git apply` (or `patch -p1` without git), run in `dir` with repository discovery stopped
 * above it, so a scratch copy under a repository's folder is still patched in place. */
function applyPatch(dir: string, patch: string): void {
  if (!existsSync(patch)) throw new DlpError(`missing ${patch}`);
  const env = { ...process.env, GIT_CEILING_DIRECTORIES: dirname(dir) };
  const tries: [string, string[]][] = [
    ['git', ['apply', '--whitespace=nowarn', patch]],
    ['patch', ['-p1', '--forward', '--batch', '--silent', '-i', patch]],
  ];
  const reasons: string[] = [];
  for (const [cmd, args] of tries) {
    try {
      execFileSync(cmd, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      return;
    } catch (e) {
      const err = e as { code?: string; stderr?: Buffer; stdout?: Buffer };
      if (err.code === 'ENOENT') continue;
      const text = `${err.stderr?.toString() ?? ''}${err.stdout?.toString() ?? ''}`.trim().split('\n').slice(0, 2).join('; ');
      reasons.push(`${cmd}: ${text || 'failed'}`);
      // patch may have half-applied what git refused as a whole; git's verdict is the one to show
      break;
    }
  }
  if (reasons.length === 0) reasons.push('neither git nor patch is installed');
  throw new DlpError(
    `${relative(dirname(labsRoot()), patch)} no longer applies to this dlpkit (${reasons.join(' | ')}): ` +
      'the lab needs refreshing — redo the solution on a scratch copy and regenerate the patch (README, "For teachers")',
  );
}

// ---- what the checker calls in a checkout (the README's API; nothing else is assumed) --------

export type Fields = Record<string, unknown>;
export interface ProgramLike {
  instrs: Fields[];
  regions: { name: string; addr: number; dtype: string; shape: number[] }[];
}
export interface SpecModule {
  ACT_FUNCS: readonly string[];
  ISA: { ACT: { fields: readonly { name: string; bits: number }[] } };
}
export interface IsaModule {
  assemble(source: string, file?: string): ProgramLike;
  printInstr(i: Fields): string;
  encodeInstr(i: Fields): Uint8Array;
  decodeInstr(bytes: Uint8Array, offset: number): Fields;
  encodeProgram(p: ProgramLike): Uint8Array;
  decodeProgram(bytes: Uint8Array): ProgramLike;
  generateIsaDoc(): string;
  loadHardware(name: string): unknown;
  materializeDram(p: ProgramLike): Uint8Array;
}
export interface PwlTableLike {
  lo: number;
  hi: number;
  width: number;
  a: Float32Array;
  b: Float32Array;
}
export interface PwlModule {
  GELU_PWL: { lo: number; hi: number; segments: number };
  GELU_TABLE: PwlTableLike;
  gelu(x: number): number;
  buildPwlTable(f: (x: number) => number, g: { lo: number; hi: number; segments: number }): PwlTableLike;
  evalPwl(t: PwlTableLike, v: number): number;
}
export interface SimModule {
  simulate(p: ProgramLike, hw: unknown, opts: { dram: Uint8Array }): { dram: Uint8Array };
}
export interface ModelLike {
  layers: { activation?: { kind: string } }[];
}
export interface WeightsLike {
  w: Float32Array;
  b: Float32Array;
}
export interface Bundle {
  program: ProgramLike;
  image: Uint8Array;
  layout: { quant: { inputScale: number; layers: { wScale: number[]; outScale: number; wQmax: number[] }[] } };
}
export interface CompilerModule {
  parseMlp(source: string, file?: string): ModelLike;
  compile(model: ModelLike, weights: WeightsLike[], hw: unknown, opts: { dtype: string; batch?: number }): Bundle;
  writeInputs(b: Bundle, dram: Uint8Array, x: Float32Array): void;
  readOutputs(b: Bundle, dram: Uint8Array): Float32Array;
}
export interface QuantizeModule {
  defaultCalibration(inputSize: number): Float32Array;
}
export interface HeadroomModule {
  outputRange(layer: object, acc: { lo: Float64Array; hi: Float64Array }): { lo: Float64Array; hi: Float64Array };
}
export interface RefLayerLike {
  w: Float32Array;
  b: Float32Array;
  inputs: number;
  units: number;
  activation: { kind: string };
}
export interface RefModule {
  fp32Forward(layers: RefLayerLike[], x: Float32Array, rows: number, softmax: boolean): Float32Array;
  quantForward(layers: RefLayerLike[], scales: object, dtype: 'int8' | 'int16', x: Float32Array, rows: number, softmax: boolean): Float32Array;
}

/** The isa face with the file helpers (loadHardware): isa/node.ts where the checkout splits the
 * browser-safe isa/index.ts from its Node-only helpers, else isa/index.ts. */
export function isaFace(c: Checkout): string {
  return c.has('isa/node.ts') ? 'isa/node.ts' : 'isa/index.ts';
}

/** Loads a module of the checkout; a failure becomes a failed case naming the file. */
export async function loadOrFail<T>(list: CaseList, c: Checkout, rel: string, name: string): Promise<T | undefined> {
  try {
    return await c.load<T>(rel);
  } catch (e) {
    list.fail(name, `cannot load ${rel} from the checkout: ${describeError(e)}`);
    return undefined;
  }
}
