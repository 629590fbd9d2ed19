import { STREAM_STYLES } from './stream-check';
import { createHash } from 'node:crypto';
import type { BudgetLimits, Price } from './budget';
import { CATALOGUE, defaultsFromEnv, findProvider, type CatalogueEntry } from './catalogue';
import { RUNG_NAMES, type AiConfig, type ProviderOverride, type RungName } from './config';
import type { ApiStyle, ProviderEndpoint } from './types';
import { mergeValidatorSettings, type ValidatorSettings } from './validators/registry';

type Env = Readonly<Record<string, string | undefined>>;

/** One rung's schedule, in milliseconds. */
export interface RungTiming {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** A provider with the catalogue, the config and the environment applied: everything a probe needs. */
export interface ResolvedProvider {
  readonly id: string;
  readonly style: ApiStyle;
  readonly endpoint: ProviderEndpoint;
  /** Whether calls can be made: a key was found, or the provider needs none and was asked for. */
  readonly configured: boolean;
  /** Why not configured, naming the variables to set (never a value); '' when configured. */
  readonly unconfiguredReason: string;
  /** Where the key came from: an env var name, "api_key", or null (no key). */
  readonly keySource: string | null;
  readonly priority: number;
  readonly reasoning: boolean;
  /** Whether validations make the streamed call of the streaming check (./stream-check.ts), and on one in how many (./stream-pace.ts). */
  readonly stream: boolean;
  readonly streamEvery: number;
  readonly expectedLatencySeconds: readonly [number, number] | null;
  readonly price: Price;
  /** False when neither `ai.prices`, the provider's own price nor the catalogue knows one: cost is counted as 0. */
  readonly priceKnown: boolean;
  readonly maxTokens: number;
  readonly temperature: number;
  readonly rungs: Readonly<Record<RungName, RungTiming>>;
  readonly validators: ValidatorSettings;
  readonly budget: BudgetLimits;
  /**
   * Changes whenever what is called, as whom, or how it is judged changes (the key enters as a
   * hash). A changed fingerprint restarts the provider's tasks and resets its circuit and windows.
   */
  readonly fingerprint: string;
}

const hash = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The key: `api_key` if set, else the first of the env vars that is set, whitespace-stripped as AMAS does. */
function keyOf(keyEnv: readonly string[], override: ProviderOverride, env: Env): { value: string; source: string } | null {
  const direct = override.api_key?.trim();
  if (direct) return { value: direct, source: 'api_key' };
  for (const name of keyEnv) {
    const value = env[name]?.trim();
    if (value) return { value, source: name };
  }
  return null;
}

function resolveOne(id: string, entry: CatalogueEntry | undefined, override: ProviderOverride, ai: AiConfig, env: Env): ResolvedProvider {
  const style = (override.style ?? entry?.style) as ApiStyle;
  const fromEnv = entry ? defaultsFromEnv(entry, env) : undefined;
  const baseUrl = (override.base_url ?? fromEnv?.baseUrl ?? '').replace(/\/+$/, '');
  const model = override.model ?? fromEnv?.model ?? '';
  const keyEnv = override.key_env ?? entry?.key_env ?? [];
  const key = keyOf(keyEnv, override, env);
  const needsKey = keyEnv.length > 0 || override.api_key !== undefined;
  const baseUrlChosen = override.base_url !== undefined || (entry?.base_url_env !== undefined && (env[entry.base_url_env] ?? '').trim() !== '');
  const configured = needsKey ? key !== null : override.enabled === true || baseUrlChosen;
  let unconfiguredReason = '';
  if (!configured) {
    unconfiguredReason = needsKey
      ? `no key: set ${keyEnv.length > 0 ? keyEnv.join(' or ') : 'api_key'}`
      : `keyless provider not asked for: set ${entry?.base_url_env ?? 'base_url'} or enabled: true`;
  }
  const reasoning = override.reasoning ?? entry?.reasoning ?? false;
  const stream = (override.stream ?? ai.stream) && STREAM_STYLES.includes(style);
  const streamEvery = override.stream_every ?? ai.stream_every;
  const catalogued = entry?.price_usd_per_million_tokens;
  const knownPrice = ai.prices[model] ?? override.price_usd_per_million_tokens ?? catalogued;
  const priced = knownPrice ?? { input: 0, output: 0 };
  const rungs = Object.fromEntries(
    RUNG_NAMES.map((name) => [
      name,
      { intervalMs: override.rungs?.[name]?.interval ?? ai.rungs[name].interval, timeoutMs: override.rungs?.[name]?.timeout ?? ai.rungs[name].timeout },
    ]),
  ) as Record<RungName, RungTiming>;
  const validators = mergeValidatorSettings(ai.validators, override.validators);
  const maxTokens = override.max_tokens ?? (reasoning ? ai.reasoning_max_tokens : ai.max_tokens);
  const endpoint: ProviderEndpoint = { baseUrl, apiKey: key?.value ?? null, model, headers: { ...(entry?.headers ?? {}), ...(override.headers ?? {}) } };
  const fingerprint = hash(
    JSON.stringify({ id, style, baseUrl, model, headers: endpoint.headers, key: key ? hash(key.value) : null, configured, reasoning, stream, streamEvery, maxTokens, temperature: ai.temperature, validators }),
  ).slice(0, 16);
  return {
    id,
    style,
    endpoint,
    configured,
    unconfiguredReason,
    keySource: key?.source ?? null,
    priority: override.priority ?? entry?.priority ?? 100,
    reasoning,
    stream,
    streamEvery,
    expectedLatencySeconds: override.expected_latency_seconds ?? entry?.expected_latency_seconds ?? null,
    price: { inputPerMillion: priced.input, outputPerMillion: priced.output },
    priceKnown: knownPrice !== undefined,
    maxTokens,
    temperature: ai.temperature,
    rungs,
    validators,
    // null in an override means "no limit", so only an absent key falls back to the global limit.
    budget: {
      requests: override.budget?.requests !== undefined ? override.budget.requests : ai.budget.requests,
      tokens: override.budget?.tokens !== undefined ? override.budget.tokens : ai.budget.tokens,
      usd: override.budget?.usd !== undefined ? override.budget.usd : ai.budget.usd,
    },
    fingerprint,
  };
}

/**
 * Every provider to report, in priority order (ties keep catalogue order): the catalogue's (unless
 * `include_catalogue` is off) plus those added under `providers`, minus those with `enabled: false`.
 */
export function resolveProviders(ai: AiConfig, env: Env): ResolvedProvider[] {
  if (!ai.enabled) return [];
  const ids = [...(ai.include_catalogue ? CATALOGUE.map((entry) => entry.id) : []), ...Object.keys(ai.providers)];
  const unique = [...new Set(ids)];
  const resolved = unique
    .map((id) => ({ id, override: ai.providers[id] ?? { enabled: 'auto' as const } }))
    .filter(({ override }) => override.enabled !== false)
    .map(({ id, override }) => resolveOne(id, findProvider(id), override, ai, env));
  return resolved.map((provider, index) => ({ provider, index })).sort((a, b) => a.provider.priority - b.provider.priority || a.index - b.index).map(({ provider }) => provider);
}
