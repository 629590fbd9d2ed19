import { iso, type TimeRange } from '../audit/time-range';
import type { LogCounts, FamilyCounts } from './compliance-logs';
import type { PrometheusFacts } from './compliance-prometheus';
import { formatNumber, formatPercent, type Block, type ReportModel, type Section } from './model';

export interface ComplianceInput {
  readonly range: TimeRange;
  readonly generatedAt: number;
  readonly sources: readonly string[];
  readonly files: number;
  readonly skippedLines: number;
  readonly logs: LogCounts;
  /** Facts from Prometheus, or where they came from instead. */
  readonly providers: { readonly from: 'prometheus'; readonly url: string; readonly facts: PrometheusFacts } | { readonly from: 'logs' };
}

const byValue = (record: Record<string, number>): [string, number][] => Object.entries(record).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
const countTable = (heading: string, record: Record<string, number>): Block => ({ kind: 'table', headers: [heading, 'count'], rows: byValue(record).map(([key, value]) => [key, formatNumber(value)]) });

/** Every day of the range (UTC), so a chart shows the quiet days as zero. */
function days(range: TimeRange): string[] {
  const out: string[] = [];
  for (let day = Date.parse(iso(range.from).slice(0, 10)); day < range.to; day += 86_400_000) out.push(iso(day).slice(0, 10));
  return out;
}

const dailyBars = (title: string, counts: FamilyCounts, range: TimeRange): Block => ({ kind: 'bars', title, unit: 'per day', items: days(range).map((day) => ({ label: day, value: counts.byDay[day] ?? 0 })) });

function providerSection(input: ComplianceInput): Section {
  if (input.providers.from === 'logs') {
    const verdicts = Object.entries(input.logs.verdicts).sort(([a], [b]) => (a < b ? -1 : 1));
    return {
      title: 'AI providers and fake-AI verdicts (from the logs)',
      blocks: [
        { kind: 'text', text: 'No --prometheus-url was given: verdicts come from the bulletproof blocks of the logs (the guide\'s nested format). Provider availability over the period needs Prometheus.' },
        verdicts.length === 0
          ? { kind: 'text', text: 'No validation verdicts in the logs of the period.' }
          : { kind: 'table', headers: ['provider', 'verdicts', 'validated', 'fake AI'], rows: verdicts.map(([provider, v]) => [provider, formatNumber(v.calls), formatNumber(v.validated), formatNumber(v.fakeAi)]) },
      ],
    };
  }
  const { facts, url } = input.providers;
  const availability = Object.entries(facts.availability).sort(([a], [b]) => (a < b ? -1 : 1));
  const blocks: Block[] = [
    { kind: 'text', text: `From Prometheus at ${url}: the share of the period each provider was usable (amas_provider_health), validation verdicts (amas_bulletproof_validations_total) and fake-AI detections (amas_provider_fake_ai_detected_total).` },
    { kind: 'table', headers: ['provider', 'availability'], rows: availability.map(([provider, share]) => [provider, formatPercent(share)]) },
    { kind: 'bars', title: 'Provider availability over the period', unit: '%', items: availability.map(([provider, share]) => ({ label: provider, value: Math.round(share * 10_000) / 100 })) },
    countTable('validation result', facts.validations),
    facts.fakeAi.length === 0 ? { kind: 'text', text: 'No fake-AI detections in the period.' } : { kind: 'table', headers: ['provider', 'reason', 'detections'], rows: facts.fakeAi.map((item) => [item.provider, item.reason, formatNumber(item.count)]) },
  ];
  return { title: 'AI providers and fake-AI verdicts', blocks };
}

/** The compliance report's content: authentication, security events, audit entries, rate limits, providers. */
export function complianceModel(input: ComplianceInput): ReportModel {
  const { families } = input.logs;
  const auth = families.amas_auth_attempts_total;
  const failures = families.amas_auth_failures_total;
  const security = families.amas_security_events_total;
  const audit = families.amas_audit_log_entries_total;
  const limited = families.amas_rate_limit_exceeded_total;
  return {
    title: 'AMAS compliance report',
    lines: [
      `Period: ${iso(input.range.from)} to ${iso(input.range.to)}`,
      `Generated: ${iso(input.generatedAt)} by amas-exporter generate-compliance-report`,
      `Audit sources: ${input.sources.join(', ')} (${input.files} files read, ${input.skippedLines} unreadable lines skipped)`,
    ],
    sections: [
      {
        title: 'Authentication',
        blocks: [
          { kind: 'table', headers: ['measure', 'count'], rows: [['Authentication attempts', formatNumber(auth.total)], ['Authentication failures', formatNumber(failures.total)], ...byValue(auth.byLabel).map(([result, n]) => [`Attempts with result ${result}`, formatNumber(n)])] },
          countTable('failure reason', failures.byLabel),
          dailyBars('Authentication failures', failures, input.range),
        ],
      },
      {
        title: 'Security events',
        blocks: [
          { kind: 'table', headers: ['measure', 'count'], rows: [['Security events', formatNumber(security.total)]] },
          countTable('severity', security.byLabel),
          countTable('event type', input.logs.securityByType),
          dailyBars('Security events', security, input.range),
        ],
      },
      { title: 'Audit log entries by action', blocks: [{ kind: 'table', headers: ['measure', 'count'], rows: [['Audit log entries', formatNumber(audit.total)]] }, countTable('action', audit.byLabel)] },
      { title: 'Rate limiting', blocks: [{ kind: 'table', headers: ['measure', 'count'], rows: [['Rate-limit events', formatNumber(limited.total)]] }, countTable('endpoint', limited.byLabel), dailyBars('Rate-limit events', limited, input.range)] },
      providerSection(input),
    ],
  };
}
