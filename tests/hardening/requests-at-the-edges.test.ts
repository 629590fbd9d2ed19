import request from 'supertest';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';

/**
 * Requests the routes never meant to take, and what the unauthenticated views say about a target:
 * each is the client's mistake (400, no error logged) or shows host and port only.
 */
const TOKEN = 'edge-admin-token-0123456789abcdef';
/** A role that does not exist on the local Postgres: the server quotes it back in its refusal. */
const HIDDEN_USER = 'amas_hidden_role_q7x';

const CONFIG = `
admin:
  token: \${EDGE_ADMIN_TOKEN}
ai:
  enabled: false
probes:
  - name: redis
    type: redis
    url: redis://127.0.0.1:6379/0
    interval: 1s
    timeout: 500ms
  - name: internal_db
    type: postgres
    url: postgres://${HIDDEN_USER}@127.0.0.1:5432/amas
    interval: 1s
    timeout: 800ms
    critical: false
`;

const errorLines = (exporter: TestExporter): string[] => exporter.logLines().filter((line) => (JSON.parse(line) as { level?: string }).level === 'error');

describe('requests a route cannot take', () => {
  let exporter: TestExporter;
  beforeAll(async () => {
    exporter = await startTestExporter(CONFIG, { env: { ...process.env, EDGE_ADMIN_TOKEN: TOKEN } });
    await waitFor(() => exporter.exporter.store.allRanOnce(), 15_000);
  });
  afterAll(() => exporter.close());

  // The router's URIError used to reach the error handler as a 500 with an error log line.
  it('answers 400 to a path that is not valid percent-encoding, and logs no error', async () => {
    for (const path of ['/debug/probes/%ZZ', '/debug/probes/%E0%A4%A']) {
      const response = await request(exporter.url).get(path).set('Authorization', `Bearer ${TOKEN}`);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(response.body.error).toContain('not valid');
    }
    expect(errorLines(exporter)).toEqual([]);
  });

  // `exclude[]=x` used to be parsed as an object and silently ignored: the full /metrics was served.
  it('refuses a query parameter in a shape the route never reads, or one it does not take', async () => {
    for (const path of ['/metrics?exclude[]=security', '/metrics?exclude[a]=security', '/metrics?exclud=security', '/health?exclude[]=x', '/api/status?verbose=1', '/metrics?%ZZ=1']) {
      const response = await request(exporter.url).get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
    }
    // The shape it does read still works.
    const kept = await request(exporter.url).get('/metrics?exclude=security');
    expect(kept.status).toBe(200);
    expect(errorLines(exporter)).toEqual([]);
  });

  // Postgres quotes the role back (`role "…" does not exist`); /health and /api/status are open to the pod.
  it('never shows a target\'s URL user name in /health, /api/status or the status page, even quoted back by the server', async () => {
    await waitFor(() => exporter.exporter.store.get('internal_db')?.latest?.outcome.ok === false, 15_000);
    const health = await request(exporter.url).get('/health');
    const status = await request(exporter.url).get('/api/status');
    const page = await request(exporter.url).get('/');
    const check = (health.body.checks as { name: string; message?: string }[]).find((entry) => entry.name === 'internal_db');
    expect(check).toBeDefined();
    for (const [where, text] of [['health', health.text], ['api/status', status.text], ['status page', page.text]] as const) {
      expect({ where, leaked: text.includes(HIDDEN_USER) }).toEqual({ where, leaked: false });
    }
    // The refusal is still explained, with the name replaced.
    expect(status.body.probes.find((probe: { name: string }) => probe.name === 'internal_db').latest.message).toBe('Database check failed: role "<user>" does not exist');
  });
});

describe('POST /-/reload is rate-limited as well as coalesced', () => {
  let exporter: TestExporter;
  beforeAll(async () => {
    exporter = await startTestExporter('admin:\n  http_reload: true\nprobes: []\n');
  });
  afterAll(() => exporter.close());

  const successes = async (): Promise<number> =>
    Number(/^amas_exporter_config_reloads_total\{result="success"\} (\d+)$/m.exec((await request(exporter.url).get('/metrics')).text)?.[1] ?? Number.NaN);

  // Requests spaced 100 ms apart never overlap a reload (one takes milliseconds), so coalescing alone
  // would run one reload per request; the spacing between reload starts keeps it to a few.
  it('answers every request of a steady stream and runs far fewer reloads than requests', async () => {
    const before = await successes();
    const replies: Promise<request.Response>[] = [];
    for (let index = 0; index < 20; index += 1) {
      replies.push(request(exporter.url).post('/-/reload').then((response) => response));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const statuses = (await Promise.all(replies)).map((reply) => reply.status);
    expect(statuses).toEqual(Array(20).fill(200));
    expect((await successes()) - before).toBeLessThanOrEqual(5);
  }, 30_000);
});
