/** One exit-code table for every command (docs/cli.md). */
export const EXIT = {
  /** Everything checked passed, or the command did its job. */
  ok: 0,
  /** The command ran and a check it made failed (a probe down, a provider fake, a rule broken). */
  checkFailed: 1,
  /** The config (or another input the command needs) cannot be used: unreadable or invalid. */
  configUnusable: 2,
  /** The command line itself is wrong: unknown command or flag, missing or malformed value. */
  usage: 64,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
