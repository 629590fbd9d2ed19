import { adapterFor } from '../../src/ai/adapters/registry';
import { expectedAnswer, type ChallengeValues } from '../../src/ai/challenge-text';
import { generate } from '../../src/ai/provider-client';
import type { ApiStyle, NormalizedReply } from '../../src/ai/types';
import { CANNED_TEXTS, DUPLICATE_TEXT } from '../../src/simulator/answers';
import { answerFor } from '../../src/simulator/behaviour';
import { FAKE_MODES } from '../../src/simulator/modes';
import { SimProviderState } from '../../src/simulator/provider-state';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { FAKE_MODE_NAMES, simProviderSchema, type FakeMode } from '../../src/simulator/types';
import { ample, challengeSpec, freshChallenge, simulatedEndpoint } from '../helpers/simulated-provider';

const KEY = 'sim-fake-key-0123456789';
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    providers: [
      { id: 'oa', style: 'openai', model: 'gpt-4o', api_key: KEY },
      { id: 'an', style: 'anthropic', model: 'claude-3-5-sonnet-20241022', api_key: KEY },
    ],
  });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

async function ask(id: string, style: ApiStyle, values: ChallengeValues = freshChallenge()): Promise<NormalizedReply> {
  const result = await generate(adapterFor(style), simulatedEndpoint(sim, id, KEY), challengeSpec(values), ample());
  if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
  return result.reply;
}

const hasAnswer = (text: string, values: ChallengeValues): boolean => text.includes(values.code) && text.includes(String(values.a + values.b));

describe('FAKE_MODES, the contract with the validators', () => {
  it('names the expected detection for every fake mode, and which styles can show it', () => {
    expect(Object.keys(FAKE_MODES).sort()).toEqual([...FAKE_MODE_NAMES].sort());
    expect(FAKE_MODES.canned.reasons).toEqual(['template']);
    expect(FAKE_MODES.duplicate.reasons).toEqual(['duplicate_reply', 'wrong_answer']);
    expect(FAKE_MODES.wrong_model.styles).not.toContain('cohere');
    expect(FAKE_MODES.static_id.styles).not.toContain('ollama');
  });
});

describe('each fake mode bends the reply the way the table says', () => {
  it('canned: a fixed text with one of the fake-AI phrases', async () => {
    sim.setMode('oa', 'canned');
    expect(CANNED_TEXTS).toContain((await ask('oa', 'openai')).text);
  });

  it('replay: the first honest answer again, under a new id', async () => {
    const first = await ask('oa', 'openai');
    sim.setMode('oa', 'replay');
    const second = await ask('oa', 'openai');
    expect(second.text).toBe(first.text);
    expect(second.id).not.toBe(first.id);
  });

  it('wrong_answer: the right code with a wrong sum', async () => {
    sim.setMode('oa', 'wrong_answer');
    const values = freshChallenge();
    const reply = await ask('oa', 'openai', values);
    expect(reply.text).toContain(values.code);
    expect(reply.text).not.toContain(String(values.a + values.b));
  });

  it('echo: the prompt itself', async () => {
    sim.setMode('oa', 'echo');
    const values = freshChallenge();
    expect((await ask('oa', 'openai', values)).text).toBe(challengeSpec(values).user);
  });

  it('wrong_model: a correct answer from another model family', async () => {
    sim.setMode('an', 'wrong_model');
    const values = freshChallenge();
    const reply = await ask('an', 'anthropic', values);
    expect(hasAnswer(reply.text, values)).toBe(true);
    expect(reply.model).not.toMatch(/claude/);
  });

  it('static_id: correct answers, the same id every time', async () => {
    sim.setMode('an', 'static_id');
    const [a, b] = [await ask('an', 'anthropic'), await ask('an', 'anthropic')];
    expect(a.id).toBe(b.id);
    expect(a.id).not.toBe('');
  });

  it('no_usage: correct answers without a usage block', async () => {
    sim.setMode('an', 'no_usage');
    const values = freshChallenge();
    const reply = await ask('an', 'anthropic', values);
    expect(hasAnswer(reply.text, values)).toBe(true);
    expect(reply.usage).toBeNull();
  });

  it('duplicate: the same phrase-free text to every challenge', async () => {
    sim.setMode('oa', 'duplicate');
    const texts = [(await ask('oa', 'openai')).text, (await ask('oa', 'openai')).text];
    expect(texts).toEqual([DUPLICATE_TEXT, DUPLICATE_TEXT]);
  });
});

describe('timing modes plan their delays (measured latency is not asserted: the machine is shared)', () => {
  const state = (mode: FakeMode | 'honest', options = {}) => new SimProviderState(simProviderSchema.parse({ id: 't', style: 'openai', model: 'gpt-4o', mode, options }));
  const request = (values: ChallengeValues) => ({ model: 'gpt-4o', system: '', user: challengeSpec(values).user });

  it('instant answers correctly with no delay at all', () => {
    const values = freshChallenge();
    const { answer, delayMs } = answerFor(state('instant'), request(values));
    expect(delayMs).toBe(0);
    expect(answer.text).toContain(expectedAnswer(values).split(' ')[0] as string);
  });

  it('constant_latency uses the same delay every call; honest varies within its range', () => {
    const constant = state('constant_latency', { delay_ms: 150 });
    const honest = state('honest', { latency_ms: [20, 80], per_token_ms: 0 });
    const constantDelays = new Set<number>();
    const honestDelays = new Set<number>();
    for (let i = 0; i < 20; i += 1) {
      constantDelays.add(answerFor(constant, request(freshChallenge())).delayMs);
      honestDelays.add(answerFor(honest, request(freshChallenge())).delayMs);
    }
    expect([...constantDelays]).toEqual([150]);
    expect(honestDelays.size).toBeGreaterThan(1);
    for (const delay of honestDelays) expect(delay >= 20 && delay <= 80).toBe(true);
  });

  it('honest latency grows with the output asked for; constant_latency does not', () => {
    const honest = state('honest', { latency_ms: [50, 50], per_token_ms: 5 });
    const constant = state('constant_latency', { delay_ms: 150 });
    const short = { ...freshChallenge(), items: 2 };
    const long = { ...freshChallenge(), items: 40 };
    expect(answerFor(honest, request(long)).delayMs).toBeGreaterThan(answerFor(honest, request(short)).delayMs + 50);
    expect(answerFor(constant, request(long)).delayMs).toBe(answerFor(constant, request(short)).delayMs);
  });
});
