import { challengePrompt, expectedAnswer, type ChallengeValues } from '../../../src/ai/challenge-text';
import type { NormalizedReply } from '../../../src/ai/types';
import { createValidatorSet, mergeValidatorSettings, REASON_PRECEDENCE, validatorDefinitions, validatorSettingsSchema } from '../../../src/ai/validators/registry';
import { isLocalBaseUrl, largestCluster } from '../../../src/ai/validators/timing';
import type { ValidationContext, ValidationWindowsView } from '../../../src/ai/validators/types';

const challenge: ChallengeValues = { code: 'K7QX2M9P', a: 417, b: 288 };
const noWindows: ValidationWindowsView = { challenges: [], replyIds: [], replies: [], latenciesMs: [], samples: [], seenCode: () => false };
const reply = (over: Partial<NormalizedReply> = {}): NormalizedReply => ({
  text: expectedAnswer(challenge),
  reasoning: '',
  model: 'gpt-4o-2024-08-06',
  id: 'chatcmpl-abc123',
  usage: { promptTokens: 44, completionTokens: 8, totalTokens: 52 },
  finishReason: 'stop',
  headers: { requestId: null, rateLimitRemainingRequests: null, rateLimitRemainingTokens: null, retryAfterSeconds: null },
  ...over,
});
const ctx = (over: Partial<ValidationContext> = {}, replyOver: Partial<NormalizedReply> = {}): ValidationContext => ({
  provider: { id: 'openai', style: 'openai', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o', reasoning: false },
  challenge,
  prompt: challengePrompt(challenge),
  maxTokens: 64,
  reply: reply(replyOver),
  latencyMs: 850,
  sentAt: Date.now() - 850,
  receivedAt: Date.now(),
  windows: noWindows,
  ...over,
});
const defaults = validatorSettingsSchema.parse({});
const check = (name: keyof typeof validatorDefinitions, context: ValidationContext, settings: object = {}) =>
  (validatorDefinitions[name] as { create: (c: unknown) => { check: (c: ValidationContext) => unknown } }).create({ ...defaults[name], ...settings }).check(context);

describe('validators', () => {
  it('pass a live reply, all of them', () => {
    const { verdicts, flagged } = createValidatorSet(defaults).run(ctx());
    expect(flagged).toBeUndefined();
    expect(Object.keys(verdicts).sort()).toEqual(Object.keys(validatorDefinitions).sort());
  });

  describe('template', () => {
    it.each(['All checks passed. Great job!', 'ai-powered ANALYSIS completed   successfully', 'Provider: Mock', 'response time: 0.00s'])('flags %j', (text) => {
      expect(check('template', ctx({}, { text }))).toMatchObject({ ok: false, reason: 'template' });
    });
    it('flags a fake provider name in the model field, and takes extra phrases from config', () => {
      // A fake name in the model field says who answered, wrongly: an envelope fault.
      expect(check('template', ctx({}, { model: 'mock-fallback' }))).toMatchObject({ ok: false, reason: 'envelope' });
      expect(check('template', ctx({}, { text: 'K7QX2M9P 705 -- served by CannedBot' }), { extra_phrases: ['cannedbot'] })).toMatchObject({ ok: false });
      expect(check('template', ctx({}, { model: 'gpt-4o-mini' }))).toMatchObject({ ok: true });
    });
  });

  describe('envelope', () => {
    it('flags a missing or repeated id, except for styles without ids', () => {
      expect(check('envelope', ctx({}, { id: '' }))).toMatchObject({ ok: false, detail: 'the reply has no id' });
      expect(check('envelope', ctx({ windows: { ...noWindows, replyIds: ['chatcmpl-abc123'] } }))).toMatchObject({ ok: false });
      const ollama = ctx({ provider: { id: 'o', style: 'ollama', baseUrl: 'http://127.0.0.1:11434', model: 'llama3.2', reasoning: false } }, { id: '', model: 'llama3.2:latest' });
      expect(check('envelope', ollama)).toMatchObject({ ok: true });
    });
    it('flags another model, accepts a dated version of the asked one', () => {
      expect(check('envelope', ctx({}, { model: 'llama-3.1-8b-instant' }))).toMatchObject({ ok: false, reason: 'envelope' });
      expect(check('envelope', ctx({}, { model: 'gpt-4o' }))).toMatchObject({ ok: true });
    });
    it('flags absent or implausible usage, allows a reasoning model’s thinking tokens', () => {
      expect(check('envelope', ctx({}, { usage: null }))).toMatchObject({ ok: false, detail: 'the reply reports no token usage' });
      expect(check('envelope', ctx({}, { usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } }))).toMatchObject({ ok: false });
      expect(check('envelope', ctx({}, { usage: { promptTokens: 44, completionTokens: 8, totalTokens: 20 } }))).toMatchObject({ ok: false });
      const thinker = ctx({ maxTokens: 1024 }, { reasoning: 'x'.repeat(2000), usage: { promptTokens: 44, completionTokens: 900, totalTokens: 944 } });
      expect(check('envelope', thinker)).toMatchObject({ ok: true });
    });
  });

  it('duplicate_reply flags the same text for a different challenge', () => {
    const windows = { ...noWindows, replies: [{ normalised: 'VERIFICATION COMPLETE', code: 'OTHER123' }] };
    expect(check('duplicate_reply', ctx({ windows }, { text: 'Verification complete.' }))).toMatchObject({ ok: false, reason: 'duplicate_reply' });
    expect(check('duplicate_reply', ctx({ windows }))).toMatchObject({ ok: true });
  });

  describe('timing', () => {
    it('flags a reply faster than the floor for a remote API only', () => {
      expect(check('timing', ctx({ latencyMs: 4 }))).toMatchObject({ ok: false, reason: 'timing' });
      const local = ctx({ latencyMs: 4, provider: { id: 'o', style: 'ollama', baseUrl: 'http://127.0.0.1:11434', model: 'm', reasoning: false } });
      expect(check('timing', local)).toMatchObject({ ok: true });
      expect(check('timing', local, { floor_applies_to_local: true })).toMatchObject({ ok: false });
    });
    it('leaves replies measured while the exporter was starved of CPU out of the series rules', () => {
      const sample = (latencyMs: number, loopLagMs = 0) => ({ latencyMs, completionTokens: null, promptTokens: null, items: 0, textChars: 10, createdAt: null, at: 0, ...(loopLagMs ? { loopLagMs } : {}) });
      const flat = [1500, 1501, 1502, 1500, 1501];
      const kept = { ...noWindows, latenciesMs: flat, samples: flat.map((ms) => sample(ms)) };
      expect(check('timing', ctx({ windows: kept, latencyMs: 1501 }))).toMatchObject({ ok: false, reason: 'timing' });
      // The same latencies, bunched by a starved exporter: no evidence about the provider.
      const starved = { ...noWindows, latenciesMs: flat, samples: flat.map((ms) => sample(ms, 120)) };
      expect(check('timing', ctx({ windows: starved, latencyMs: 1501 }))).toMatchObject({ ok: true });
      // A starved current run is not judged by the series rules either, but the floor still holds.
      expect(check('timing', ctx({ windows: kept, latencyMs: 1501, loopLagMs: 300 }))).toMatchObject({ ok: true, detail: expect.stringMatching(/CPU starvation/) });
      expect(check('timing', ctx({ windows: kept, latencyMs: 4, loopLagMs: 300 }))).toMatchObject({ ok: false, reason: 'timing' });
    });
    it('flags a run of identical latencies, allowing one outlier by default', () => {
      const windows = { ...noWindows, latenciesMs: [1500, 1501, 1502, 1900, 1500] };
      expect(check('timing', ctx({ windows, latencyMs: 1501 }))).toMatchObject({ ok: false, reason: 'timing' });
      expect(check('timing', ctx({ windows: { ...noWindows, latenciesMs: [900, 1400, 1100, 2300, 700] }, latencyMs: 1501 }))).toMatchObject({ ok: true });
      expect(largestCluster([10, 12, 30, 11, 50], 2)).toBe(3);
    });
    it.each([
      ['http://localhost:11434', true],
      ['http://ollama:11434', true],
      ['http://10.1.2.3/v1', true],
      ['http://llm.default.svc.cluster.local/v1', true],
      ['https://api.openai.com/v1', false],
      ['https://172.32.0.1/v1', false],
    ])('%s is local: %s', (url, local) => {
      expect(isLocalBaseUrl(url)).toBe(local);
    });
  });

  it('reports the most specific reason when several validators flag one reply', () => {
    const canned = ctx({ latencyMs: 2 }, { text: 'All checks passed.' });
    expect(createValidatorSet(defaults).run(canned).flagged?.reason).toBe('template');
    // A wrong model name outranks template text: the reply is not from the model asked for.
    const wrongModel = ctx({ latencyMs: 2 }, { text: 'All checks passed.', model: 'AI System' });
    expect(createValidatorSet(defaults).run(wrongModel).flagged?.reason).toBe('envelope');
    expect(REASON_PRECEDENCE.at(-1)).toBe('wrong_answer');
  });

  it('lets a provider override one setting without resetting the others', () => {
    const global = validatorSettingsSchema.parse({ timing: { min_latency_ms: 10 } });
    const merged = mergeValidatorSettings(global, { envelope: { require_id: false } });
    expect(merged.timing.min_latency_ms).toBe(10);
    expect(merged.envelope.require_id).toBe(false);
    expect(merged.envelope.check_model).toBe(true);
    const off = createValidatorSet(mergeValidatorSettings(defaults, { timing: { enabled: false } }));
    expect(off.enabled).not.toContain('timing');
  });
});
