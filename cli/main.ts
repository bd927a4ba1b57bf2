// The `dlp` command: one commander program; each subcommand lives in cli/commands/<name>.ts
// and exports `register(program)`. Only the module of the command being run is imported
// (`dlp -V` and `dlp --help` load no compiler, simulator, WebAssembly or TypeScript loader);
// the others appear as stubs with their name, usage and description, which a test keeps
// equal to what the modules register. User errors print one line and exit 1, never a stack trace.
import { Command, CommanderError } from 'commander';
import { DlpError } from '../isa/errors.js';
import { commandOf } from './command-word.js';
import { dlpkitVersion } from './version.js';
import { setEngineCompile } from '../isa/engine-compile.js';
import { compileEngineLazily } from './engine-flags.js';

interface CommandEntry {
  name: string;
  /** What `dlp --help` lists after the name: '[options] <model>'. */
  usage: string;
  description: string;
  load(): Promise<{ register(program: Command): void }>;
}

/** The subcommands, in the order `dlp --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'mnist', usage: '[options]', description: 'train an MLP on MNIST, compile it for a DLP, simulate the 10k test set and write a report', load: () => import('./commands/mnist.js') },
  { name: 'train', usage: '[options]', description: 'train a model on MNIST on the host (CPU) and write its weights', load: () => import('./commands/train.js') },
  { name: 'infer', usage: '[options]', description: 'run MNIST test images through a trained model on the simulated DLP', load: () => import('./commands/infer.js') },
  { name: 'asm', usage: '[options] <file>', description: 'assemble a .dlps program into a .dlpb binary', load: () => import('./commands/asm.js') },
  { name: 'disasm', usage: '[options] <file>', description: 'print a .dlpb program as canonical assembly text', load: () => import('./commands/disasm.js') },
  { name: 'simulate', usage: '[options] <program>', description: 'run a program on the cycle-level DLP simulator and report cycles, utilisation and energy', load: () => import('./commands/simulate.js') },
  { name: 'compile', usage: '[options] <model>', description: 'compile a model into a DLP bundle (program, DRAM layout, weights image, estimate)', load: () => import('./commands/compile.js') },
  { name: 'run', usage: '[options] <model>', description: 'compile a model and run it on the cycle-level simulator', load: () => import('./commands/run.js') },
  { name: 'export', usage: '[options]', description: 'write a trained model as ONNX (opset 17), checked before it is written', load: () => import('./commands/export.js') },
  { name: 'explore', usage: '[options] [models...]', description: 'design-space exploration: sweep hardware parameters, simulate every point in parallel, mark the Pareto front', load: () => import('./commands/explore.js') },
  { name: 'scalesim', usage: '[options]', description: 'run a SCALE-Sim v2/v3 config and topology on dlpkit and write COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv, DETAILED_ACCESS_REPORT.csv', load: () => import('./commands/scalesim.js') },
  { name: 'lab', usage: '[options] [command]', description: 'architecture lab exercises with automatic checkers', load: () => import('./commands/lab.js') },
];

/**
 * The program with the real module of `only` registered (every module when `only` is
 * 'all') and stubs for the rest.
 */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('dlp')
    .description('dlpkit: ISA, compiler, cycle-level simulator and runtime for deep-learning processors')
    .version(dlpkitVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const c of COMMANDS) {
    if (only === 'all' || c.name === only) (await c.load()).register(program);
    else program.command(c.name).usage(c.usage).description(c.description);
  }
  program.commands.forEach(requireAfterUnknownOptions);
  // A stub's usage stands in for the options and arguments it has not loaded.
  program.configureHelp({ subcommandTerm: (cmd) => `${cmd.name()} ${cmd.usage()}`.trimEnd() });
  return program;
}

/**
 * commander reports a missing required option before an unknown one, so `dlp compile m.mlp
 * --bogus` would complain about -o. Required options are checked here instead, after
 * commander has rejected unknown flags and checked the arguments, with commander's wording.
 */
function requireAfterUnknownOptions(cmd: Command): void {
  const required = cmd.options.filter((o) => o.mandatory);
  for (const o of required) o.mandatory = false;
  if (required.length > 0) {
    cmd.hook('preAction', (self) => {
      const missing = required.find((o) => self.getOptionValue(o.attributeName()) === undefined);
      if (missing) self.error(`error: required option '${missing.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue' });
    });
  }
  cmd.commands.forEach(requireAfterUnknownOptions);
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
  setEngineCompile(compileEngineLazily);
  try {
    const program = await buildProgram(commandOf(argv));
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    return reportError(e);
  }
}
