import { expectedAnswer, type ChallengeValues } from '../../../src/ai/challenge-text';
import { judgeStream } from '../../../src/ai/stream-check';

const challenge: ChallengeValues = { code: 'K7QX2M9P', a: 417, b: 288, items: 12 };
const pieces = expectedAnswer(challenge).match(/\s*\S{1,3}/g) ?? [];
const event = (content: string): string => `data: ${JSON.stringify({ id: 'chatcmpl-x', choices: [{ index: 0, delta: { content } }] })}\n\n`;

/** An OpenAI-style stream whose i-th content chunk arrives at `times[i]` ms (one body read per chunk). */
function stream(times: readonly number[]): { headers: Record<string, string>; text: string; chunks: { offset: number; bytes: number; atMs: number }[] } {
  let offset = 0;
  const parts = pieces.map(event);
  const chunks = parts.map((part, i) => {
    const chunk = { offset, bytes: Buffer.byteLength(part), atMs: times[i] as number };
    offset += chunk.bytes;
    return chunk;
  });
  return { headers: { 'content-type': 'text/event-stream' }, text: `${parts.join('')}data: [DONE]\n\n`, chunks };
}
const spaced = (first: number, gap: number): number[] => pieces.map((_p, i) => first + i * gap);

describe('judgeStream', () => {
  it('passes a hosted model (20 ms a chunk), a very fast host (1 ms a chunk after 150 ms) and a reasoning model that thought for 20 s', () => {
    expect(judgeStream('openai', challenge, stream(spaced(400, 20)))).toMatchObject({ ok: true });
    expect(judgeStream('openai', challenge, stream(spaced(150, 1)))).toMatchObject({ ok: true });
    expect(judgeStream('openai', challenge, stream(spaced(20_000, 15)))).toMatchObject({ ok: true });
  });

  it('flags a buffer flushed after a pause, even when one preemption splits it in two', () => {
    expect(judgeStream('openai', challenge, stream(pieces.map(() => 900)))).toMatchObject({ ok: false, fake: true, detail: expect.stringMatching(/arrived within 0\.0 ms, after 900 ms/) });
    const split = pieces.map((_p, i) => (i < pieces.length / 2 ? 900 : 930));
    expect(judgeStream('openai', challenge, stream(split))).toMatchObject({ ok: false, fake: true });
  });

  it('flags a JSON body, a stream without content and a stream with a wrong answer', () => {
    expect(judgeStream('openai', challenge, { headers: { 'content-type': 'application/json' }, text: '{"id":"chatcmpl-x","choices":[]}' })).toMatchObject({ ok: false, fake: true, detail: expect.stringContaining('plain JSON body') });
    expect(judgeStream('openai', challenge, { headers: { 'content-type': 'text/event-stream' }, text: 'data: [DONE]\n\n', chunks: [] })).toMatchObject({ ok: false, fake: true, detail: 'the event stream carried no content' });
    const wrong = stream(spaced(400, 20));
    expect(judgeStream('openai', challenge, { ...wrong, text: wrong.text.replace(/705/g, '706') })).toMatchObject({ ok: false, fake: true, detail: expect.stringContaining('streamed answer is wrong') });
  });
});
