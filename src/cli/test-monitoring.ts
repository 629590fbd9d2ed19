import { parseDurationMs } from '../lib/duration';
import { checkEndpoint, checkFreshness, checkHealthBody, checkLint, checkMetricsText, fetchText, noAnswerDetail, type CheckOutcome, type ProbeSchedule } from './lib/monitoring-checks';
import { EXIT_USAGE } from './lib/runtime';
import { formatTable } from './lib/table';
import { detectTerminal, verdict } from './lib/terminal';
import type { Command } from './types';

const JSON_TYPE = /^application\/json\b/;
const PROMETHEUS_TYPE = /^text\/plain; version=0\.0\.4\b/;
const OPENMETRICS_TYPE = /^application\/openmetrics-text; version=1\.0\.0\b/;
const HEALTH_STATUSES = [200, 503];

function durationFlag(value: string | boolean | undefined, fallbackMs: number | undefined): number | undefined | 'invalid' {
  if (value === undefined) return fallbackMs;
  return typeof value === 'string' ? (parseDurationMs(value) ?? 'invalid') : 'invalid';
}

/** Runs every check against the exporter at `base`; never throws for an exporter that misbehaves. */
export async function runMonitoringChecks(base: string, timeoutMs: number, maxAgeMs: number | undefined): Promise<CheckOutcome[]> {
  const get = (path: string, accept?: string) => fetchText(base, path, timeoutMs, accept);
  const [livez, readyz, health, ready, metrics, openmetrics, ai, security, page, status] = await Promise.all([
    get('/livez'),
    get('/readyz'),
    get('/health'),
    get('/ready'),
    get('/metrics'),
    get('/metrics', 'application/openmetrics-text; version=1.0.0'),
    get('/metrics/ai-providers'),
    get('/metrics/security'),
    get('/'),
    get('/api/status'),
  ]);
  // Nothing answered at all: one clear row instead of a failure per endpoint.
  const all = [livez, readyz, health, ready, metrics, openmetrics, ai, security, page, status];
  if (all.every((fetched) => fetched.status === 0)) {
    return [{ name: `exporter answers at ${base}`, ok: false, detail: noAnswerDetail(livez.text, timeoutMs) }];
  }
  const outcomes: CheckOutcome[] = [];
  const push = <T extends CheckOutcome>(outcome: T): T => {
    outcomes.push({ name: outcome.name, ok: outcome.ok, detail: outcome.detail });
    return outcome;
  };
  const live = push(checkEndpoint('GET /livez', livez, [200], JSON_TYPE));
  if (live.ok && (live.json as { status?: unknown }).status !== 'alive') push({ name: '/livez says alive', ok: false, detail: `status ${JSON.stringify((live.json as { status?: unknown }).status)}` });
  push(checkEndpoint('GET /readyz', readyz, [200, 503], JSON_TYPE));
  const healthJson = push(checkEndpoint('GET /health', health, HEALTH_STATUSES, JSON_TYPE));
  if (healthJson.ok) push(checkHealthBody(healthJson.json, health.status));
  const readyJson = push(checkEndpoint('GET /ready', ready, HEALTH_STATUSES, JSON_TYPE));
  if (readyJson.ok) {
    const body = readyJson.json as { status?: unknown; services?: unknown };
    const ok = (body.status === 'ready') === (ready.status === 200) && ['ready', 'not_ready'].includes(String(body.status)) && typeof body.services === 'object';
    push({ name: '/ready has status and services', ok, detail: ok ? `status ${String(body.status)}` : `status ${JSON.stringify(body.status)} with HTTP ${ready.status}` });
  }
  let samples = push(checkEndpoint('GET /metrics', metrics, [200], PROMETHEUS_TYPE)).ok ? push(checkMetricsText('/metrics parses (text 0.0.4)', metrics, 'prometheus')).samples : undefined;
  // The lint of `promtool check metrics`, on the body that parsed.
  if (samples) push(checkLint('/metrics passes the promtool lint', metrics));
  if (samples && !samples.some((sample) => sample.name === 'amas_exporter_build_info')) {
    push({ name: '/metrics has amas_exporter_build_info', ok: false, detail: 'missing' });
    samples = undefined;
  }
  if (push(checkEndpoint('GET /metrics (OpenMetrics)', openmetrics, [200], OPENMETRICS_TYPE)).ok) push(checkMetricsText('/metrics parses (OpenMetrics 1.0)', openmetrics, 'openmetrics'));
  if (push(checkEndpoint('GET /metrics/ai-providers', ai, [200], PROMETHEUS_TYPE)).ok && push(checkMetricsText('/metrics/ai-providers parses', ai, 'prometheus', true)).ok) push(checkLint('/metrics/ai-providers passes the promtool lint', ai));
  if (push(checkEndpoint('GET /metrics/security', security, [200], PROMETHEUS_TYPE)).ok && push(checkMetricsText('/metrics/security parses', security, 'prometheus', true)).ok) push(checkLint('/metrics/security passes the promtool lint', security));
  push(checkEndpoint('GET / (status page)', page, [200], /^text\/html\b/));
  const statusJson = push(checkEndpoint('GET /api/status', status, [200], JSON_TYPE));
  if (samples && healthJson.ok) {
    const body = healthJson.json as { timestamp?: string; uptime?: number };
    const schedules = statusJson.ok ? ((statusJson.json as { probes?: ProbeSchedule[] }).probes ?? []) : [];
    const now = Date.parse(body.timestamp ?? '') / 1000;
    push(checkFreshness(samples, Number.isFinite(now) ? now : Date.now() / 1000, body.uptime ?? 0, schedules, maxAgeMs === undefined ? undefined : maxAgeMs / 1000));
  }
  return outcomes;
}

