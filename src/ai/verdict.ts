import type { FakeAiReason, ValidationResult } from './run-result';
import type { HistoryEntry } from './validation-store';

/** Sticky verdict memory: a provider flagged fake stays flagged until enough clean runs in a row. */
export interface VerdictMemory {
  /** Epoch ms of the first fake run of the current episode; null while not flagged. */
  readonly fakeSince: number | null;
  readonly lastFakeAt: number | null;
  /** The reason reported while flagged: the latest fake run's (stable while the fake is). */
  readonly reason: FakeAiReason | null;
  /** Validated runs in a row since the latest fake run. */
  readonly cleanStreak: number;
}

export const CLEAN_VERDICT: VerdictMemory = { fakeSince: null, lastFakeAt: null, reason: null, cleanStreak: 0 };

/**
 * The memory after one more run. A fake run flags (or keeps flagged); `clearAfter` validated runs
 * in a row clear it. Errors and skips prove nothing either way: they neither clear nor break the
 * streak, so a fake that is rate limited now and then stays flagged.
 */
export function nextVerdict(memory: VerdictMemory, result: ValidationResult, at: number, clearAfter: number): VerdictMemory {
  if (result.result === 'fake_ai_detected') return { fakeSince: memory.fakeSince ?? at, lastFakeAt: at, reason: result.reason, cleanStreak: 0 };
  if (result.result !== 'validated' || memory.fakeSince === null) return memory;
  const cleanStreak = memory.cleanStreak + 1;
  return cleanStreak >= clearAfter ? CLEAN_VERDICT : { ...memory, cleanStreak };
}

/** What /health, the status page and the debug report say about a provider's fake-AI history. */
export interface FakeHistory {
  /** True while the sticky verdict holds (status fake_ai). */
  readonly flagged: boolean;
  /** ISO time the current episode began; null while not flagged. */
  readonly since: string | null;
  readonly reason: FakeAiReason | null;
  readonly last_fake: string | null;
  /** Fake runs among the latest `window_runs` runs that made a call. */
  readonly runs_in_window: number;
  readonly window_runs: number;
  readonly clean_streak: number;
  readonly clear_after: number;
}

export function fakeHistory(memory: VerdictMemory, entries: readonly HistoryEntry[], window: number, clearAfter: number): FakeHistory {
  const judged = entries.filter((entry) => entry.result !== 'skipped').slice(-window);
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    flagged: memory.fakeSince !== null,
    since: iso(memory.fakeSince),
    reason: memory.reason,
    last_fake: iso(memory.lastFakeAt),
    runs_in_window: judged.filter((entry) => entry.result === 'fake_ai_detected').length,
    window_runs: judged.length,
    clean_streak: memory.cleanStreak,
    clear_after: clearAfter,
  };
}
