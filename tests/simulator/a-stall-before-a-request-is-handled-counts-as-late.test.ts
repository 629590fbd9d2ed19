import http from 'node:http';
import { startSimulator } from '../../src/simulator/server';

const KEY = 'sim-late-key-0123456789';

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** Posts a chat completion to the simulated provider; resolves with the status once the reply is read. */
function post(origin: string, onSent: () => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${origin}/p/late/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 50 }));
    onSent();
  });
}

/**
 * The simulator thread starved while a request waited to be handled delays the reply as much as
 * a late timer, though the reply's own timer fires on time: the record must show it.
 */
describe("the simulator records its own thread's stalls against the replies they delayed", () => {
  it('a stall while the request arrives shows in lateMs; an unstalled reply shows none', async () => {
    const sim = await startSimulator({ providers: [{ id: 'late', style: 'openai', model: 'gpt-4o', api_key: KEY, options: { latency_ms: [20, 20] } }] });
    try {
      // Give the heartbeat a few quiet beats, then a reply nobody stalls.
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(await post(sim.origin, () => undefined)).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(await post(sim.origin, () => busy(200))).toBe(200);
      const late = sim.requests('late', 'generation').map((record) => record.lateMs ?? 0);
      expect(late).toHaveLength(2);
      expect(late[0]).toBeLessThan(100);
      expect(late[1]).toBeGreaterThanOrEqual(150);
    } finally {
      await sim.close();
    }
  });
});
