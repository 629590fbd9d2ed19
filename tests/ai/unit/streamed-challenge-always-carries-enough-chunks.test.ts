import { ITEMS_MIN, LONG_ITEMS_MIN, streamChallenge } from '../../../src/ai/challenge';
import { expectedAnswer, type ChallengeValues } from '../../../src/ai/challenge-text';
import { BURST_MIN_CHUNKS, judgeStream } from '../../../src/ai/stream-check';

const event = (content: string): string => `data: ${JSON.stringify({ id: 'chatcmpl-x', choices: [{ index: 0, delta: { content } }] })}\n\n`;

/** The answer streamed one word per chunk (the coarsest chunking a streaming API uses), every chunk at 900 ms: a buffer flushed after a pause. */
function burstOf(challenge: ChallengeValues): { headers: Record<string, string>; text: string; chunks: { offset: number; bytes: number; atMs: number }[] } {
  const words = expectedAnswer(challenge).split(/(?= )/);
  let offset = 0;
  const parts = words.map(event);
  const chunks = parts.map((part) => {
    const chunk = { offset, bytes: Buffer.byteLength(part), atMs: 900 };
    offset += chunk.bytes;
    return chunk;
  });
  return { headers: { 'content-type': 'text/event-stream' }, text: `${parts.join('')}data: [DONE]\n\n`, chunks };
}

describe('the streaming check’s challenge', () => {
  it('asks for a long list whatever the run asked for, so a burst is always judged', () => {
    for (let items = ITEMS_MIN; items <= LONG_ITEMS_MIN + 2; items += 1) {
      const run: ChallengeValues = { code: 'K7QX2M9P', a: 417, b: 288, items };
      const streamed = streamChallenge(run);
      expect({ items, streamed: streamed.items }).toEqual({ items, streamed: Math.max(items, LONG_ITEMS_MIN) });
      expect({ code: streamed.code, a: streamed.a, b: streamed.b }).toEqual({ code: run.code, a: run.a, b: run.b });
      expect(expectedAnswer(streamed).split(' ').length).toBeGreaterThanOrEqual(BURST_MIN_CHUNKS);
      expect(judgeStream('openai', streamed, burstOf(streamed))).toMatchObject({ ok: false, fake: true, detail: expect.stringMatching(/content chunks arrived within/) });
    }
  });

  it('a short list’s own burst is too short to judge: why the streamed call asks for more', () => {
    const short: ChallengeValues = { code: 'K7QX2M9P', a: 417, b: 288, items: ITEMS_MIN };
    expect(judgeStream('openai', short, burstOf(short))).toMatchObject({ ok: true });
  });
});
