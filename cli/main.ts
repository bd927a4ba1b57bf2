// The `dlp` command: one commander program; each subcommand lives in cli/commands/<name>.ts
// and exports `register(program)`. User errors print one line and exit 1, never a stack trace.
import { Command, CommanderError } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { DlpError } from '../isa/errors.js';
import * as asmCommand from './commands/asm.js';
import * as compileCommand from './commands/compile.js';
import * as disasmCommand from './commands/disasm.js';
import * as exportCommand from './commands/export.js';
import * as exploreCommand from './commands/explore.js';
import * as labCommand from './commands/lab.js';
import * as mnistCommand from './commands/mnist.js';
import * as trainCommand from './commands/train.js';
import * as inferCommand from './commands/infer.js';
import * as runCommand from './commands/run.js';
import * as scalesimCommand from './commands/scalesim.js';
import * as simulateCommand from './commands/simulate.js';

const commands: { register(program: Command): void }[] = [
  // Subcommand modules register here, in the order `dlp --help` lists them.
  mnistCommand,
  trainCommand,
  inferCommand,
  asmCommand,
  disasmCommand,
  simulateCommand,
  compileCommand,
  runCommand,
  exportCommand,
  exploreCommand,
  scalesimCommand,
  labCommand,
];

function version(): string {
  // package.json is one level up from cli/ when run from source, two from dist/cli/.
  const at = ['../package.json', '../../package.json'].map((p) => new URL(p, import.meta.url)).find((u) => existsSync(u))!;
  const pkg = JSON.parse(readFileSync(at, 'utf8').toString()) as { version: string };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command('dlp')
    .description('dlpkit: ISA, compiler, cycle-level simulator and runtime for deep-learning processors')
    .version(version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const c of commands) c.register(program);
  return program;
}

/** Prints a user error as one clear line (plus a source excerpt when there is one). */
export function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander has already printed its message (or the help/version text).
    return e.exitCode;
  }
  if (e instanceof DlpError) {
    process.stderr.write(`error: ${e.message}\n${e.excerpt ? `${e.excerpt}\n` : ''}`);
    return 1;
  }
  const err = e as Error;
  process.stderr.write(`internal error: ${err?.message ?? String(e)}\n`);
  if (process.env.DLP_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    return reportError(e);
  }
}
