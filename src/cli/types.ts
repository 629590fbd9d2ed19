/** Parsed command line: the command's positional arguments and its flags. */
export interface CommandArgs {
  readonly config: string;
  readonly positionals: readonly string[];
  readonly flags: Readonly<Record<string, string | boolean>>;
}

export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stdout is a terminal (progress bars and tables); false when piped or in tests. */
  readonly isTty?: boolean;
}

/** One flag a command accepts: a switch (`--json`) or a flag that takes a value (`--output FILE`). */
export interface FlagSpec {
  readonly name: string;
  readonly takesValue: boolean;
  readonly description: string;
}

/** One CLI command; the exit code is one of `EXIT` (src/cli/exit-codes.ts). */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Longer help: flags and exit codes. */
  readonly help?: string;
  /**
   * Every flag the command accepts besides the common ones (`--config`, `--help`).
   * Parsing is strict: an undeclared flag is a usage error (exit 64).
   */
  readonly flags?: readonly FlagSpec[];
  run(args: CommandArgs, io: CommandIo): Promise<number>;
}
