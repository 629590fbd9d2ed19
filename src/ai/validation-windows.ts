import { CodeBloom } from './bloom';
import { normaliseReply, type PastChallenge } from './challenge';
import type { ChallengeValues } from './challenge-text';
import type { PastReply, ReplySample, ValidationWindowsView } from './validators/types';

/** Window sizes; each list keeps at most this many entries, oldest dropped first. */
export interface WindowSizes {
  readonly challenges: number;
  readonly replyIds: number;
  readonly replies: number;
  readonly latencies: number;
}

/** The windows as JSON: what the state file and a shared store keep. */
export interface PersistedWindows {
  readonly challenges: readonly PastChallenge[];
  readonly replyIds: readonly string[];
  readonly replies: readonly PastReply[];
  readonly samples: readonly ReplySample[];
  readonly bloom: { readonly bits: string; readonly count: number } | null;
}

function pushBounded<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}

/** Sample windows are at least this long: the relative timing rules need a series. */
const MIN_SAMPLES = 24;

/**
 * What a provider's earlier validation runs leave for later ones to compare with: the challenges
 * sent (a later reply carrying one of their answers is a replay), every code ever sent (Bloom
 * filter, so a replay stays a replay after its challenge left the window), reply ids, normalised
 * replies and per-reply samples (latency, tokens, asked length). Bounded; persisted by the store.
 */
export class ValidationWindows implements ValidationWindowsView {
  readonly challenges: PastChallenge[] = [];
  readonly replyIds: string[] = [];
  readonly replies: PastReply[] = [];
  readonly samples: ReplySample[] = [];
  readonly codes: CodeBloom;

  constructor(private sizes: WindowSizes, persisted?: PersistedWindows) {
    this.codes = new CodeBloom(persisted?.bloom ?? undefined);
    if (persisted) {
      this.challenges.push(...persisted.challenges.slice(-sizes.challenges));
      this.replyIds.push(...persisted.replyIds.slice(-sizes.replyIds));
      this.replies.push(...persisted.replies.slice(-sizes.replies));
      this.samples.push(...persisted.samples.slice(-this.sampleLimit()));
      // Codes kept before the filter existed still count.
      for (const past of persisted.challenges) this.codes.add(past.code);
    }
  }

  private sampleLimit(): number {
    return Math.max(MIN_SAMPLES, this.sizes.latencies);
  }

  get latenciesMs(): readonly number[] {
    return this.samples.map((sample) => sample.latencyMs);
  }

  /** Whether `code` was sent in an earlier challenge (Bloom filter: may err towards yes at the documented rate). */
  seenCode(code: string): boolean {
    return this.codes.has(code);
  }

  resize(sizes: WindowSizes): void {
    this.sizes = sizes;
  }

  /** A challenge went out; from now on its answer is stale. */
  recordChallenge(challenge: ChallengeValues): void {
    pushBounded(this.challenges, { code: challenge.code, sum: challenge.a + challenge.b }, this.sizes.challenges);
    this.codes.add(challenge.code);
  }

  /** A reply came back (whatever the verdict), answering `challenge`. */
  recordReply(challenge: ChallengeValues, reply: { readonly id: string; readonly text: string }, sample: ReplySample): void {
    if (reply.id.trim()) pushBounded(this.replyIds, reply.id.trim(), this.sizes.replyIds);
    const normalised = normaliseReply(reply.text);
    if (normalised) pushBounded(this.replies, { normalised, code: challenge.code }, this.sizes.replies);
    pushBounded(this.samples, sample, this.sampleLimit());
  }

  toPersisted(): PersistedWindows {
    return { challenges: [...this.challenges], replyIds: [...this.replyIds], replies: [...this.replies], samples: [...this.samples], bloom: this.codes.encode() };
  }
}
