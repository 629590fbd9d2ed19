import type { FailureReason } from '../probes/types';
import type { Transcript } from './call-failure';
import type { ChallengeValues } from './challenge-text';
import type { ProviderState } from './ladder-state';
import type { ValidationRun } from './run-history';
import type { ValidationResult } from './run-result';
import type { TokenUsage } from './types';
import type { ProviderRecord } from './validation-store';

/** What a validation run learned besides its result; all optional (a blocked run has none of it). */
export interface PaidDetails {
  /** When the run started (epoch ms); a shared outcome carries the claimer's. Default: this run's start. */
  startedAt?: number;
  challenge?: ChallengeValues;
  latencyMs?: number;
  usage?: TokenUsage | null;
  costUsd?: number;
  verdicts?: ValidationRun['verdicts'];
  blockedBy?: ValidationRun['blockedBy'];
  transcript?: Transcript | null;
  cause?: FailureReason;
}

/** What the paid step produced. */
export interface PaidOutcome {
  /** `shared`: produced elsewhere (another replica) and applied here as if local, but not saved again. */
  readonly origin: 'local' | 'shared';
  readonly result: ValidationResult;
  readonly details: PaidDetails;
  /** For a shared outcome: the record to adopt before the result is applied. */
  readonly record?: ProviderRecord;
}

/** The paid call with its challenge and every validator, for one provider. */
export type PaidStep = (signal: AbortSignal) => Promise<PaidOutcome>;

/**
 * Where the paid step runs. Locally it simply runs; fleet mode wraps it: claim the provider's
 * slot, run and publish, or read the result another replica published and return it as `shared`.
 */
export interface PaidGate {
  runPaid(state: ProviderState, paid: PaidStep, signal: AbortSignal): Promise<PaidOutcome>;
}

export const localGate: PaidGate = { runPaid: (_state, paid, signal) => paid(signal) };
