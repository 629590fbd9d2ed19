import type { Exporter } from '../runtime/exporter';

/** One AI provider as the status page and `test-providers` show it. */
export interface ProviderView {
  readonly id: string;
  readonly model: string | null;
  /** The provider's current state (healthy, unhealthy, fake_ai_detected, unknown, ...). */
  readonly state: string;
  readonly healthy: boolean;
  readonly last_validation: {
    readonly at: string | null;
    /** validated, fake_ai_detected, error or skipped; null before the first run. */
    readonly result: string | null;
    readonly reason: string | null;
    readonly detail: string;
  };
  readonly latency_ms: number | null;
  /** Why the provider is not healthy; null when it is. */
  readonly reason: string | null;
  readonly message: string;
}

/** The configured AI providers and their state, from the AI provider module's memory. */
export function providerViews(_exporter: Exporter): ProviderView[] {
  return [];
}
