import { compareCounters, expectedCounters, type Counters } from '../../src/cli/lib/test-load-compare';
import { isLoopbackHost, parsePlan, plannedRequest, totalRequests } from '../../src/cli/lib/test-load-plan';

const counters = (http: Record<string, number>, auth: Record<string, number> = {}): Counters => ({ http: new Map(Object.entries(http)), auth: new Map(Object.entries(auth)) });

describe('generate-test-load: the plan', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.9.8.7', true],
    ['localhost', true],
    ['[::1]', true],
    ['10.0.0.1', false],
    ['128.0.0.1', false],
    ['127.0.0.1.example.com', false],
    ['[::ffff:10.0.0.1]', false],
    ['amas', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it.each([0, 0.1, 0.25, 1])('spreads a login share of %d evenly and cycles the GET paths', (loginShare) => {
    const plan = { loginShare, paths: ['/a', '/b', '/c'] };
    const requests = Array.from({ length: 200 }, (_, n) => plannedRequest(plan, n));
    const logins = requests.filter((request) => request.kind === 'login');
    expect(logins).toHaveLength(Math.round(200 * loginShare));
    // In every window of 20 requests the share holds to within one request.
    for (let start = 0; start + 20 <= 200; start += 20) {
      expect(Math.abs(requests.slice(start, start + 20).filter((request) => request.kind === 'login').length - 20 * loginShare)).toBeLessThanOrEqual(1);
    }
    const gets = requests.filter((request) => request.kind === 'get').map((request) => request.path);
    expect(gets.slice(0, 6)).toEqual(['/a', '/b', '/c', '/a', '/b', '/c'].slice(0, Math.min(6, gets.length)));
  });

  it('sends duration × rate requests, and defaults to 60 s at 50/s from loopback to loopback', () => {
    const parsed = parsePlan({});
    expect(parsed).toMatchObject({ plan: { target: 'http://127.0.0.1:8000', exporterUrl: 'http://127.0.0.1:8001', durationMs: 60_000, rate: 50, loginShare: 0.1 } });
    expect('plan' in parsed && totalRequests(parsed.plan)).toBe(3000);
    expect(parsePlan({ duration: '90', rate: '0.5' })).toMatchObject({ plan: { durationMs: 90_000, rate: 0.5 } });
  });

  it('allows a remote target only with --allow-remote', () => {
    expect(parsePlan({ target: 'https://amas.example.com/' })).toEqual({ usage: expect.stringContaining('refusing to load https://amas.example.com: amas.example.com is not a loopback address') });
    expect(parsePlan({ target: 'https://amas.example.com/', 'allow-remote': true })).toMatchObject({ plan: { target: 'https://amas.example.com' } });
  });
});

describe('generate-test-load: the comparison', () => {
  const answered = new Map([
    ['GET /api/v1/tasks/17 200', 3],
    ['GET /api/v1/tasks/18 200', 2],
    ['POST /api/v1/auth/login 401', 4],
  ]);

  it('expects one count per answer under the normalised path, and one failed login per 4xx login', () => {
    const expected = expectedCounters({ answered });
    expect(Object.fromEntries(expected.http)).toEqual({ 'GET /api/v1/tasks/{id} 200': 5, 'POST /api/v1/auth/login 401': 4 });
    expect(Object.fromEntries(expected.auth)).toEqual({ failure: 4 });
  });

  it('kept up when every series grew by at least what was sent; behind when one grew less; reset when one went down', () => {
    const expected = expectedCounters({ answered });
    const before = counters({ 'GET /api/v1/tasks/{id} 200': 10, 'POST /api/v1/auth/login 401': 1 }, { failure: 1 });
    const exact = compareCounters(before, counters({ 'GET /api/v1/tasks/{id} 200': 15, 'POST /api/v1/auth/login 401': 5 }, { failure: 5 }), expected);
    expect(exact).toMatchObject({ keptUp: true, reset: false });
    expect(exact.rows.map((row) => [row.series, row.sent, row.counted])).toEqual([
      ['method="GET",endpoint="/api/v1/tasks/{id}",status="200"', 5, 5],
      ['method="POST",endpoint="/api/v1/auth/login",status="401"', 4, 4],
      ['result="failure"', 4, 4],
    ]);
    // Other traffic on the same series counts too: more is still kept up.
    expect(compareCounters(before, counters({ 'GET /api/v1/tasks/{id} 200': 40, 'POST /api/v1/auth/login 401': 9 }, { failure: 9 }), expected).keptUp).toBe(true);
    expect(compareCounters(before, counters({ 'GET /api/v1/tasks/{id} 200': 14, 'POST /api/v1/auth/login 401': 5 }, { failure: 5 }), expected).keptUp).toBe(false);
    expect(compareCounters(before, counters({ 'GET /api/v1/tasks/{id} 200': 5, 'POST /api/v1/auth/login 401': 4 }, { failure: 4 }), expected)).toMatchObject({ keptUp: false, reset: true });
  });
});
