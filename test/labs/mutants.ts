// Known-wrong (and correct-but-different) lab solutions, made from the reference solutions by
// exact text edits and written to a folder outside the repository, as a student's copy would
// be (with the package.json `dlp lab start` writes). An edit that no longer matches fails
// loudly, so a refactored solution cannot silently turn a wrong-solution test into a no-op.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labFolder } from '../../labs/lib/load.js';

export type Edits = Record<string, [from: string | RegExp, to: string][]>;

const made: string[] = [];

/** A copy of `folder`'s solution (plus `extra` files from the lab folder) with `edits` applied. */
export function mutant(folder: string, edits: Edits, opts: { extra?: string[]; drop?: string[]; write?: Record<string, string> } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `dlpkit-${folder.slice(0, 2)}-mutant-`));
  made.push(dir);
  const sol = join(labFolder(folder), 'solution');
  for (const f of readdirSync(sol)) if (!(opts.drop ?? []).includes(f)) cpSync(join(sol, f), join(dir, f));
  for (const f of opts.extra ?? []) cpSync(join(labFolder(folder), f), join(dir, f));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const [file, list] of Object.entries(edits)) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new Error(`mutant of ${folder}: no ${file}`);
    let text = readFileSync(path, 'utf8');
    for (const [from, to] of list) {
      const next = text.replace(from, to);
      if (next === text) throw new Error(`mutant of ${folder}/${file}: the edit ${String(from)} no longer matches the solution`);
      text = next;
    }
    writeFileSync(path, text);
  }
  for (const [f, text] of Object.entries(opts.write ?? {})) writeFileSync(join(dir, f), text);
  return dir;
}

export function removeMutants(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}
