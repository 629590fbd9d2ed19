import { CATALOGUE } from '../ai/catalogue';
import type { SimMode, SimProviderSpec } from './types';

/** Demo keys are fixed, public and useless anywhere else: `sim-demo-key-<id>`. */
export const demoKey = (id: string): string => `sim-demo-key-${id}`;

/** A few providers misbehave in the demo so every dashboard state has something to show. */
const DEMO_MODES: Readonly<Record<string, SimMode>> = {
  grok: 'canned',
  qwen: 'replay',
  kimi: 'rate_limited',
  perplexity: 'flaky',
  codestral: 'model_missing',
};

/**
 * One simulated provider per catalogue entry, same id, style and model: honest (reasoning for
 * models that think), except the few in DEMO_MODES. Latency is kept short so the demo is lively.
 */
export function demoProviders(): SimProviderSpec[] {
  return CATALOGUE.map((entry) => ({
    id: entry.id,
    style: entry.style,
    model: entry.model,
    api_key: entry.key_env.length === 0 ? null : demoKey(entry.id),
    mode: DEMO_MODES[entry.id] ?? (entry.reasoning ? 'reasoning' : 'honest'),
    options: { latency_ms: [60, 400] },
  }));
}
