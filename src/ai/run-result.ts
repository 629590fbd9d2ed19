import type { FailureReason } from '../probes/types';

/** Why a reply was judged not to come from a live model; each is the `reason` label of `amas_provider_fake_ai_detected_total`. */
export const FAKE_AI_REASONS = ['wrong_answer', 'replay', 'template', 'duplicate_reply', 'envelope', 'timing', 'stream'] as const;
export type FakeAiReason = (typeof FAKE_AI_REASONS)[number];

/** Why a validation run made no paid call; the `reason` label of `amas_provider_validation_skipped_total`. */
export const SKIP_REASONS = ['unconfigured', 'budget', 'circuit_open', 'egress', 'rate_limited', 'stale'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** The four ways a validation run can end; the `result` label of `amas_bulletproof_validations_total`. */
export const VALIDATION_RESULTS = ['validated', 'fake_ai_detected', 'error', 'skipped'] as const;
export type ValidationResultKind = (typeof VALIDATION_RESULTS)[number];

/**
 * How one validation run ended: exactly one of these.
 * - `validated`: the call succeeded and every enabled validator passed.
 * - `fake_ai_detected`: the call succeeded but a validator caught a reply no live model would give.
 * - `error`: the call failed (or a rung below failed, so no call was made); `reason` as in FAILURE_REASONS.
 * - `skipped`: no paid call was made on purpose (no key, over budget, circuit open, no egress, the
 *   provider's Retry-After still running, or (fleet) the shared result is older than its max age).
 */
export type ValidationResult =
  | { readonly result: 'validated'; readonly detail: string }
  | { readonly result: 'fake_ai_detected'; readonly reason: FakeAiReason; readonly detail: string }
  | { readonly result: 'error'; readonly reason: FailureReason; readonly detail: string }
  | { readonly result: 'skipped'; readonly reason: SkipReason; readonly detail: string };

export const validated = (detail: string): ValidationResult => ({ result: 'validated', detail });
export const fakeAi = (reason: FakeAiReason, detail: string): ValidationResult => ({ result: 'fake_ai_detected', reason, detail });
export const callError = (reason: FailureReason, detail: string): ValidationResult => ({ result: 'error', reason, detail });
export const skipped = (reason: SkipReason, detail: string): ValidationResult => ({ result: 'skipped', reason, detail });

/** One line for logs, /health messages and reports. */
export function describeResult(result: ValidationResult): string {
  return result.result === 'validated' ? `validated: ${result.detail}` : `${result.result} (${result.reason}): ${result.detail}`;
}
