import express from 'express';
import request from 'supertest';
import { AdminGuard, tokenMatches, type AdminRefusal } from '../../src/server/admin-auth';

const TOKEN = 'exact-token-0123456789abcdef';

describe('the admin token comparison', () => {
  it('accepts only the exact token, whatever the length of the guess', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    for (const guess of [undefined, '', 'e', TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase(), ` ${TOKEN}`]) expect(tokenMatches(guess, TOKEN)).toBe(false);
  });

  it('never matches when no token is configured, not even an empty guess', () => {
    expect(tokenMatches('', '')).toBe(false);
    expect(tokenMatches(undefined, '')).toBe(false);
  });
});

describe('the admin guard', () => {
  it('delays wrong tokens past the limit, never the right one, and forgets failures after the window', async () => {
    let now = 1_000_000;
    const refused: AdminRefusal[] = [];
    const delays: number[] = [];
    const guard = new AdminGuard({
      token: () => TOKEN,
      limits: () => ({ maxFailures: 2, windowMs: 60_000 }),
      onRefused: (reason) => refused.push(reason),
      now: () => now,
      delay: async (ms) => {
        delays.push(ms);
      },
    });
    const app = express().get('/x', guard.middleware, (_request, response) => {
      response.json({ ok: true });
    });
    const wrong = () => request(app).get('/x').set('Authorization', 'Bearer nope-nope-nope-nope');
    const right = () => request(app).get('/x').set('Authorization', `Bearer ${TOKEN}`);
    expect((await wrong()).status).toBe(401);
    expect((await wrong()).status).toBe(401);
    expect(delays).toEqual([]);
    // Past the limit the refusal is held back, doubling; the right token is never refused.
    expect((await wrong()).status).toBe(401);
    expect((await wrong()).status).toBe(401);
    expect(delays).toEqual([250, 500]);
    expect((await right()).status).toBe(200);
    // After the window a wrong token starts from no delay again.
    now += 60_000;
    expect((await wrong()).status).toBe(401);
    expect(delays).toEqual([250, 500]);
    expect(refused).toEqual(['wrong_token', 'wrong_token', 'wrong_token', 'wrong_token', 'wrong_token']);
  });
});
