import type { HistoryEntry } from './validation-store';
import type { VerdictMemory } from './verdict';

/**
 * Whether this validation makes the streaming check's streamed call, a second paid call. One run
 * in `streamEvery` does, counted over the provider's history (persisted and, in fleet mode, shared,
 * so a restart or another pod keeps the pace); every run does while the provider stands flagged
 * for its stream, so a stream fake stays flagged and a fixed one is cleared as fast as any other.
 */
export function streamsThisRun(provider: { readonly stream: boolean; readonly streamEvery: number }, entries: readonly HistoryEntry[], verdict: VerdictMemory): boolean {
  if (!provider.stream) return false;
  if (verdict.fakeSince !== null && verdict.reason === 'stream') return true;
  let callsSince = 0;
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    const entry = entries[i] as HistoryEntry;
    if (entry.streamed) break;
    // Runs that made a call; skips and blocked runs do not count towards the pace.
    if (entry.requestedItems !== null) callsSince += 1;
  }
  return callsSince + 1 >= provider.streamEvery;
}
