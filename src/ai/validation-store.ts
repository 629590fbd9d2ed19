import type { BudgetRecord } from './budget';
import type { CircuitRecord } from './circuit-breaker';
import type { ValidationResultKind } from './run-result';
import type { TokenUsage } from './types';
import type { PersistedWindows } from './validation-windows';
import { CLEAN_VERDICT, type VerdictMemory } from './verdict';

export type { VerdictMemory } from './verdict';
export type { PersistedWindows } from './validation-windows';

/** One validation run as persisted and shared: no transcript, nothing secret. */
export interface HistoryEntry {
  /** Epoch ms the run started. */
  readonly at: number;
  readonly result: ValidationResultKind;
  /** Fake-AI, failure or skip reason; null when validated. */
  readonly reason: string | null;
  readonly latencyMs: number | null;
  readonly usage: TokenUsage | null;
  readonly costUsd: number;
  /** Length the challenge asked for (count list items); null when no call was made. */
  readonly requestedItems: number | null;
  /** The run made the streaming check's streamed call (absent in records written before it paced). */
  readonly streamed?: boolean;
}

/** Everything a provider's judgement depends on: one JSON object per provider. */
export interface ProviderRecord {
  readonly version: 1;
  readonly provider: string;
  /** ResolvedProvider.fingerprint: a record made under another config is not used. */
  readonly fingerprint: string;
  readonly updatedAt: number;
  readonly verdict: VerdictMemory;
  /** Oldest first, bounded. */
  readonly entries: readonly HistoryEntry[];
  readonly windows: PersistedWindows;
  /** The circuit breaker and today's spend, so a restart (or another replica) keeps both. */
  readonly circuit?: CircuitRecord;
  readonly budget?: BudgetRecord;
}

/**
 * Where validation history lives between runs and processes. The server and the CLI open the same
 * store, so both judge a provider with the same history; fleet mode shares it through Redis.
 */
export interface ValidationStore {
  /** The provider's record; undefined when there is none, it is unreadable or of another fingerprint. Never throws. */
  load(provider: string, fingerprint: string): Promise<ProviderRecord | undefined>;
  /** Replaces the provider's record. Never throws: a failed write is counted and logged. */
  save(record: ProviderRecord): Promise<void>;
  /** Appends one run to the record and saves it; returns the new record. */
  append(record: ProviderRecord, entry: HistoryEntry): Promise<ProviderRecord>;
}

/** Entries kept per record: enough for the verdict window and the debug view. */
export const MAX_ENTRIES = 200;

export const emptyRecord = (provider: string, fingerprint: string): ProviderRecord => ({
  version: 1,
  provider,
  fingerprint,
  updatedAt: 0,
  verdict: CLEAN_VERDICT,
  entries: [],
  windows: { challenges: [], replyIds: [], replies: [], samples: [], bloom: null },
});

/** The record with one more entry (pure). */
export function appendRun(record: ProviderRecord, entry: HistoryEntry, limit = MAX_ENTRIES): ProviderRecord {
  return { ...record, updatedAt: Math.max(record.updatedAt, entry.at), entries: [...record.entries, entry].slice(-limit) };
}

/** Whether a parsed value is a record this version can use (the file may be old, cut or hand-edited). */
export function isProviderRecord(value: unknown): value is ProviderRecord {
  if (!value || typeof value !== 'object') return false;
  const r = value as Partial<ProviderRecord>;
  const w = r.windows as Partial<PersistedWindows> | undefined;
  return (
    r.version === 1 && typeof r.provider === 'string' && typeof r.fingerprint === 'string' && typeof r.updatedAt === 'number' &&
    !!r.verdict && typeof r.verdict === 'object' && Array.isArray(r.entries) && !!w &&
    Array.isArray(w.challenges) && Array.isArray(w.replyIds) && Array.isArray(w.replies) && Array.isArray(w.samples)
  );
}

/** The store without a file: history lives as long as the process. */
export class MemoryValidationStore implements ValidationStore {
  private readonly records = new Map<string, ProviderRecord>();

  async load(provider: string, fingerprint: string): Promise<ProviderRecord | undefined> {
    const record = this.records.get(provider);
    return record && record.fingerprint === fingerprint ? record : undefined;
  }

  async save(record: ProviderRecord): Promise<void> {
    this.records.set(record.provider, record);
  }

  async append(record: ProviderRecord, entry: HistoryEntry): Promise<ProviderRecord> {
    const next = appendRun(record, entry);
    await this.save(next);
    return next;
  }
}
