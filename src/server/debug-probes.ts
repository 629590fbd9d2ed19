import type { ProbeResult } from '../probes/types';
import type { Exporter } from '../runtime/exporter';
import type { ProbeRecord } from '../scheduler/result-store';
import { providerDebug } from './admin-providers';
import { redactDeep } from './admin-redact';

/** One past run of a probe as GET /debug/probes/<name> returns it. */
export interface DebugRun {
  readonly started_at: string;
  readonly duration_ms: number;
  readonly ok: boolean;
  readonly reason: string | null;
  readonly message: string;
  readonly correlation_id: string;
  readonly observations: readonly { family: string; labels: Readonly<Record<string, string>>; value: number }[];
  /** Whatever else the probe reported with its result (AI provider runs: rungs, verdicts, transcript). */
  readonly details?: Readonly<Record<string, unknown>>;
}

const KNOWN_FIELDS = new Set(['probe', 'correlationId', 'startedAt', 'durationSeconds', 'outcome', 'observations']);

function toDebugRun(result: ProbeResult): DebugRun {
  const extra = Object.fromEntries(Object.entries(result).filter(([key]) => !KNOWN_FIELDS.has(key)));
  return {
    started_at: new Date(result.startedAt).toISOString(),
    duration_ms: Math.round(result.durationSeconds * 100_000) / 100,
    ok: result.outcome.ok,
    reason: result.outcome.ok ? null : result.outcome.reason,
    message: result.outcome.message,
    correlation_id: result.correlationId,
    observations: result.observations.map((o) => ({ family: o.family, labels: o.labels, value: o.value })),
    ...(Object.keys(extra).length > 0 ? { details: extra } : {}),
  };
}

/** Successes and failures of a record merged, newest first. */
function history(record: ProbeRecord): DebugRun[] {
  return [...record.recentSuccesses, ...record.recentFailures].sort((a, b) => b.startedAt - a.startedAt).map(toDebugRun);
}

/** GET /debug/probes: the probes there is history for. */
export function debugProbeList(exporter: Exporter): { probes: { name: string; runs: number; kept_runs: number }[] } {
  return {
    probes: exporter.store.all().map((record) => ({ name: record.name, runs: record.runs, kept_runs: record.recentSuccesses.length + record.recentFailures.length })),
  };
}

/**
 * GET /debug/probes/<name>: the kept runs of one probe (the last 10 successes and 50 failures,
 * failures kept longer because they are what an operator looks for), newest first, redacted.
 * For an AI provider's probe the provider module's validation history is added: each validator's
 * verdict and the redacted transcript. Undefined when nothing by that name exists.
 */
export function debugProbe(exporter: Exporter, name: string): Record<string, unknown> | undefined {
  const record = exporter.store.get(name);
  const provider = providerDebug(exporter, name);
  if (!record && !provider) return undefined;
  const failures = Object.fromEntries(record?.failures ?? []);
  const body = {
    name,
    runs: record?.runs ?? 0,
    failures_by_reason: failures,
    kept: { successes: record?.recentSuccesses.length ?? 0, failures: record?.recentFailures.length ?? 0 },
    history: record ? history(record) : [],
    ...(provider ? { provider } : {}),
  };
  return redactDeep(exporter.secrets, body);
}
