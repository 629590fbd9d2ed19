import { adapterFor } from '../../src/ai/adapters/registry';
import { expectedAnswer } from '../../src/ai/challenge-text';
import { fetchModels, generate } from '../../src/ai/provider-client';
import { API_STYLES, type NormalizedReply } from '../../src/ai/types';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { ample, challengeSpec, freshChallenge, simulatedEndpoint } from '../helpers/simulated-provider';

const KEY = 'sim-honest-key-0123456789';
const CALLS = 6;
const MODELS: Record<string, string> = { openai: 'gpt-4o', gemini: 'gemini-2.0-flash', cohere: 'command-a-03-2025', anthropic: 'claude-3-5-sonnet-20241022', ollama: 'llama3.2' };

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    providers: API_STYLES.flatMap((style) => [
      { id: `honest-${style}`, style, model: MODELS[style] as string, api_key: style === 'ollama' ? null : KEY },
      { id: `reasoning-${style}`, style, model: MODELS[style] as string, api_key: style === 'ollama' ? null : KEY, mode: 'reasoning' as const },
    ]),
  });
});
afterAll(() => sim.close());

/** The code and then the sum appear in the text, whatever chatter or markdown surrounds them. */
function answers(text: string, answer: string): boolean {
  const [code, sum] = answer.split(' ') as [string, string];
  const at = text.indexOf(code);
  return at !== -1 && text.indexOf(sum, at + code.length) !== -1;
}

async function ask(id: string, style: (typeof API_STYLES)[number]): Promise<{ reply: NormalizedReply; answer: string }> {
  const values = freshChallenge();
  const result = await generate(adapterFor(style), simulatedEndpoint(sim, id, style === 'ollama' ? null : KEY), challengeSpec(values), ample());
  if (!result.ok) throw new Error(`${id}: ${result.reason} ${result.message}`);
  return { reply: result.reply, answer: expectedAnswer(values) };
}

describe.each(API_STYLES)('%s style', (style) => {
  it('honest mode lists its model and answers every challenge correctly, with unique ids and usage', async () => {
    const models = await fetchModels(adapterFor(style), simulatedEndpoint(sim, `honest-${style}`, style === 'ollama' ? null : KEY), ample());
    expect(models.ok && models.models.includes(MODELS[style] as string)).toBe(true);
    const ids = new Set<string>();
    for (let i = 0; i < CALLS; i += 1) {
      const { reply, answer } = await ask(`honest-${style}`, style);
      expect(answers(reply.text, answer)).toBe(true);
      expect(reply.reasoning).toBe('');
      expect(reply.model.startsWith(MODELS[style] as string) || style === 'cohere').toBe(true);
      expect(reply.usage?.promptTokens).toBeGreaterThan(0);
      expect(reply.usage?.completionTokens).toBeGreaterThan(0);
      ids.add(reply.id);
    }
    // Ollama replies carry no id at all; the others never repeat one.
    expect(ids.size).toBe(style === 'ollama' ? 1 : CALLS);
  });

  it('reasoning mode keeps its thinking apart from the answer', async () => {
    const { reply, answer } = await ask(`reasoning-${style}`, style);
    expect(answers(reply.text, answer)).toBe(true);
    expect(reply.reasoning).toContain(answer.split(' ')[1] as string);
    expect(reply.text).not.toContain(reply.reasoning);
  });
});

describe('model names', () => {
  it('an honest OpenAI-style provider sometimes reports the dated snapshot of its model', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 30 && seen.size < 2; i += 1) seen.add((await ask('honest-openai', 'openai')).reply.model);
    expect([...seen].sort()).toEqual(['gpt-4o', 'gpt-4o-2024-08-06']);
  });
});

describe('reasoning carried in the content', () => {
  it('think_tags puts a <think> block in the content, which the adapter moves to reasoning', async () => {
    sim.setMode('reasoning-openai', 'reasoning', { think_tags: true });
    const { reply, answer } = await ask('reasoning-openai', 'openai');
    expect(reply.text).not.toContain('<think>');
    expect(answers(reply.text, answer)).toBe(true);
    expect(reply.reasoning).not.toBe('');
    sim.setMode('reasoning-openai', 'reasoning', { reasoning_field: 'reasoning' });
    expect((await ask('reasoning-openai', 'openai')).reply.reasoning).not.toBe('');
  });
});

describe('a prompt that is not a challenge', () => {
  it('gets a short plausible answer', async () => {
    const result = await generate(adapterFor('openai'), simulatedEndpoint(sim, 'honest-openai', KEY), { user: 'Reply with OK.', maxTokens: 16, temperature: 0 }, ample());
    expect(result.ok && result.reply.text).toMatch(/^OK[.!]?$/);
  });
});
