// Node-only face of the isa layer: everything in index.ts (browser-safe) plus the helpers that
// touch the file system. The CLI, runtime, labs and tests import this; the browser never does.
export * from './index.js';
export { loadHardware } from './hardware-file.js';
export { writeFileAtomic } from './files.js';
export { readProgramFile } from './read-program.js';
