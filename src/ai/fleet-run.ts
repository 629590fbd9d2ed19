import { createHash } from 'node:crypto';
import type { BudgetAmounts } from './budget';
import type { ProviderState } from './ladder-state';
import type { PaidDetails, PaidOutcome } from './paid-gate';
import type { ValidationResult } from './run-result';
import { isProviderRecord, type ProviderRecord } from './validation-store';

/**
 * One slot's validation as the claimer publishes it to Redis and every other pod serves it:
 * verdict and reason, latency, tokens, cost, the history record, which pod, when. No transcript
 * and no key: the body also goes through the secret store before it leaves the pod.
 */
export interface SharedRun {
  readonly version: 1;
  readonly provider: string;
  /** Epoch ms the claimer started the paid step. */
  readonly startedAt: number;
  readonly pod: string;
  readonly result: ValidationResult;
  readonly details: Omit<PaidDetails, 'transcript'>;
  /** The claimer's record after the call, before the run itself was added (each pod adds it). */
  readonly record: ProviderRecord;
  /** What the call spent. */
  readonly spend: BudgetAmounts;
}

/**
 * The name pods share slots under: the provider id plus a short hash of its resolved config
 * (model, URL, key hash, validators...). Pods mid-rollout with another model or key form their own
 * group instead of serving each other's verdicts. Derived twice from a hash, it reveals no key.
 */
export function fleetGroup(state: ProviderState): string {
  const digest = createHash('sha256').update(`amas-exporter fleet group\n${state.provider.fingerprint}`).digest('hex');
  return `${state.provider.id}:${digest.slice(0, 12)}`;
}

export function encodeSharedRun(run: SharedRun): string {
  return JSON.stringify(run);
}

/** Parses a published body; undefined when it is not one this version can use. */
export function decodeSharedRun(body: string): SharedRun | undefined {
  try {
    const value = JSON.parse(body) as Partial<SharedRun>;
    if (value.version !== 1 || typeof value.provider !== 'string' || typeof value.startedAt !== 'number' || typeof value.pod !== 'string') return undefined;
    if (!value.result || typeof value.result !== 'object' || !value.details || !isProviderRecord(value.record) || !value.spend) return undefined;
    return value as SharedRun;
  } catch {
    return undefined;
  }
}

/** A published run as the outcome the ladder applies as its own (history, sticky verdict, gauges). */
export function sharedOutcome(run: SharedRun): PaidOutcome {
  return { origin: 'shared', result: run.result, details: { ...run.details, transcript: null }, record: run.record };
}

/** A local outcome with what it spent, ready to publish. */
export function toSharedRun(state: ProviderState, pod: string, startedAt: number, outcome: PaidOutcome, spend: BudgetAmounts): SharedRun {
  const { transcript: _dropped, ...details } = outcome.details;
  return { version: 1, provider: state.provider.id, startedAt, pod, result: outcome.result, details, record: state.toRecord(), spend };
}
