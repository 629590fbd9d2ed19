import type { z } from 'zod';
import type { ChallengeValues } from '../challenge-text';
import type { PastChallenge } from '../challenge';
import type { FakeAiReason } from '../run-result';
import type { ApiStyle, NormalizedReply } from '../types';

/** A reply seen earlier, kept to catch a provider that answers different challenges identically. */
export interface PastReply {
  readonly normalised: string;
  readonly code: string;
}

/** One earlier reply's measurements, for the rules that judge a series (timing growth, frozen usage). */
export interface ReplySample {
  readonly latencyMs: number;
  /** Completion tokens as reported (null: no usage block). */
  readonly completionTokens: number | null;
  readonly promptTokens: number | null;
  /** How many items the challenge asked for. */
  readonly items: number;
  /** Characters of the answer text. */
  readonly textChars: number;
  /** The reply's own timestamp (epoch ms), when it has one. */
  readonly createdAt: number | null;
  /** Epoch ms the reply arrived. */
  readonly at: number;
  /** How late the exporter's exchange worker ran during this call; large: starved of CPU, the latency says little about the provider. */
  readonly loopLagMs?: number;
}

/** Read-only view of what a provider's earlier validation runs left behind (bounded windows, oldest first). */
export interface ValidationWindowsView {
  readonly challenges: readonly PastChallenge[];
  readonly replyIds: readonly string[];
  readonly replies: readonly PastReply[];
  readonly latenciesMs: readonly number[];
  readonly samples: readonly ReplySample[];
  /** Whether a code was sent in any earlier challenge of this provider (Bloom filter; rare false yes). */
  seenCode(code: string): boolean;
}

/** The provider as validators need to know it. */
export interface ValidatedProvider {
  readonly id: string;
  readonly style: ApiStyle;
  readonly baseUrl: string;
  readonly model: string;
  readonly reasoning: boolean;
}

/** Everything one validation run knows when its reply arrives. */
export interface ValidationContext {
  readonly provider: ValidatedProvider;
  readonly challenge: ChallengeValues;
  readonly prompt: string;
  readonly maxTokens: number;
  readonly reply: NormalizedReply;
  /** Wall time of the generation call, request sent to reply read. */
  readonly latencyMs: number;
  /** How late the exchange worker's own loop ran during the call (0 when it kept time). */
  readonly loopLagMs?: number;
  /** Epoch ms the request was sent and the reply read (for the envelope's timestamp rule). */
  readonly sentAt: number;
  readonly receivedAt: number;
  readonly windows: ValidationWindowsView;
}

/** One validator's finding: a pass, or a fake-AI reason with the evidence. */
export type ValidatorVerdict =
  | { readonly ok: true; readonly detail: string }
  | { readonly ok: false; readonly reason: FakeAiReason; readonly detail: string };

export const pass = (detail: string): ValidatorVerdict => ({ ok: true, detail });
export const flag = (reason: FakeAiReason, detail: string): ValidatorVerdict => ({ ok: false, reason, detail });

/** A configured validator: settings compiled at creation, `check` pure and synchronous. */
export interface Validator {
  check(ctx: ValidationContext): ValidatorVerdict;
}

/**
 * One kind of check: its config schema (a strict zod object with `enabled` and defaults; no
 * transforms, so a provider's partial override can be merged over the parsed global settings)
 * and a factory. One file per validator, one entry in ./registry.ts.
 */
export interface ValidatorDefinition<S extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  /** What the validator catches, for docs and reports. */
  readonly summary: string;
  readonly schema: S;
  readonly create: (config: z.output<S>) => Validator;
}
