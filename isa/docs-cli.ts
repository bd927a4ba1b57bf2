// `npm run docs`: regenerates docs/isa.md from the spec (atomically).
import { fileURLToPath } from 'node:url';
import { generateIsaDoc } from './docs.js';
import { writeFileAtomic } from './files.js';

// dist/isa/docs-cli.js and isa/docs-cli.ts both sit two levels below the package root's docs/.
const root = new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url);
const out = fileURLToPath(new URL('docs/isa.md', root));
writeFileAtomic(out, generateIsaDoc());
process.stdout.write(`wrote ${out}\n`);
