/** One thing wrong with a config file, located as precisely as the YAML allows. */
export interface ConfigProblem {
  readonly file: string;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  /** Key path such as `probes[2].timeout`; empty for problems of the whole file. */
  readonly path: string;
  readonly message: string;
}

export function formatProblem(problem: ConfigProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  return problem.path ? `${where}: ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}

/**
 * A config that cannot be used. `unreadable` means the file itself could not be read (exit 2 in
 * check-config); `invalid` carries every problem found, not just the first.
 */
export class ConfigError extends Error {
  constructor(
    readonly kind: 'unreadable' | 'invalid',
    readonly problems: readonly ConfigProblem[],
  ) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}
