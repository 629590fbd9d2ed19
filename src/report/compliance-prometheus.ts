import { formatDuration } from '../lib/duration';
import type { TimeRange } from '../audit/time-range';

/** Provider availability and fake-AI verdicts over the period, as Prometheus stored them. */
export interface PrometheusFacts {
  /** Share of the period (0..1) each provider was usable (amas_provider_health 1). */
  readonly availability: Record<string, number>;
  /** Fake-AI detections per provider and reason. */
  readonly fakeAi: { provider: string; reason: string; count: number }[];
  /** Validation verdicts across providers, by result. */
  readonly validations: Record<string, number>;
  /** Availability per provider per UTC day, for the chart. */
  readonly dailyAvailability: Record<string, Record<string, number>>;
}

interface Sample {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

/** The URL without credentials, for messages. */
export function safeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

async function api(base: URL, endpoint: string, params: Record<string, string>): Promise<Sample[]> {
  const url = new URL(`${base.pathname.replace(/\/$/, '')}/api/v1/${endpoint}`, base);
  const headers: Record<string, string> = {};
  if (base.username) headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
  url.username = '';
  url.password = '';
  const response = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params), signal: AbortSignal.timeout(30_000) });
  const body = (await response.json().catch(() => undefined)) as { status?: string; error?: string; data?: { result: Sample[] } } | undefined;
  if (!body || body.status !== 'success' || !body.data) throw new Error(`${safeUrl(base)} answered ${response.status}${body?.error ? `: ${body.error}` : ''}`);
  return body.data.result;
}

/** The subquery step: about 2000 points over the period, never under a minute. */
const stepFor = (ms: number): string => formatDuration(Math.max(60_000, Math.ceil(ms / 2000 / 60_000) * 60_000));

/** Reads the provider facts of `range` from the Prometheus at `base`; throws with a reason on failure. */
export async function readPrometheus(base: URL, range: TimeRange): Promise<PrometheusFacts> {
  const length = range.to - range.from;
  const period = formatDuration(Math.max(60_000, Math.round(length / 60_000) * 60_000));
  const time = String(range.to / 1000);
  const usable = 'max by (provider) (amas_provider_health)';
  const [availability, fakeAi, validations] = await Promise.all([
    api(base, 'query', { query: `avg_over_time((${usable})[${period}:${stepFor(length)}])`, time }),
    api(base, 'query', { query: `sum by (provider, reason) (increase(amas_provider_fake_ai_detected_total[${period}]))`, time }),
    api(base, 'query', { query: `sum by (result) (increase(amas_bulletproof_validations_total[${period}]))`, time }),
  ]);
  const dailyAvailability: Record<string, Record<string, number>> = {};
  if (length >= 2 * 86_400_000) {
    const days = await api(base, 'query_range', { query: `avg_over_time((${usable})[1d:${stepFor(86_400_000)}])`, start: String((range.from + 86_400_000) / 1000), end: time, step: '86400' });
    for (const series of days) {
      for (const [at, value] of series.values ?? []) {
        const day = new Date((at - 86_400) * 1000).toISOString().slice(0, 10);
        (dailyAvailability[day] ??= {})[series.metric.provider ?? 'unknown'] = Number(value);
      }
    }
  }
  const value = (sample: Sample): number => Number(sample.value?.[1] ?? 0);
  return {
    availability: Object.fromEntries(availability.map((sample) => [sample.metric.provider ?? 'unknown', value(sample)])),
    fakeAi: fakeAi.map((sample) => ({ provider: sample.metric.provider ?? 'unknown', reason: sample.metric.reason ?? 'unknown', count: Math.round(value(sample)) })).filter((item) => item.count > 0),
    validations: Object.fromEntries(validations.map((sample) => [sample.metric.result ?? 'unknown', Math.round(value(sample))])),
    dailyAvailability,
  };
}
