import { randomBytes } from 'node:crypto';
import { auditFiles, type AuditFile } from '../../audit/files';
import { parseInstant, parsePeriod, type TimeRange } from '../../audit/time-range';
import { ConfigError } from '../../config/errors';
import { loadConfigFile } from '../../modules/config';
import type { LogsConfig } from '../../logs/config-schema';
import { KeyedHasher } from '../../logs/ip-hash';
import { EXIT } from '../exit-codes';
import type { CommandArgs, CommandIo, FlagSpec } from '../types';

/** What the batch audit commands read: the files of the configured sources and the ip hasher. */
export interface AuditInput {
  readonly files: readonly AuditFile[];
  readonly hasher: KeyedHasher;
  readonly maxLineBytes: number;
  readonly logs: LogsConfig;
}

export const SOURCE_FLAG: FlagSpec = { name: 'source', takesValue: true, description: 'read only this logs source (by name; default every source)' };

/**
 * Loads the config's `logs:` section and lists the files of its sources (or of `--source`). A
 * config that cannot be used gives exit 2 with the reason, an unknown source 64; both on stderr.
 */
export async function openAuditInput(args: CommandArgs, io: CommandIo): Promise<AuditInput | number> {
  let logs: LogsConfig;
  try {
    logs = loadConfigFile(args.config).config.logs;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`amas-exporter: the config cannot be used:\n${error.message}\n`);
    return EXIT.configUnusable;
  }
  const wanted = typeof args.flags.source === 'string' ? args.flags.source : undefined;
  const sources = wanted === undefined ? logs.sources : logs.sources.filter((source) => source.name === wanted);
  if (wanted !== undefined && sources.length === 0) {
    io.stderr(`amas-exporter: no logs source named "${wanted}" in ${args.config} (sources: ${logs.sources.map((source) => source.name).join(', ') || 'none'})\n`);
    return EXIT.usage;
  }
  if (sources.length === 0) {
    io.stderr(`amas-exporter: ${args.config} configures no logs sources (logs.sources)\n`);
    return EXIT.configUnusable;
  }
  if (!logs.hash_key) io.stderr('amas-exporter: logs.hash_key is not set: ip_hash values of this run are random and will not match the exporter\'s\n');
  const key = logs.hash_key ? Buffer.from(logs.hash_key, 'utf8') : randomBytes(32);
  return { files: await auditFiles(sources), hasher: new KeyedHasher(key), maxLineBytes: logs.max_line_bytes, logs };
}

/** The flags that choose a time range: --since/--until, --last DURATION and the --last-<N> switches. */
export const LAST_SWITCHES = ['1h', '24h', '7d', '30d'] as const;
export const RANGE_FLAGS: readonly FlagSpec[] = [
  { name: 'since', takesValue: true, description: 'start of the period: YYYY-MM-DD (UTC) or an ISO 8601 time' },
  { name: 'until', takesValue: true, description: 'end of the period (exclusive; a date means the end of that day; default now)' },
  { name: 'last', takesValue: true, description: 'the period is the last DURATION before --until (e.g. 7d, 24h, 2w)' },
  ...LAST_SWITCHES.map((span) => ({ name: `last-${span}`, takesValue: false, description: `same as --last ${span}` })),
];

/** The time range the flags ask for, or a usage message. `defaultSpan` applies when none is given. */
export function rangeFromFlags(flags: CommandArgs['flags'], defaultSpan: string, now = Date.now()): TimeRange | string {
  const value = (name: string): string | undefined => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  const until = value('until');
  const to = until === undefined ? now : parseInstant(until, 'end');
  if (to === undefined) return `--until ${until}: expected YYYY-MM-DD or an ISO 8601 time`;
  const spans = [...LAST_SWITCHES.filter((span) => flags[`last-${span}`] === true), ...(value('last') === undefined ? [] : [value('last') as string])];
  const since = value('since');
  if (spans.length > 1 || (spans.length === 1 && since !== undefined)) return 'give one of --since, --last or a --last-<N> switch';
  if (since !== undefined) {
    const from = parseInstant(since, 'start');
    if (from === undefined) return `--since ${since}: expected YYYY-MM-DD or an ISO 8601 time`;
    if (from >= to) return `--since ${since} is not before --until`;
    return { from, to };
  }
  const span = spans[0] ?? defaultSpan;
  const ms = parsePeriod(span);
  if (ms === undefined) return `--last ${span}: expected a duration such as 7d, 24h or 2w`;
  return { from: to - ms, to };
}
