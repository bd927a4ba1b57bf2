// dlpkit's version, from package.json (one level up from cli/ in the sources, two from dist/cli/).
import { existsSync, readFileSync } from 'node:fs';

let cached: string | undefined;

export function dlpkitVersion(): string {
  if (cached === undefined) {
    const at = ['../package.json', '../../package.json'].map((p) => new URL(p, import.meta.url)).find((u) => existsSync(u))!;
    cached = (JSON.parse(readFileSync(at, 'utf8')) as { version: string }).version;
  }
  return cached;
}
