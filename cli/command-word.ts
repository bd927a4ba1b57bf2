// Which subcommand a command line runs, read before anything else loads: main.ts registers
// that command's module, and the bundled bin runs that command's bundle (scripts/bundle-cli.mjs).

/** The subcommand `argv` runs (`dlp help X` means X), or undefined for `dlp`, `dlp -V`, `dlp --help`. */
export function commandOf(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}
