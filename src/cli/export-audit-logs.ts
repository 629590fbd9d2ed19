import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { auditFieldTable, text } from '../audit/fields';
import { csvHeader, EXPORT_FORMATS, exportObject, formatEntry, type ExportFormat } from '../audit/export-format';
import { newStats, readAudit, totalBytes, type ReadProgress } from '../audit/reader';
import { describeRange, parseInstant } from '../audit/time-range';
import { EXIT } from './exit-codes';
import { openAuditInput, SOURCE_FLAG } from './lib/audit-input';
import { statsJson, statsText } from './lib/audit-summary';
import { ProgressBar } from './lib/progress';
import type { Command, CommandArgs } from './types';

const list = (value: string | boolean | undefined): Set<string> | undefined =>
  typeof value === 'string' ? new Set(value.split(',').map((item) => item.trim()).filter((item) => item !== '')) : undefined;

/** Output is written in pieces of about this size, waiting for the reader when it falls behind. */
const FLUSH_CHARS = 64 * 1024;

function parseFlags(flags: CommandArgs['flags']): { from?: number; to?: number; format: ExportFormat } | string {
  const format = typeof flags.format === 'string' ? flags.format : 'jsonl';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) return `--format ${format}: expected ${EXPORT_FORMATS.join(' or ')}`;
  const bound = (name: string, as: 'start' | 'end'): number | undefined | string => {
    const value = flags[name];
    if (typeof value !== 'string') return undefined;
    return parseInstant(value, as) ?? `--${name} ${value}: expected YYYY-MM-DD (UTC) or an ISO 8601 time`;
  };
  const from = bound('start-date', 'start');
  const to = bound('end-date', 'end');
  if (typeof from === 'string') return from;
  if (typeof to === 'string') return to;
  if (from !== undefined && to !== undefined && from >= to) return '--start-date is after --end-date';
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), format: format as ExportFormat };
}

export const exportAuditLogsCommand: Command = {
  name: 'export-audit-logs',
  summary: 'Export the audit entries of a period from every configured audit source, rotated and compressed files included, in time order.',
  usage: 'amas-exporter export-audit-logs [--config PATH] [--start-date DATE] [--end-date DATE] [--format jsonl|csv] [--output FILE] [--event-type T,...] [--user U,...] [--raw-ip]',
  flags: [
    { name: 'start-date', takesValue: true, description: 'first day (YYYY-MM-DD, UTC) or ISO 8601 time to export (default: the oldest entry)' },
    { name: 'end-date', takesValue: true, description: 'last day to export, inclusive (YYYY-MM-DD), or an exclusive ISO 8601 time (default: the newest entry)' },
    { name: 'format', takesValue: true, description: 'jsonl (one JSON object a line, the default) or csv' },
    { name: 'output', takesValue: true, description: 'write to FILE instead of stdout' },
    { name: 'event-type', takesValue: true, description: 'only these event types (comma-separated, e.g. authentication,security_violation)' },
    { name: 'user', takesValue: true, description: 'only entries of these user_id values (comma-separated)' },
    { name: 'raw-ip', takesValue: false, description: 'export client addresses as they are (default: ip_hash, the keyed hash the metrics use)' },
    SOURCE_FLAG,
    { name: 'json', takesValue: false, description: 'print the summary on stderr as one JSON object' },
  ],
  help: [
    'Reads each source of the config\'s logs section with its rotated members (audit.log.1, audit.log.2.gz, audit.log-20251001, ...),',
    'gunzips .gz members and merges all of them by timestamp, in constant memory. Lines that are not JSON, too long',
    '(logs.max_line_bytes) or without a timestamp are skipped and counted, never fatal. A progress bar is drawn on a',
    'terminal; the summary (entries, files, skipped lines) goes to stderr.',
    'Exit codes: 0 exported, 1 a file could not be read to the end (the export is incomplete), 2 the config or the',
    'output file cannot be used, 64 wrong usage.',
  ].join('\n'),
  async run(args, io) {
    const options = parseFlags(args.flags);
    if (typeof options === 'string') {
      io.stderr(`amas-exporter export-audit-logs: ${options}\n`);
      return EXIT.usage;
    }
    const input = await openAuditInput(args, io);
    if (typeof input === 'number') return input;
    const rawIp = args.flags['raw-ip'] === true;
    const eventTypes = list(args.flags['event-type']);
    const users = list(args.flags.user);
    const { table, slots } = auditFieldTable();

    let file: WriteStream | undefined;
    const outputPath = typeof args.flags.output === 'string' ? args.flags.output : undefined;
    if (outputPath !== undefined) {
      file = createWriteStream(outputPath);
      const opened = await Promise.race([once(file, 'open').then(() => undefined), once(file, 'error').then(([error]) => error as Error)]);
      if (opened instanceof Error) {
        io.stderr(`amas-exporter export-audit-logs: cannot write ${outputPath}: ${opened.message}\n`);
        return EXIT.configUnusable;
      }
    }
    let pending = '';
    const flush = async (): Promise<void> => {
      if (pending === '') return;
      const piece = pending;
      pending = '';
      if (file) {
        if (!file.write(piece)) await once(file, 'drain');
      } else {
        io.stdout(piece);
        if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
      }
    };

    const stats = newStats();
    const progress: ReadProgress = { total: await totalBytes(input.files), done: 0 };
    const bar = io.isTty === true ? new ProgressBar(io.stderr, process.stderr.columns || 80) : undefined;
    let exported = 0;
    bar?.start(() => ({ fraction: progress.total > 0 ? progress.done / progress.total : 1, text: `${exported} entries` }));
    try {
      if (options.format === 'csv') pending += csvHeader(rawIp);
      const records = readAudit(
        {
          files: input.files,
          fields: table,
          timeSlot: slots.timestamp,
          ...(options.from === undefined ? {} : { from: options.from }),
          ...(options.to === undefined ? {} : { to: options.to }),
          keep: (values) => (!eventTypes || eventTypes.has(text(values[slots.event_type]) ?? '')) && (!users || users.has(text(values[slots.user_id]) ?? '')),
          keepLine: true,
          maxLineBytes: input.maxLineBytes,
          stats,
        },
        progress,
      );
      for await (const record of records) {
        const entry = exportObject(record.line as Buffer, input.hasher, rawIp);
        if (!entry) continue;
        pending += formatEntry(entry, options.format);
        exported += 1;
        if (pending.length >= FLUSH_CHARS) await flush();
      }
      await flush();
    } finally {
      bar?.stop();
      if (file) await new Promise<void>((resolve) => file.end(resolve));
    }

    const period = options.from !== undefined && options.to !== undefined ? describeRange({ from: options.from, to: options.to }) : 'every entry';
    if (args.flags.json === true) {
      io.stderr(`${JSON.stringify({ exported, format: options.format, output: outputPath ?? 'stdout', period, ip: rawIp ? 'raw' : 'ip_hash', ...statsJson(stats) })}\n`);
    } else {
      io.stderr(`exported ${exported} entries (${options.format}, ${rawIp ? 'raw addresses' : 'ip_hash'}) to ${outputPath ?? 'stdout'}; period: ${period}\n${statsText(stats)}`);
    }
    return stats.unreadable.length > 0 ? EXIT.checkFailed : EXIT.ok;
  },
};
