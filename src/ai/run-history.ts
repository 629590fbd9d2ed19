import type { Transcript } from './call-failure';
import type { RungName } from './config';
import type { ValidationResult } from './run-result';
import type { TokenUsage } from './types';
import type { ValidatorName } from './validators/registry';
import type { ValidatorVerdict } from './validators/types';

/** One validation run as the debug view shows it. Every string in it has been through the secret store. */
export interface ValidationRun {
  readonly provider: string;
  readonly model: string;
  /** Epoch ms. */
  readonly startedAt: number;
  /** The whole run, lower rungs run inline included. */
  readonly durationMs: number;
  readonly result: ValidationResult;
  /** The generation call's latency; null when no call was made. */
  readonly latencyMs: number | null;
  readonly usage: TokenUsage | null;
  readonly costUsd: number;
  /** The challenge sent (code, addends, count list length); null when no call was made. */
  readonly challenge: { readonly code: string; readonly a: number; readonly b: number; readonly items: number } | null;
  /** Each enabled validator's verdict; empty when no reply arrived. */
  /** Each validator's verdict; `stream` when the streaming check ran (./stream-check.ts). */
  readonly verdicts: Readonly<Partial<Record<ValidatorName | 'stream', ValidatorVerdict>>>;
  /** Why lower rungs blocked the call, if they did. */
  readonly blockedBy: RungName | null;
  /** Request and reply, auth headers and key removed; null when no call was made. */
  readonly transcript: Transcript | null;
}

/**
 * The last validation runs of one provider. Failures (errors, fake AI, skips) are kept longer than
 * successes: they are what someone opening the debug view is looking for.
 */
export class RunHistory {
  private readonly successes: ValidationRun[] = [];
  private readonly failures: ValidationRun[] = [];

  constructor(private limits: { successes: number; failures: number }) {}

  setLimits(limits: { successes: number; failures: number }): void {
    this.limits = limits;
    this.trim();
  }

  add(run: ValidationRun): void {
    (run.result.result === 'validated' ? this.successes : this.failures).push(run);
    this.trim();
  }

  /** Newest first. */
  list(): ValidationRun[] {
    return [...this.successes, ...this.failures].sort((a, b) => b.startedAt - a.startedAt);
  }

  private trim(): void {
    if (this.successes.length > this.limits.successes) this.successes.splice(0, this.successes.length - this.limits.successes);
    if (this.failures.length > this.limits.failures) this.failures.splice(0, this.failures.length - this.limits.failures);
  }
}
