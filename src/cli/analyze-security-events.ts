import { auditFieldTable } from '../audit/fields';
import { newStats, readAudit } from '../audit/reader';
import { SecurityAnalysis, SEVERITIES, type SecurityReport, type Severity } from '../audit/security-analysis';
import { EXIT } from './exit-codes';
import { openAuditInput, RANGE_FLAGS, rangeFromFlags, SOURCE_FLAG } from './lib/audit-input';
import { statsJson, statsText } from './lib/audit-summary';
import { formatTable } from './lib/table';
import type { Command } from './types';

const signed = (change: { delta: number; percent: number | null }): string =>
  `${change.delta > 0 ? '+' : ''}${change.delta}${change.percent === null ? '' : ` (${change.percent > 0 ? '+' : ''}${change.percent}%)`}`;

function bar(count: number, max: number, width = 40): string {
  return max === 0 ? '' : '#'.repeat(Math.round((count / max) * width)) || (count > 0 ? '#' : '');
}

/** The report as text tables for a terminal (or a pipe without --json). */
export function securityTables(report: SecurityReport): string {
  const out: string[] = [];
  out.push(`Security events ${report.period.from} .. ${report.period.to}${report.min_severity ? `, severity ${report.min_severity} and above` : ''}`);
  out.push(`total ${report.total} (previous period: ${report.change.total.previous}, change ${signed(report.change.total)}); first seen ${report.first_seen ?? '-'}, last seen ${report.last_seen ?? '-'}`, '');
  const severityRows = Object.entries(report.change.by_severity).map(([key, value]) => [key, String(value.current), String(value.previous), signed(value)]);
  out.push(formatTable([{ heading: 'severity' }, { heading: 'events', right: true }, { heading: 'previous', right: true }, { heading: 'change' }], severityRows));
  const typeRows = Object.entries(report.change.by_type).map(([key, value]) => [key, String(value.current), String(value.previous), signed(value)]);
  out.push(formatTable([{ heading: 'type' }, { heading: 'events', right: true }, { heading: 'previous', right: true }, { heading: 'change' }], typeRows));
  for (const [title, list] of [['address (ip_hash)', report.top.ip_hashes], ['endpoint', report.top.endpoints], ['user', report.top.users]] as const) {
    out.push(formatTable([{ heading: `top ${title}`, maxWidth: 60 }, { heading: 'events', right: true }], list.map((item) => [item.value, String(item.count)])));
  }
  const max = Math.max(0, ...report.histogram.buckets.map((bucket) => bucket.count));
  out.push(`events per ${report.histogram.step_seconds >= 86400 ? `${report.histogram.step_seconds / 86400}d` : report.histogram.step_seconds >= 3600 ? `${report.histogram.step_seconds / 3600}h` : `${report.histogram.step_seconds / 60}m`}:`);
  out.push(formatTable([{ heading: 'from' }, { heading: 'events', right: true }, { heading: '' }], report.histogram.buckets.map((bucket) => [bucket.start.replace('.000Z', 'Z'), String(bucket.count), bar(bucket.count, max)])));
  return out.join('\n');
}

export const analyzeSecurityEventsCommand: Command = {
  name: 'analyze-security-events',
  summary: 'Summarise the security events of a period from the audit logs, against the period before it.',
  usage: 'amas-exporter analyze-security-events [--config PATH] [--severity LEVEL] [--last-7d | --last DURATION | --since DATE [--until DATE]] [--top N] [--json]',
  flags: [
    { name: 'severity', takesValue: true, description: `only events at or above this severity (${SEVERITIES.join(', ')})` },
    ...RANGE_FLAGS,
    { name: 'top', takesValue: true, description: 'how many address hashes, endpoints and users to list (default 10)' },
    SOURCE_FLAG,
    { name: 'json', takesValue: false, description: 'print the analysis as JSON on stdout' },
  ],
  help: [
    'Reads every security_violation entry of the configured audit sources (rotated and .gz members included) in the',
    'period (default: the last 7 days) and in the period of the same length before it. Prints totals by type and',
    'severity, a time histogram, the top client address hashes (ip_hash, never the address), endpoints and users,',
    'first and last seen, and the change against the previous period. Unreadable lines are counted on stderr.',
    'Exit codes: 0 done, 1 a file could not be read to the end, 2 the config cannot be used, 64 wrong usage.',
  ].join('\n'),
  async run(args, io) {
    const range = rangeFromFlags(args.flags, '7d');
    if (typeof range === 'string') {
      io.stderr(`amas-exporter analyze-security-events: ${range}\n`);
      return EXIT.usage;
    }
    const severity = typeof args.flags.severity === 'string' ? args.flags.severity.toLowerCase() : undefined;
    if (severity !== undefined && !(SEVERITIES as readonly string[]).includes(severity)) {
      io.stderr(`amas-exporter analyze-security-events: --severity ${severity}: expected one of ${SEVERITIES.join(', ')}\n`);
      return EXIT.usage;
    }
    const top = typeof args.flags.top === 'string' ? Number(args.flags.top) : 10;
    if (!Number.isInteger(top) || top < 1 || top > 1000) {
      io.stderr('amas-exporter analyze-security-events: --top expects a whole number from 1 to 1000\n');
      return EXIT.usage;
    }
    const input = await openAuditInput(args, io);
    if (typeof input === 'number') return input;
    const { table, slots } = auditFieldTable();
    const analysis = new SecurityAnalysis(range, severity as Severity | undefined, slots, input.hasher);
    const stats = newStats();
    const records = readAudit({ files: input.files, fields: table, timeSlot: slots.timestamp, from: analysis.previous.from, to: range.to, keep: (values) => analysis.wants(values), maxLineBytes: input.maxLineBytes, stats });
    for await (const record of records) analysis.add(record.time, record.values);
    const report = analysis.result(top);
    if (args.flags.json === true) io.stdout(`${JSON.stringify({ ...report, read: statsJson(stats) }, null, 2)}\n`);
    else {
      io.stdout(`${securityTables(report)}\n`);
      io.stderr(statsText(stats));
    }
    return stats.unreadable.length > 0 ? EXIT.checkFailed : EXIT.ok;
  },
};
