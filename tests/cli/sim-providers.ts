import { startSimulator, type Simulator } from '../../src/simulator/server';
import type { SimMode } from '../../src/simulator/types';

/** Keys of the simulated providers: made up, and checked for in every output. */
export const KEYS = {
  cerebras: 'sim-cli-key-cerebras-5e1f0c2a9b',
  grok: 'sim-cli-key-grok-77d3a1e6c4',
  cohere: 'sim-cli-key-cohere-0b9e8f2d41',
} as const;
export type SimId = keyof typeof KEYS;

/** The catalogue's env var for each provider's key. */
export const KEY_ENV: Readonly<Record<SimId, string>> = { cerebras: 'CEREBRAS_API_KEY', grok: 'GROK_API_KEY', cohere: 'COHERE_API_KEY' };

const MODELS: Readonly<Record<SimId, { style: 'openai' | 'cohere'; model: string }>> = {
  cerebras: { style: 'openai', model: 'qwen-3-235b-a22b-instruct-2507' },
  grok: { style: 'openai', model: 'x-ai/grok-4-fast:free' },
  cohere: { style: 'cohere', model: 'command-a-03-2025' },
};

/** Three catalogue providers on a local simulator: cerebras honest, grok canned (fake), cohere honest. */
export function startProviders(modes: Partial<Record<SimId, SimMode>> = {}): Promise<Simulator> {
  const ids = Object.keys(KEYS) as SimId[];
  return startSimulator({
    providers: ids.map((id) => ({ id, ...MODELS[id], api_key: KEYS[id], mode: modes[id] ?? (id === 'grok' ? 'canned' : 'honest'), options: { latency_ms: [30, 120] } })),
  });
}

/** The environment that gives the exporter the providers' keys. */
export function keyEnv(ids: readonly SimId[] = Object.keys(KEYS) as SimId[]): NodeJS.ProcessEnv {
  return Object.fromEntries(ids.map((id) => [KEY_ENV[id], KEYS[id]]));
}

/**
 * The `ai:` section pointing the given providers at the simulator: only these providers, no egress
 * canary (the machine has no internet), keys from the environment. `extra` is YAML indented for a
 * provider entry (e.g. a price or a budget).
 */
export function aiSection(sim: Simulator, ids: readonly SimId[], extra: Partial<Record<SimId, string>> = {}, global = ''): string {
  const providers = ids.map((id) => `    ${id}:\n      base_url: ${sim.baseUrl(id)}\n${extra[id] ?? ''}`).join('');
  return `ai:\n  include_catalogue: false\n  egress:\n    canary_url: ''\n${global}  providers:\n${providers}`;
}

/** What a simulated provider received over the control API, optionally of one kind. */
export async function recorded(sim: Simulator, id: SimId, kind?: 'models' | 'generation'): Promise<{ kind: string; path: string; keyFoundIn: string[] }[]> {
  const response = await fetch(`${sim.origin}/_sim/providers/${id}/requests${kind ? `?kind=${kind}` : ''}`);
  return (await response.json()) as { kind: string; path: string; keyFoundIn: string[] }[];
}

/** Sets a provider's mode over the control API. */
export async function setMode(sim: Simulator, id: SimId, mode: SimMode, options: Record<string, unknown> = {}): Promise<void> {
  const response = await fetch(`${sim.origin}/_sim/providers/${id}`, { method: 'POST', body: JSON.stringify({ mode, ...options }) });
  if (response.status !== 200) throw new Error(`control API answered ${response.status}`);
}

/** Every key must stay out of whatever the exporter printed, logged or served. */
export function expectNoKeys(...texts: string[]): void {
  for (const text of texts) for (const key of Object.values(KEYS)) expect(text).not.toContain(key);
}
