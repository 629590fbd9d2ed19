import type { Exporter } from '../runtime/exporter';

/** What POST /admin/refresh-provider-health answers: an HTTP status and a JSON body. */
export interface RefreshAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Runs the ladder of one provider (or every provider) now, within budget and circuit rules. */
export async function refreshProviders(_exporter: Exporter, provider: string | undefined): Promise<RefreshAnswer> {
  return { status: 404, body: { error: provider ? `provider ${JSON.stringify(provider)} is not configured` : 'no AI providers are configured' } };
}

/** The AI provider module's validation history for a probe or provider name; undefined for other probes. */
export function providerDebug(_exporter: Exporter, _name: string): Record<string, unknown> | undefined {
  return undefined;
}
