import type { LadderReport } from '../ai/ladder';
import type { ValidationRun } from '../ai/run-history';
import { findAiProvidersModule } from '../modules/ai-providers';
import type { Exporter } from '../runtime/exporter';

/** What POST /admin/refresh-provider-health answers: an HTTP status and a JSON body. */
export interface RefreshAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** The part of a ladder report an operator reads after a refresh: rungs, verdict, cost; no transcript. */
export function summariseReport(report: LadderReport): Record<string, unknown> {
  const run = report.validation;
  return {
    provider: report.provider,
    model: report.model,
    status: report.status.status,
    reason: report.status.reason,
    message: report.status.message,
    duration_ms: report.durationMs,
    rungs: Object.fromEntries(
      Object.entries(report.rungs).map(([rung, outcome]) => [rung, outcome && { ok: outcome.ok, skipped: outcome.skipped, reason: outcome.reason, message: outcome.message, elapsed_ms: outcome.elapsedMs }]),
    ),
    model_listed: report.modelListed,
    validation: run && {
      result: run.result.result,
      reason: 'reason' in run.result ? run.result.reason : null,
      detail: run.result.detail,
      latency_ms: run.latencyMs,
      tokens: run.usage,
      cost_usd: run.costUsd,
      verdicts: run.verdicts,
    },
  };
}

/**
 * Runs the ladder of one configured provider, or of every configured one at once, now: the module's
 * runLadderOnce applies the same budget and circuit rules as the schedule and joins a rung already
 * under way, so a refresh never doubles a paid call. An id that is not configured is a 404.
 */
export async function refreshProviders(exporter: Exporter, provider: string | undefined): Promise<RefreshAnswer> {
  const module = findAiProvidersModule(exporter.modules);
  const configured = (module?.providers() ?? []).filter((summary) => summary.configured).map((summary) => summary.id);
  if (!module || configured.length === 0) return { status: 404, body: { error: 'no AI providers are configured' } };
  if (provider !== undefined && !configured.includes(provider)) {
    return { status: 404, body: { error: `provider ${JSON.stringify(provider)} is not configured`, providers: configured } };
  }
  const ids = provider === undefined ? configured : [provider];
  const reports = await Promise.all(ids.map((id) => module.runLadderOnce(id)));
  const results = reports.filter((report): report is LadderReport => report !== undefined).map(summariseReport);
  return { status: 200, body: { refreshed: results.length, results } };
}

/** The provider a debug name refers to: its id, or one of its rung tasks `ai_<id>_<rung>`. */
function providerIdOf(name: string, ids: readonly string[]): string | undefined {
  if (ids.includes(name)) return name;
  const match = /^ai_(.+)_(reachability|metadata|validation)$/.exec(name);
  return match && ids.includes(match[1] as string) ? match[1] : undefined;
}

/**
 * For a provider id or rung task name: the provider's status and its kept validation runs, newest
 * first (failures kept longer than successes), each with every validator's verdict and the
 * transcript, redacted. Undefined for names that are not AI providers.
 */
export function providerDebug(exporter: Exporter, name: string): Record<string, unknown> | undefined {
  const module = findAiProvidersModule(exporter.modules);
  if (!module) return undefined;
  const summaries = module.providers();
  const id = providerIdOf(name, summaries.map((summary) => summary.id));
  const summary = summaries.find((candidate) => candidate.id === id);
  if (!id || !summary) return undefined;
  const runs: readonly ValidationRun[] = module.validationHistory(id) ?? [];
  return {
    id,
    style: summary.style,
    model: summary.model,
    configured: summary.configured,
    status: summary.status,
    validation_runs: runs.map((run) => ({ ...run, started_at: new Date(run.startedAt).toISOString() })),
  };
}
