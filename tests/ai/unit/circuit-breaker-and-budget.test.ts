import { DailyBudget, costUsd } from '../../../src/ai/budget';
import { CircuitBreaker } from '../../../src/ai/circuit-breaker';

const settings = { failureThreshold: 3, cooldownMs: 60_000, maxCooldownMs: 240_000 };
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('the circuit breaker', () => {
  it('opens after N consecutive failures, half-opens after the cool-down, doubles it on a failed trial', () => {
    const breaker = new CircuitBreaker(settings);
    breaker.recordFailure('http_5xx', null, T0);
    breaker.recordSuccess();
    for (let index = 0; index < 2; index += 1) breaker.recordFailure('timeout', null, T0);
    expect(breaker.permit(T0).ok).toBe(true);
    breaker.recordFailure('timeout', null, T0);
    expect(breaker.state(T0)).toBe('open');
    expect(breaker.permit(T0 + 59_000)).toMatchObject({ ok: false, cause: 'timeout' });
    expect(breaker.state(T0 + 60_000)).toBe('half_open');
    breaker.recordFailure('timeout', null, T0 + 60_000);
    expect(breaker.state(T0 + 60_000 + 119_000)).toBe('open');
    expect(breaker.state(T0 + 60_000 + 120_000)).toBe('half_open');
    breaker.recordSuccess();
    expect(breaker.state(T0 + 200_000)).toBe('closed');
  });

  it('stays open after an auth failure, whatever the clock says', () => {
    const breaker = new CircuitBreaker(settings);
    breaker.recordFailure('auth', null, T0);
    expect(breaker.state(T0 + 365 * 86_400_000)).toBe('open');
    expect(breaker.snapshot(T0)).toMatchObject({ authLocked: true, retryAt: null });
  });

  it('defers the next call by Retry-After even while closed', () => {
    const breaker = new CircuitBreaker(settings);
    breaker.recordFailure('rate_limited', 30, T0);
    expect(breaker.state(T0)).toBe('closed');
    expect(breaker.permit(T0 + 29_000)).toMatchObject({ ok: false, cause: 'rate_limited' });
    expect(breaker.permit(T0 + 30_000).ok).toBe(true);
  });
});

describe('the daily budget', () => {
  it('refuses a call that could cross a limit and starts again at 00:00 UTC', () => {
    const budget = new DailyBudget({ requests: 2, tokens: 1000, usd: null });
    const call = { requests: 1, tokens: 400, usd: 0.001 };
    expect(budget.allows(call, T0).ok).toBe(true);
    budget.record(call, T0);
    expect(budget.allows(call, T0).ok).toBe(true);
    budget.record(call, T0);
    expect(budget.allows(call, T0)).toMatchObject({ ok: false, detail: expect.stringMatching(/daily requests budget/) });
    expect(budget.remaining(T0)).toEqual({ requests: 0, tokens: 200 });
    const tomorrow = Date.UTC(2026, 0, 2, 0, 0, 1);
    expect(budget.allows(call, tomorrow).ok).toBe(true);
    expect(budget.spent(tomorrow)).toEqual({ requests: 0, tokens: 0, usd: 0 });
  });

  it('prices tokens per million', () => {
    expect(costUsd(1_000_000, 500_000, { inputPerMillion: 3, outputPerMillion: 15 })).toBeCloseTo(10.5);
  });
});
