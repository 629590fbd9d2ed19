/** Parsed command line: the command's positional arguments and its flags. */
export interface CommandArgs {
  readonly config: string;
  readonly positionals: readonly string[];
  readonly flags: Readonly<Record<string, string | boolean>>;
}

export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** One CLI command; the exit code is the resolved number. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Longer help: flags and exit codes. */
  readonly help?: string;
  run(args: CommandArgs, io: CommandIo): Promise<number>;
}
