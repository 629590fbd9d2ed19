import { writeFile } from 'node:fs/promises';
import { newStats, skippedLines } from '../audit/reader';
import { parseInstant, parsePeriod, type TimeRange } from '../audit/time-range';
import { countFromLogs } from '../report/compliance-logs';
import { complianceModel, type ComplianceInput } from '../report/compliance-model';
import { readPrometheus, safeUrl } from '../report/compliance-prometheus';
import { REPORT_FORMATS, RENDERERS, type ReportFormat } from '../report/renderers';
import { EXIT } from './exit-codes';
import { openAuditInput, SOURCE_FLAG } from './lib/audit-input';
import { statsText } from './lib/audit-summary';
import type { Command, CommandArgs } from './types';

function parseOptions(flags: CommandArgs['flags'], now: number): { range: TimeRange; format: ReportFormat; prometheus: URL | undefined } | string {
  const format = typeof flags.format === 'string' ? flags.format : 'pdf';
  if (!(REPORT_FORMATS as string[]).includes(format)) return `--format ${format}: expected ${REPORT_FORMATS.join(', ')}`;
  const period = typeof flags.period === 'string' ? flags.period : '30d';
  const length = parsePeriod(period);
  if (length === undefined) return `--period ${period}: expected a duration such as 30d, 7d or 2w`;
  const until = typeof flags.until === 'string' ? flags.until : undefined;
  const to = until === undefined ? now : parseInstant(until, 'end');
  if (to === undefined) return `--until ${until}: expected YYYY-MM-DD or an ISO 8601 time`;
  let prometheus: URL | undefined;
  if (typeof flags['prometheus-url'] === 'string') {
    try {
      prometheus = new URL(flags['prometheus-url']);
    } catch {
      return '--prometheus-url: not a URL';
    }
    if (prometheus.protocol !== 'http:' && prometheus.protocol !== 'https:') return '--prometheus-url: expected an http:// or https:// URL';
  }
  return { range: { from: to - length, to }, format: format as ReportFormat, prometheus };
}

export const generateComplianceReportCommand: Command = {
  name: 'generate-compliance-report',
  summary: 'Write a compliance report (PDF, HTML or Markdown) of a period from the audit logs and, if given, Prometheus.',
  usage: 'amas-exporter generate-compliance-report [--config PATH] [--format pdf|html|md] [--period 30d] [--until DATE] [--prometheus-url URL] [--output FILE] [--json]',
  flags: [
    { name: 'format', takesValue: true, description: 'pdf (default), html or md' },
    { name: 'period', takesValue: true, description: 'how far back the report goes from --until (default 30d)' },
    { name: 'until', takesValue: true, description: 'end of the period (YYYY-MM-DD means the end of that day; default now)' },
    { name: 'prometheus-url', takesValue: true, description: 'read provider availability and fake-AI verdicts from this Prometheus (else from the logs)' },
    { name: 'output', takesValue: true, description: 'write the report to FILE (default compliance-report-<date>.<format>; - for stdout)' },
    SOURCE_FLAG,
    { name: 'json', takesValue: false, description: 'also print the figures of the report as JSON on stdout' },
  ],
  help: [
    'One report for an auditor: authentication attempts and failures, security events by severity and type, audit',
    'entries by action and rate-limit events, counted from the configured audit sources (rotated and .gz members',
    'included) with the exporter\'s own log mappings, with a chart per day; and provider availability and fake-AI',
    'verdicts over the period from Prometheus (--prometheus-url) or, without it, from the logs\' validation records.',
    'PDF needs no browser (pdfkit). Prometheus credentials may be given in the URL (https://user:pass@host) and are',
    'never printed.',
    'Exit codes: 0 written, 1 a log file could not be read to the end, 2 the config, Prometheus or the output file',
    'cannot be used, 64 wrong usage.',
  ].join('\n'),
  async run(args, io) {
    const now = Date.now();
    const options = parseOptions(args.flags, now);
    if (typeof options === 'string') {
      io.stderr(`amas-exporter generate-compliance-report: ${options}\n`);
      return EXIT.usage;
    }
    const input = await openAuditInput(args, io);
    if (typeof input === 'number') return input;
    const stats = newStats();
    const logs = await countFromLogs(input.files, input.logs, input.hasher, options.range, stats);
    let providers: ComplianceInput['providers'] = { from: 'logs' };
    if (options.prometheus) {
      try {
        providers = { from: 'prometheus', url: safeUrl(options.prometheus), facts: await readPrometheus(options.prometheus, options.range) };
      } catch (error) {
        io.stderr(`amas-exporter generate-compliance-report: cannot read Prometheus at ${safeUrl(options.prometheus)}: ${(error as Error).message.replaceAll(options.prometheus.password || '\u0000', '***')}\n`);
        return EXIT.configUnusable;
      }
    }
    const sources = [...new Set(input.files.map((file) => file.source))];
    const model = complianceModel({ range: options.range, generatedAt: now, sources, files: stats.files, skippedLines: skippedLines(stats), logs, providers });
    const bytes = await RENDERERS[options.format](model);
    const output = typeof args.flags.output === 'string' ? args.flags.output : `compliance-report-${new Date(options.range.to).toISOString().slice(0, 10)}.${options.format}`;
    if (output === '-') process.stdout.write(bytes);
    else {
      try {
        await writeFile(output, bytes);
      } catch (error) {
        io.stderr(`amas-exporter generate-compliance-report: cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
        return EXIT.configUnusable;
      }
    }
    if (args.flags.json === true && output !== '-') {
      const families = Object.fromEntries(Object.entries(logs.families).map(([name, counts]) => [name, { total: counts.total, by: counts.byLabel, by_day: counts.byDay }]));
      io.stdout(`${JSON.stringify({ output, format: options.format, period: { from: new Date(options.range.from).toISOString(), to: new Date(options.range.to).toISOString() }, families, security_by_type: logs.securityByType, providers: providers.from === 'prometheus' ? { from: 'prometheus', ...providers.facts } : { from: 'logs', verdicts: logs.verdicts } }, null, 2)}\n`);
    }
    io.stderr(`wrote ${output} (${options.format}, ${bytes.length} bytes)\n${statsText(stats)}`);
    return stats.unreadable.length > 0 ? EXIT.checkFailed : EXIT.ok;
  },
};
