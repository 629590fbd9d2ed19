import { normaliseReply, type PastChallenge } from './challenge';
import type { ChallengeValues } from './challenge-text';
import type { PastReply, ValidationWindowsView } from './validators/types';

/** Window sizes; each list keeps at most this many entries, oldest dropped first. */
export interface WindowSizes {
  readonly challenges: number;
  readonly replyIds: number;
  readonly replies: number;
  readonly latencies: number;
}

function pushBounded<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}

/**
 * What a provider's earlier validation runs leave for later ones to compare with: the challenges
 * sent (a later reply carrying one of their answers is a replay), reply ids, normalised replies and
 * latencies. Bounded, in memory, kept across reloads while the provider's config is unchanged.
 */
export class ValidationWindows implements ValidationWindowsView {
  readonly challenges: PastChallenge[] = [];
  readonly replyIds: string[] = [];
  readonly replies: PastReply[] = [];
  readonly latenciesMs: number[] = [];

  constructor(private sizes: WindowSizes) {}

  resize(sizes: WindowSizes): void {
    this.sizes = sizes;
  }

  /** A challenge went out; from now on its answer is stale. */
  recordChallenge(challenge: ChallengeValues): void {
    pushBounded(this.challenges, { code: challenge.code, sum: challenge.a + challenge.b }, this.sizes.challenges);
  }

  /** A reply came back (whatever the verdict), answering `challenge`. */
  recordReply(challenge: ChallengeValues, reply: { readonly id: string; readonly text: string }, latencyMs: number): void {
    if (reply.id.trim()) pushBounded(this.replyIds, reply.id.trim(), this.sizes.replyIds);
    const normalised = normaliseReply(reply.text);
    if (normalised) pushBounded(this.replies, { normalised, code: challenge.code }, this.sizes.replies);
    pushBounded(this.latenciesMs, latencyMs, this.sizes.latencies);
  }
}
