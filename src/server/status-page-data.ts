import type { Exporter } from '../runtime/exporter';
import { VERSION } from '../runtime/version';
import type { ProbeRecord } from '../scheduler/result-store';
import { redactDeep } from './admin-redact';
import type { FakeHistory } from '../ai/verdict';
import { findAiProvidersModule } from '../modules/ai-providers';
import { providerViews, type ProviderView } from './status-page-providers';
import { statusHistoryOf, type ProbeHistoryView } from './status-history';

/** The latest run of a probe, as the status page shows it. */
export interface LatestRun {
  readonly ok: boolean;
  readonly reason: string | null;
  readonly message: string;
  readonly started_at: string;
  readonly duration_ms: number;
}

/** A scheduled probe with its schedule and latest result. */
export interface ProbeView {
  readonly name: string;
  readonly module: string;
  readonly interval_seconds: number;
  readonly timeout_seconds: number;
  readonly runs: number;
  readonly failures: number;
  readonly latest: LatestRun | null;
  /** The last runs (oldest first) and uptime over 1 h and 24 h. */
  readonly history: ProbeHistoryView;
}

/** A dependency probe from `probes:` with what the config says about it. */
export interface DependencyView extends ProbeView {
  readonly type: string;
  readonly critical: boolean;
  readonly service: string | null;
}

/** A log source, from the log families every tail feeds. */
export interface LogSourceView {
  readonly source: string;
  readonly last_line_at: string | null;
  readonly lines: Readonly<Record<string, number>>;
}

/** The body of GET /api/status: what /health does not carry, read from memory only. */
export interface StatusSnapshot {
  readonly generated_at: string;
  readonly exporter: {
    readonly version: string;
    readonly node_version: string;
    readonly started_at: string;
    readonly uptime_seconds: number;
    readonly ready: boolean;
    readonly config_reload_ok: boolean;
    readonly config_loaded_at: string | null;
    readonly probes_in_flight: number;
    readonly admin_api: boolean;
  };
  readonly probes: readonly ProbeView[];
  readonly dependencies: readonly DependencyView[];
  readonly providers: readonly ProviderView[];
  /** Per provider id: how often it was caught faking in the recent window, since when (sticky verdict). */
  readonly fake_ai: Readonly<Record<string, FakeHistory>>;
  readonly log_sources: readonly LogSourceView[];
}

export function latestRun(record: ProbeRecord | undefined): LatestRun | null {
  const latest = record?.latest;
  if (!latest) return null;
  return {
    ok: latest.outcome.ok,
    reason: latest.outcome.ok ? null : latest.outcome.reason,
    message: latest.outcome.message,
    started_at: new Date(latest.startedAt).toISOString(),
    duration_ms: Math.round(latest.durationSeconds * 1000),
  };
}

const isoOrNull = (seconds: number | undefined): string | null => (seconds ? new Date(seconds * 1000).toISOString() : null);

async function logSources(exporter: Exporter): Promise<LogSourceView[]> {
  const { logLines, logLastLine } = exporter.bundle.metrics;
  const sources = new Map<string, { last?: number; lines: Record<string, number> }>();
  const entry = (source: string) => sources.get(source) ?? sources.set(source, { lines: {} }).get(source)!;
  for (const { labels, value } of (await logLines.get()).values) entry(String(labels.source)).lines[String(labels.result)] = value;
  for (const { labels, value } of (await logLastLine.get()).values) entry(String(labels.source)).last = value;
  return [...sources].map(([source, state]) => ({ source, last_line_at: isoOrNull(state.last), lines: state.lines }));
}

/** Builds GET /api/status. Reads the result store, module state and metric values; never waits for a probe. */
export async function buildStatusSnapshot(exporter: Exporter): Promise<StatusSnapshot> {
  // Gauges derived from module state are filled here, as before a scrape.
  for (const module of exporter.modules) module.beforeScrape();
  const { metrics } = exporter.bundle;
  const history = statusHistoryOf(exporter.store);
  const probes: ProbeView[] = exporter.modules.flatMap((module) =>
    module.tasks().map((task) => {
      const record = exporter.store.get(task.name);
      return {
        name: task.name,
        module: module.name,
        interval_seconds: task.intervalMs / 1000,
        timeout_seconds: task.timeoutMs / 1000,
        runs: record?.runs ?? 0,
        failures: [...(record?.failures.values() ?? [])].reduce((sum, count) => sum + count, 0),
        latest: latestRun(record),
        history: history.view(task.name),
      };
    }),
  );
  const dependencies: DependencyView[] = exporter.config.probes.flatMap((probe) => {
    const view = probes.find((candidate) => candidate.name === probe.name);
    // A fresh history: redactDeep nulls an array it meets twice in one snapshot.
    return view ? [{ ...view, history: history.view(view.name), type: probe.type, critical: probe.critical, service: probe.service || null }] : [];
  });
  const reloadOk = (await metrics.configReloadSuccessful.get()).values[0]?.value;
  const loadedAt = (await metrics.configReloadTimestamp.get()).values[0]?.value;
  const inFlight = (await metrics.probesInFlight.get()).values[0]?.value ?? 0;
  const snapshot: StatusSnapshot = {
    generated_at: new Date().toISOString(),
    exporter: {
      version: VERSION,
      node_version: process.version,
      started_at: new Date(exporter.startedAt).toISOString(),
      uptime_seconds: Math.round((Date.now() - exporter.startedAt) / 100) / 10,
      ready: exporter.selfReady(),
      config_reload_ok: reloadOk === 1,
      config_loaded_at: isoOrNull(loadedAt),
      probes_in_flight: inFlight,
      admin_api: exporter.config.admin.token !== '',
    },
    probes,
    dependencies,
    providers: providerViews(exporter, history),
    fake_ai: Object.fromEntries((findAiProvidersModule(exporter.modules)?.providers() ?? []).map((provider) => [provider.id, provider.fakeAi])),
    log_sources: await logSources(exporter),
  };
  return redactDeep(exporter.secrets, snapshot);
}
