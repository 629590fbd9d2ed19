import { challengePrompt, type ChallengeValues } from '../../src/ai/challenge-text';
import type { PromptSpec, ProviderEndpoint } from '../../src/ai/types';
import type { Simulator } from '../../src/simulator/server';

/** The endpoint the exporter would build for a simulated provider. */
export function simulatedEndpoint(sim: Simulator, id: string, apiKey: string | null, headers: Record<string, string> = {}): ProviderEndpoint {
  const provider = sim.provider(id);
  return { baseUrl: sim.baseUrl(id), apiKey, model: provider.model, headers };
}

let counter = 0;

/** A fresh challenge: a different code and numbers on every call. */
export function freshChallenge(): ChallengeValues {
  counter += 1;
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let code = '';
  for (let i = 0; i < 8; i += 1) code += alphabet[Math.floor(Math.random() * alphabet.length)];
  return { code, a: 100 + counter * 7 + Math.floor(Math.random() * 900), b: 1000 + Math.floor(Math.random() * 9000) };
}

export const challengeSpec = (values: ChallengeValues): PromptSpec => ({
  system: 'You are a verification endpoint.',
  user: challengePrompt(values),
  maxTokens: 256,
  temperature: 0,
});

/** A deadline for calls expected to succeed: generous, since the machine is shared. */
export const ample = (): AbortSignal => AbortSignal.timeout(10_000);