export const testMonitoringCommand: Command = {
  name: 'test-monitoring',
  summary: "Check a running exporter from outside: endpoints, content types, /metrics syntax, the seed's health fields and fresh results.",
  usage: 'amas-exporter test-monitoring [--url http://127.0.0.1:8001] [--max-age DURATION] [--timeout DURATION] [--json]',
  flags: [
    { name: 'url', takesValue: true, description: 'base URL of the exporter (default http://127.0.0.1:8001)' },
    { name: 'max-age', takesValue: true, description: 'oldest acceptable probe result, e.g. 2m (default: per probe, two intervals plus its timeout, from /api/status)' },
    { name: 'timeout', takesValue: true, description: 'deadline of each request (default 5s)' },
    { name: 'json', takesValue: false, description: 'print {url, ok, checks[]} as JSON' },
  ],
  help: [
    'Checks /livez, /readyz, /health, /ready, /metrics (text 0.0.4 and OpenMetrics), /metrics/ai-providers,',
    '/metrics/security, / and /api/status: status code, content type, exposition syntax, the findings',
    '`promtool check metrics` would report (its lint, built in), the seed /health fields and that',
    'amas_probe_last_run_timestamp_seconds is recent for every probe.',
    '',
    'Exit codes: 0 every check passed, 1 a check failed (or the exporter did not answer), 64 wrong usage.',
  ].join('\n'),
  async run(args, io) {
    const url = typeof args.flags.url === 'string' ? args.flags.url : 'http://127.0.0.1:8001';
    const timeoutMs = durationFlag(args.flags.timeout, 5000);
    const maxAgeMs = durationFlag(args.flags['max-age'], undefined);
    if (!/^https?:\/\/[^/]+/.test(url) || timeoutMs === 'invalid' || maxAgeMs === 'invalid' || timeoutMs === undefined) {
      io.stderr('amas-exporter test-monitoring: --url must be an http(s) URL; --max-age and --timeout durations such as 30s or 5m\n');
      return EXIT_USAGE;
    }
    const outcomes = await runMonitoringChecks(url.replace(/\/+$/, ''), timeoutMs, maxAgeMs);
    const ok = outcomes.every((outcome) => outcome.ok);
    if (args.flags.json === true) {
      io.stdout(`${JSON.stringify({ url, ok, checks: outcomes }, null, 2)}\n`);
    } else {
      const terminal = detectTerminal();
      io.stdout(`Checking ${url}\n\n`);
      io.stdout(formatTable([{ heading: 'CHECK' }, { heading: 'RESULT' }, { heading: 'DETAIL' }], outcomes.map((o) => [o.name, verdict(terminal, o.ok), o.detail])));
      const failed = outcomes.filter((outcome) => !outcome.ok).length;
      io.stdout(`\n${outcomes.length} checks: ${outcomes.length - failed} passed, ${failed} failed\n`);
    }
    return ok ? 0 : 1;
  },
};
