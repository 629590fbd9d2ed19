import type { z } from 'zod';
import type { Logger } from '../logging/logger';
import type { ObservedFamily } from '../metrics/definitions';

/**
 * Why a probe failed. A closed set, because it becomes the `reason` label of
 * `amas_probe_failures_total`; free text goes in `message`, never in a label.
 */
export const FAILURE_REASONS = [
  'timeout',
  'dns',
  'connect_refused',
  'connect',
  'tls',
  'auth',
  'http_status',
  'http_5xx',
  'rate_limited',
  'model_not_found',
  'invalid_reply',
  'too_large',
  'redirect',
  'assertion',
  'fake_ai',
  'egress',
  'internal',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** A number a probe measured, destined for one of the gauge families probes may feed. */
export interface Observation {
  readonly family: ObservedFamily;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** What a probe run found: success, or a failure with a bounded reason. */
export type ProbeOutcome =
  | { readonly ok: true; readonly message: string }
  | {
      readonly ok: false;
      readonly reason: FailureReason;
      readonly message: string;
      /**
       * Set when the run made no call on purpose (a circuit open): why it was skipped. The probe
       * still reads as failing under `reason`, but the run is counted as a skip, not a failure.
       */
      readonly skipped?: string;
    };

/** What `Probe.run` returns. Expected failures are values; a throw means a bug. */
export interface ProbeReport {
  readonly outcome: ProbeOutcome;
  readonly observations: readonly Observation[];
  /** The run's duration measured off the serving loop (the exchange worker's clock), when the probe has one. */
  readonly durationSeconds?: number;
}

/** A finished run as the scheduler records it. */
export interface ProbeResult extends ProbeReport {
  readonly probe: string;
  readonly correlationId: string;
  /** Epoch milliseconds when the run started. */
  readonly startedAt: number;
  readonly durationSeconds: number;
}

export interface ProbeContext {
  /** Aborted at the probe's timeout; every driver call must honour it. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/** A configured, ready-to-run probe: clients built and settings compiled at creation. */
export interface Probe {
  run(ctx: ProbeContext): Promise<ProbeReport>;
  /** Releases pooled connections; called when the probe leaves the config or on shutdown. */
  close(): Promise<void>;
}

/** Shared fields every probe config has, after defaults are applied. */
export interface ProbeCommon {
  readonly name: string;
  readonly type: string;
  readonly interval_ms: number;
  readonly timeout_ms: number;
  /** Whether a failure of this probe makes AMAS unhealthy and not ready (see docs/health.md). */
  readonly critical: boolean;
  /** Key in /health `services` and /ready `services` that this probe reports, if any. */
  readonly service?: string | undefined;
}

/** One probe type: its config schema and a factory. One file per type, one entry in the registry. */
export interface ProbeDefinition<S extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly schema: S;
  readonly create: (config: z.output<S>) => Probe;
}

export const success = (message: string, observations: readonly Observation[] = []): ProbeReport => ({
  outcome: { ok: true, message },
  observations,
});

export const failure = (reason: FailureReason, message: string, observations: readonly Observation[] = []): ProbeReport => ({
  outcome: { ok: false, reason, message },
  observations,
});
