import type { Command, CommandArgs, FlagSpec } from './types';

export const DEFAULT_CONFIG_PATH = 'config/exporter.yaml';

/** Flags every command takes without declaring them. */
export const COMMON_FLAGS: readonly FlagSpec[] = [
  { name: 'config', takesValue: true, description: 'config file (default: $AMAS_EXPORTER_CONFIG or config/exporter.yaml)' },
  { name: 'help', takesValue: false, description: "print this command's usage, flags and exit codes" },
  { name: 'version', takesValue: false, description: 'print the version and exit' },
];

/** What the command line asks for. `usage` is a wrong command line (exit 64) with the reason. */
export type CommandLine =
  | { readonly kind: 'run'; readonly command: Command; readonly args: CommandArgs }
  | { readonly kind: 'help'; readonly command: Command | undefined }
  | { readonly kind: 'version' }
  | { readonly kind: 'usage'; readonly message: string; readonly command?: Command };

type FlagResult = { readonly flags: Record<string, string | boolean>; readonly positionals: string[] } | { readonly error: string };

/**
 * Strict flag parsing against a list of declared flags: `--name value`, `--name=value` for value
 * flags, bare `--name` for switches, `-h` for `--help`, `--` ends the flags. Anything undeclared,
 * a switch given a value or a value flag without one is an error naming the flag.
 */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): FlagResult {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index] as string;
    if (token === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (token === '-h') {
      flags.help = true;
      continue;
    }
    if (!token.startsWith('-') || token === '-') {
      positionals.push(token);
      continue;
    }
    if (!token.startsWith('--')) return { error: `unknown flag ${token}` };
    const [name, inline] = token.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const spec = byName.get(name);
    if (!spec) return { error: `unknown flag --${name}` };
    if (!spec.takesValue) {
      if (inline !== undefined) return { error: `--${name} takes no value` };
      flags[name] = true;
      continue;
    }
    if (inline !== undefined) {
      flags[name] = inline;
      continue;
    }
    const next = argv[index + 1];
    if (next === undefined || next.startsWith('-')) return { error: `--${name} needs a value` };
    flags[name] = next;
    index += 1;
  }
  return { flags, positionals };
}

/** Reads the whole command line: which command, with which flags; or help, version or a usage error. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv, commands: readonly Command[]): CommandLine {
  const first = argv[0];
  // No arguments at all runs the exporter; any flag without a command is refused, so that a typo
  // such as `--versoin` cannot start a server on 0.0.0.0.
  if (first === undefined) argv = ['serve'];
  else if (first.startsWith('-')) {
    const parsed = parseFlags(argv, COMMON_FLAGS);
    if ('error' in parsed) return { kind: 'usage', message: parsed.error };
    if (parsed.flags.help === true) return { kind: 'help', command: undefined };
    if (parsed.flags.version === true) return { kind: 'version' };
    return { kind: 'usage', message: `name a command, e.g. amas-exporter serve ${argv.join(' ')}` };
  }
  const name = argv[0] as string;
  if (name === 'help') return { kind: 'help', command: argv[1] === undefined ? undefined : commands.find((command) => command.name === argv[1]) };
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) return { kind: 'usage', message: `unknown command ${JSON.stringify(name)}` };
  const parsed = parseFlags(argv.slice(1), [...COMMON_FLAGS, ...(command.flags ?? [])]);
  if ('error' in parsed) return { kind: 'usage', command, message: `${command.name}: ${parsed.error} (see amas-exporter ${command.name} --help)` };
  if (parsed.flags.help === true) return { kind: 'help', command };
  if (parsed.flags.version === true) return { kind: 'version' };
  // A command takes positional arguments only when its usage line names one (`<id>`).
  if (parsed.positionals.length > 0 && !command.usage.includes('<')) {
    return { kind: 'usage', command, message: `${command.name}: unexpected argument ${JSON.stringify(parsed.positionals[0])} (see amas-exporter ${command.name} --help)` };
  }
  const config = typeof parsed.flags.config === 'string' ? parsed.flags.config : (env.AMAS_EXPORTER_CONFIG ?? DEFAULT_CONFIG_PATH);
  return { kind: 'run', command, args: { config, positionals: parsed.positionals, flags: parsed.flags } };
}

/** The `Flags:` block of a command's help, from its declarations and the common flags. */
export function flagHelp(command: Command): string {
  const specs = [...(command.flags ?? []), ...COMMON_FLAGS];
  const label = (spec: FlagSpec): string => `--${spec.name}${spec.takesValue ? (spec.name === 'config' ? ' PATH' : ' VALUE') : ''}`;
  const width = Math.max(...specs.map((spec) => label(spec).length)) + 2;
  return ['Flags:', ...specs.map((spec) => `  ${label(spec).padEnd(width)}${spec.description}`)].join('\n');
}
