import type { CommandArgs } from './types';

export const DEFAULT_CONFIG_PATH = 'config/exporter.yaml';

/** `--flag value`, `--flag=value` and bare `--flag` (true); the rest are positionals. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): { command: string | undefined; args: CommandArgs } {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index] as string;
    if (!token.startsWith('--')) {
      positionals.push(token);
      continue;
    }
    const [name, inline] = token.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const next = argv[index + 1];
    if (inline !== undefined) flags[name] = inline;
    else if (next !== undefined && !next.startsWith('--') && VALUE_FLAGS.has(name)) {
      flags[name] = next;
      index += 1;
    } else flags[name] = true;
  }
  const [command, ...rest] = positionals;
  const config = typeof flags.config === 'string' ? flags.config : (env.AMAS_EXPORTER_CONFIG ?? DEFAULT_CONFIG_PATH);
  return { command, args: { config, positionals: rest, flags } };
}

/** Flags that take a value; the others are switches. */
const VALUE_FLAGS = new Set(['config', 'url', 'duration', 'concurrent', 'provider', 'timeout', 'output', 'token', 'token-file', 'only', 'max-age', 'max-requests', 'confirm-above']);
