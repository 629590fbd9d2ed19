import type { FailureReason } from '../probes/types';

export type CircuitState = 'closed' | 'open' | 'half_open';

/** The value of `amas_provider_circuit_state`. */
export const CIRCUIT_STATE_VALUE: Readonly<Record<CircuitState, number>> = { closed: 0, open: 1, half_open: 2 };

export interface CircuitSettings {
  /** Consecutive failed paid calls that open the circuit. */
  readonly failureThreshold: number;
  /** How long the circuit stays open before one trial call (half-open). */
  readonly cooldownMs: number;
  /** Each failed trial doubles the cool-down, up to this. */
  readonly maxCooldownMs: number;
}

/** What the breaker lets through now. */
/** `open` is false when only the provider's Retry-After holds the call back. */
export type CircuitPermit = { readonly ok: true } | { readonly ok: false; readonly cause: FailureReason; readonly detail: string; readonly open: boolean };

export interface CircuitSnapshot {
  readonly state: CircuitState;
  readonly consecutiveFailures: number;
  /** Set when the circuit opened on an auth failure: it stays open until the key or the provider's config changes. */
  readonly authLocked: boolean;
  readonly lastFailure: FailureReason | null;
  /** Epoch ms when an open circuit lets a trial call through (null while closed or auth-locked). */
  readonly retryAt: number | null;
  /** Epoch ms before which no paid call is made because the provider sent Retry-After. */
  readonly deferredUntil: number | null;
}

/** The breaker's state as plain JSON: kept in the state file and shared by fleet replicas. */
export interface CircuitRecord {
  readonly failures: number;
  readonly openedAt: number | null;
  readonly cooldownMs: number;
  readonly authLocked: boolean;
  readonly lastFailure: FailureReason | null;
  readonly deferredUntil: number | null;
}

/**
 * Guards one provider's paid calls. Opens after `failureThreshold` consecutive failed calls (a
 * reply flagged as fake AI is a completed call, not a failure), lets one trial through after the
 * cool-down, and closes on its success. An auth failure opens it for good: retrying a bad key
 * costs nothing but fills the provider's logs, so only a new breaker (created when the key or the
 * provider's config fingerprint changes) closes it. A 429's Retry-After defers the next call.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private cooldownMs: number;
  private authLocked = false;
  private lastFailure: FailureReason | null = null;
  private deferredUntil: number | null = null;

  constructor(private settings: CircuitSettings) {
    this.cooldownMs = settings.cooldownMs;
  }

  /** New thresholds apply from now on; the state is kept, a changed cool-down restarts the back-off. */
  updateSettings(settings: CircuitSettings): void {
    if (settings.cooldownMs !== this.settings.cooldownMs) this.cooldownMs = settings.cooldownMs;
    this.cooldownMs = Math.min(this.cooldownMs, settings.maxCooldownMs);
    this.settings = settings;
  }

  state(now = Date.now()): CircuitState {
    if (this.openedAt === null) return 'closed';
    if (this.authLocked) return 'open';
    return now >= this.openedAt + this.cooldownMs ? 'half_open' : 'open';
  }

  permit(now = Date.now()): CircuitPermit {
    const state = this.state(now);
    if (state === 'open') {
      const cause = this.lastFailure ?? 'internal';
      if (this.authLocked) return { ok: false, open: true, cause, detail: 'circuit open after an auth failure; it stays open until the key or the provider config changes' };
      const seconds = Math.ceil(((this.openedAt ?? now) + this.cooldownMs - now) / 1000);
      return { ok: false, open: true, cause, detail: `circuit open after ${this.failures} consecutive failed calls (last: ${cause}); next trial in ${seconds}s` };
    }
    if (this.deferredUntil !== null && now < this.deferredUntil) {
      const seconds = Math.ceil((this.deferredUntil - now) / 1000);
      return { ok: false, open: false, cause: 'rate_limited', detail: `the provider asked to wait (Retry-After); next call in ${seconds}s` };
    }
    return { ok: true };
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = null;
    this.cooldownMs = this.settings.cooldownMs;
  }

  /**
   * A 429: the provider works but wants fewer calls. Its Retry-After defers the next call; it is
   * not a failure, so it neither opens the circuit nor breaks a run of failures towards it. A trial
   * call answered with 429 leaves the circuit as it was (open, trial still due).
   */
  recordRateLimit(retryAfterSeconds: number | null, now = Date.now()): void {
    if (retryAfterSeconds !== null && retryAfterSeconds > 0) {
      this.deferredUntil = Math.max(this.deferredUntil ?? 0, now + retryAfterSeconds * 1000);
    }
  }

  recordFailure(reason: FailureReason, retryAfterSeconds: number | null, now = Date.now()): void {
    this.failures += 1;
    this.lastFailure = reason;
    if (retryAfterSeconds !== null && retryAfterSeconds > 0) {
      this.deferredUntil = Math.max(this.deferredUntil ?? 0, now + retryAfterSeconds * 1000);
    }
    if (reason === 'auth') {
      this.authLocked = true;
      this.openedAt = now;
      return;
    }
    const wasTrial = this.state(now) === 'half_open';
    if (wasTrial) this.cooldownMs = Math.min(this.cooldownMs * 2, this.settings.maxCooldownMs);
    if (wasTrial || (this.openedAt === null && this.failures >= this.settings.failureThreshold)) this.openedAt = now;
  }

  toRecord(): CircuitRecord {
    return { failures: this.failures, openedAt: this.openedAt, cooldownMs: this.cooldownMs, authLocked: this.authLocked, lastFailure: this.lastFailure, deferredUntil: this.deferredUntil };
  }

  /** Takes over a state recorded elsewhere (same provider config). */
  restore(record: CircuitRecord): void {
    this.failures = record.failures;
    this.openedAt = record.openedAt;
    this.cooldownMs = Math.min(record.cooldownMs, this.settings.maxCooldownMs);
    this.authLocked = record.authLocked;
    this.lastFailure = record.lastFailure;
    this.deferredUntil = record.deferredUntil;
  }

  snapshot(now = Date.now()): CircuitSnapshot {
    const state = this.state(now);
    return {
      state,
      consecutiveFailures: this.failures,
      authLocked: this.authLocked,
      lastFailure: this.lastFailure,
      retryAt: this.openedAt !== null && !this.authLocked ? this.openedAt + this.cooldownMs : null,
      deferredUntil: this.deferredUntil !== null && this.deferredUntil > now ? this.deferredUntil : null,
    };
  }
}
