// A small INI reader with Python configparser's rules, as SCALE-Sim reads its .cfg files:
// sections in brackets, `key = value` or `key: value`, # and ; comments, keys case-insensitive.
import { DlpError } from '../../isa/errors.js';

export interface IniEntry { value: string; line: number }
export type Ini = Map<string, { line: number; keys: Map<string, IniEntry> }>;

/** Reads INI text into sections of lower-cased keys, with the line of every entry. */
export function readIni(text: string, file: string): Ini {
  const ini: Ini = new Map();
  let section: Map<string, IniEntry> | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const s = raw.trim();
    if (s === '' || s.startsWith('#') || s.startsWith(';')) return;
    const head = /^\[([^\]]+)\]$/.exec(s);
    if (head) {
      const name = head[1]!.trim().toLowerCase();
      if (ini.has(name)) throw new DlpError(`section [${name}] appears twice`, { file, line });
      section = new Map();
      ini.set(name, { line, keys: section });
      return;
    }
    const at = s.search(/[=:]/);
    if (at <= 0) throw new DlpError(`expected 'key = value' or a [section], got '${s}'`, { file, line });
    if (!section) throw new DlpError(`'${s}' comes before any [section]`, { file, line });
    const key = s.slice(0, at).trim().toLowerCase();
    if (section.has(key)) throw new DlpError(`key '${s.slice(0, at).trim()}' appears twice in its section`, { file, line });
    section.set(key, { value: s.slice(at + 1).trim(), line });
  });
  return ini;
}

