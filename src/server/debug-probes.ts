import type { Request, RequestHandler, Response } from 'express';
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

/** Which part of a long list one request returns. */
export interface DebugPage {
  readonly offset: number;
  readonly limit: number;
}

export const DEFAULT_DEBUG_PAGE: DebugPage = { offset: 0, limit: 20 };
/** Most entries one request may ask for. */
export const MAX_DEBUG_LIMIT = 200;
/** A body stops taking entries once its entries pass this size: a few transcripts must not make a reply of megabytes. */
export const DEBUG_BODY_CAP_BYTES = 256 * 1024;

/** `?offset=&limit=` of a /debug/probes request, or an error message for the client (400). */
export function debugPageOf(query: Record<string, unknown>): DebugPage | string {
  const read = (name: string, fallback: number, max: number): number | string => {
    const raw = query[name];
    if (raw === undefined) return fallback;
    if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) return `${name} must be a whole number from 0 to ${max}`;
    const value = Number(raw);
    return value > max ? `${name} must be a whole number from 0 to ${max}` : value;
  };
  const offset = read('offset', DEFAULT_DEBUG_PAGE.offset, 1_000_000);
  const limit = read('limit', DEFAULT_DEBUG_PAGE.limit, MAX_DEBUG_LIMIT);
  if (typeof offset === 'string') return offset;
  if (typeof limit === 'string') return limit;
  return { offset, limit: Math.max(1, limit) };
}

/** One page of a list, cut further at DEBUG_BODY_CAP_BYTES of JSON, with where the next page starts. */
export function pageOf<T>(items: readonly T[], page: DebugPage): { items: T[]; total: number; offset: number; next_offset: number | null; truncated: boolean } {
  const taken: T[] = [];
  let bytes = 0;
  let truncated = false;
  for (const item of items.slice(page.offset, page.offset + page.limit)) {
    const size = JSON.stringify(item)?.length ?? 0;
    // The first entry is always given, or a single huge run could never be read.
    if (taken.length > 0 && bytes + size > DEBUG_BODY_CAP_BYTES) {
      truncated = true;
      break;
    }
    taken.push(item);
    bytes += size;
  }
  const end = page.offset + taken.length;
  return { items: taken, total: items.length, offset: page.offset, next_offset: end < items.length ? end : null, truncated };
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

/** The provider block with its validation runs (transcripts included) cut to the same page. */
function providerPage(provider: Record<string, unknown>, page: DebugPage): Record<string, unknown> {
  const runs = Array.isArray(provider.validation_runs) ? (provider.validation_runs as unknown[]) : [];
  const { items, ...position } = pageOf(runs, page);
  return { ...provider, validation_runs: items, validation_runs_page: position };
}

/** Successes and failures of a record merged, newest first. */
function history(record: ProbeRecord): DebugRun[] {
  return [...record.recentSuccesses, ...record.recentFailures].sort((a, b) => b.startedAt - a.startedAt).map(toDebugRun);
}

/** GET /debug/probes: the probes there is history for, a page at a time. */
export function debugProbeList(exporter: Exporter, page: DebugPage = { offset: 0, limit: MAX_DEBUG_LIMIT }): Record<string, unknown> {
  const all = exporter.store.all().map((record) => ({ name: record.name, runs: record.runs, kept_runs: record.recentSuccesses.length + record.recentFailures.length }));
  const { items, ...position } = pageOf(all, page);
  return { probes: items, ...position };
}

/**
 * GET /debug/probes/<name>: the kept runs of one probe (the last 10 successes and 50 failures,
 * failures kept longer because they are what an operator looks for), newest first, redacted.
 * For an AI provider's probe the provider module's validation history is added: each validator's
 * verdict and the redacted transcript. Undefined when nothing by that name exists.
 */
export function debugProbe(exporter: Exporter, name: string, page: DebugPage = DEFAULT_DEBUG_PAGE): Record<string, unknown> | undefined {
  const record = exporter.store.get(name);
  const provider = providerDebug(exporter, name);
  if (!record && !provider) return undefined;
  const failures = Object.fromEntries(record?.failures ?? []);
  const { items, ...position } = pageOf(record ? history(record) : [], page);
  const body = {
    name,
    runs: record?.runs ?? 0,
    failures_by_reason: failures,
    kept: { successes: record?.recentSuccesses.length ?? 0, failures: record?.recentFailures.length ?? 0 },
    history: items,
    page: position,
    ...(provider ? { provider: providerPage(provider, page) } : {}),
  };
  return redactDeep(exporter.secrets, body);
}

/**
 * The handlers of GET /debug/probes and GET /debug/probes/<name> (mounted behind the admin token
 * by admin.ts): `?offset=&limit=` pages, a bad page is 400, an unknown name 404.
 */
export function debugProbeHandlers(exporter: Exporter): { list: RequestHandler; one: RequestHandler } {
  const page = (request: Request, response: Response): DebugPage | undefined => {
    const parsed = debugPageOf(request.query as Record<string, unknown>);
    if (typeof parsed !== 'string') return parsed;
    response.status(400).json({ error: `${parsed} (GET /debug/probes[/<name>]?offset=<n>&limit=<n>)` });
    return undefined;
  };
  return {
    list(request, response) {
      const wanted = page(request, response);
      if (wanted) response.json(debugProbeList(exporter, wanted));
    },
    one(request, response) {
      const wanted = page(request, response);
      if (!wanted) return;
      const name = String(request.params.name);
      const view = debugProbe(exporter, name, wanted);
      if (view) response.json(view);
      else response.status(404).json({ error: `no probe named ${JSON.stringify(name)}`, probes: exporter.store.all().map((record) => record.name) });
    },
  };
}
